"""The tron-client OpenAPI document: every route documented, errors included."""

from __future__ import annotations

from drf_spectacular.generators import SchemaGenerator


def test_tron_client_schema_documents_every_route_with_error_bodies() -> None:
    schema = SchemaGenerator(urlconf="lucid_payments.urls.tron_client").get_schema(
        request=None, public=True
    )
    paths = schema["paths"]
    assert {
        "/api/v1/network/status",
        "/api/v1/blocks/{number}",
        "/api/v1/accounts/{address}",
        "/api/v1/transactions/{txid}",
        "/api/v1/transactions/broadcast",
        "/api/v1/addresses/validate",
    } <= set(paths)
    broadcast = paths["/api/v1/transactions/broadcast"]["post"]
    assert {"202", "400", "422", "503"} <= set(broadcast["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in broadcast["parameters"])
    assert "Error" in schema["components"]["schemas"]
