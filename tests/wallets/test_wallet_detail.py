"""GET /api/v1/wallets/{id} when the node cannot be read: the wallet and its ledger view
are still answered, with ``chain: null`` and ``chain_error`` saying why."""

from __future__ import annotations

import pytest

from lucid_payments.core.money import Asset
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit

pytestmark = pytest.mark.django_db


def test_an_unreachable_node_gives_the_ledger_view_and_the_reason(
    unreachable_node: str, wallets_api
) -> None:
    tenant, api = wallets_api
    wallet = api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=1_500_000, reference="t"
    )

    response = api.get(f"/api/v1/wallets/{wallet['id']}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["chain"] is None
    assert body["chain_error"]["code"] == "node_unavailable"
    assert "did not answer" in body["chain_error"]["message"]
    assert unreachable_node not in body["chain_error"]["message"]  # no node address leaked
    ledger = {row["asset"]: row for row in body["ledger"]}
    assert ledger["TRX"]["available"] == {"amount": "1.5", "asset": "TRX"}
    assert body["address"] == wallet["address"]


def test_the_schema_documents_chain_error(wallets_api) -> None:
    _, api = wallets_api
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    detail = schema["components"]["schemas"]["WalletDetailOutput"]
    assert "chain_error" in detail["required"]
    assert detail["properties"]["chain_error"]["nullable"] is True
    assert "why" in detail["properties"]["chain"]["description"]
