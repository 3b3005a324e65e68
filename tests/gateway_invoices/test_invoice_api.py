"""The invoices API without the chain: create, read, list with filters, cancel, and bad
input refused with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils.dateparse import parse_datetime

from gateway.invoices.models import Invoice, InvoiceSettings
from lucid_payments.events.models import Event
from tests.gateway_invoices.conftest import SettableClock, Tenant, event_types, keyed_tenant

pytestmark = pytest.mark.django_db


def test_an_invoice_gets_a_fresh_address_an_expiry_and_a_checkout_url(tenant: Tenant) -> None:
    first = tenant.invoice(amount="12.5", order_id="order-1", metadata={"sku": "A"})
    second = tenant.invoice(amount="1", asset="TRX")

    assert first["id"].startswith("inv_") and len(first["id"]) == 26
    assert first["amount"] == {"amount": "12.5", "asset": "USDT"}
    assert first["due"] == {"amount": "12.5", "asset": "USDT"}
    assert first["paid_amount"] == {"amount": "0", "asset": "USDT"}
    assert first["status"] == "new" and first["exception"] == "none"
    assert first["address"] != second["address"]
    assert first["checkout_url"].endswith(f"/pay/{first['id']}")
    created = parse_datetime(first["created_at"])
    expires = parse_datetime(first["expires_at"])
    monitoring = parse_datetime(first["monitoring_until"])
    assert created and expires and monitoring
    assert expires - created == timedelta(minutes=15)
    assert monitoring - expires == timedelta(hours=24)
    assert tenant.get_invoice(first["id"]) == first
    assert event_types(first["id"]) == ["invoice.created"]


def test_expiry_and_window_follow_the_request_and_the_client_settings(tenant: Tenant) -> None:
    InvoiceSettings.objects.create(
        client=tenant.client, default_expires_in=600, monitoring_window=3600
    )
    default = tenant.invoice(amount="1")
    asked = tenant.invoice(amount="1", expires_in=60)

    def span(body: dict[str, str], a: str, b: str) -> timedelta:
        return parse_datetime(body[b]) - parse_datetime(body[a])  # type: ignore[operator]

    assert span(default, "created_at", "expires_at") == timedelta(seconds=600)
    assert span(asked, "created_at", "expires_at") == timedelta(seconds=60)
    assert span(asked, "expires_at", "monitoring_until") == timedelta(seconds=3600)


def test_a_top_up_invoice_has_no_amount_and_nothing_due(tenant: Tenant) -> None:
    body = tenant.invoice(asset="TRX")
    assert body["amount"] is None and body["due"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "1.0000001"}, "amount"),
        ({"amount": 5}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-1"}, "amount"),
        ({"asset": "BTC", "amount": "1"}, "asset"),
        ({"amount": "1", "expires_in": 59}, "expires_in"),
        ({"amount": "1", "expires_in": 7 * 24 * 3600 + 1}, "expires_in"),
        ({"amount": "1", "metadata": {"x": "y" * 4100}}, "metadata"),
        ({"amount": "1", "redirect_url": "javascript:alert(1)"}, "redirect_url"),
        ({"amount": "1", "customer_id": 999_999}, "customer_id"),
    ],
)
def test_bad_input_is_a_400_and_writes_nothing(
    tenant: Tenant, body: dict[str, object], field: str
) -> None:
    response = tenant.post("/api/v1/invoices", {"asset": "USDT", **body})
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] and error["message"]
    assert field in error["fields"] or field in str(error), error
    assert not Invoice.objects.exists()
    assert not Event.objects.filter(type__startswith="invoice.").exists()


def test_create_replays_under_the_same_idempotency_key(tenant: Tenant) -> None:
    body = {"asset": "USDT", "amount": "3"}
    first = tenant.post("/api/v1/invoices", body, HTTP_IDEMPOTENCY_KEY="k-1")
    again = tenant.post("/api/v1/invoices", body, HTTP_IDEMPOTENCY_KEY="k-1")
    other = tenant.post("/api/v1/invoices", {**body, "amount": "4"}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert other.status_code == 422
    assert Invoice.objects.count() == 1


def test_the_list_filters_and_pages_newest_first(tenant: Tenant, clock: SettableClock) -> None:
    ids = [tenant.invoice(amount="1", order_id=f"o-{i % 2}")["id"] for i in range(5)]
    tenant.post(f"/api/v1/invoices/{ids[0]}/cancel")

    page = tenant.api.get("/api/v1/invoices?limit=2").json()
    assert [i["id"] for i in page["invoices"]] == [ids[4], ids[3]]
    assert page["has_more"] is True
    rest = tenant.api.get(f"/api/v1/invoices?limit=10&starting_after={page['next_starting_after']}")
    assert [i["id"] for i in rest.json()["invoices"]] == [ids[2], ids[1], ids[0]]
    assert rest.json()["has_more"] is False

    by_order = tenant.api.get("/api/v1/invoices?order_id=o-1").json()["invoices"]
    assert [i["id"] for i in by_order] == [ids[3], ids[1]]
    cancelled = tenant.api.get("/api/v1/invoices?status=cancelled").json()["invoices"]
    assert [i["id"] for i in cancelled] == [ids[0]]
    later = (clock() + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert tenant.api.get("/api/v1/invoices", {"created_gte": later}).json()["invoices"] == []
    assert tenant.api.get("/api/v1/invoices?status=bogus").status_code == 400
    assert tenant.api.get("/api/v1/invoices?order_id=").status_code == 400


def test_cancel_only_while_new_with_its_event(tenant: Tenant) -> None:
    invoice = tenant.invoice(amount="2")
    response = tenant.post(f"/api/v1/invoices/{invoice['id']}/cancel")
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    again = tenant.post(f"/api/v1/invoices/{invoice['id']}/cancel")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invoice_not_cancellable"
    assert event_types(invoice["id"]) == ["invoice.created", "invoice.cancelled"]


def test_another_clients_invoices_are_404_everywhere(tenant: Tenant) -> None:
    invoice = tenant.invoice(amount="2")
    stranger = keyed_tenant()
    base = f"/api/v1/invoices/{invoice['id']}"
    assert stranger.api.get(base).status_code == 404
    assert stranger.post(f"{base}/cancel").status_code == 404
    assert stranger.api.get(f"{base}/refunds").status_code == 404
    refund = {"amount": "1", "to_address": invoice["address"]}
    assert stranger.post(f"{base}/refunds", refund).status_code == 404
    listed = stranger.api.get(f"/api/v1/invoices?starting_after={invoice['id']}")
    assert listed.status_code == 404
    assert stranger.api.get("/api/v1/invoices").json()["invoices"] == []
    assert Invoice.objects.get().status == "new"


@pytest.mark.parametrize(
    "metadata", ['{"k": "\\ud800"}', '{"\\ud800": 1}', '{"k": ["a\\u0000"]}', '{"k": 1e999}']
)
def test_metadata_a_database_cannot_store_is_a_400(tenant: Tenant, metadata: str) -> None:
    response = tenant.api.post(
        "/api/v1/invoices",
        data='{"asset": "TRX", "metadata": ' + metadata + "}",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert response.status_code == 400
    assert "metadata" in response.json()["error"]["fields"]
    assert not Invoice.objects.exists()


def test_a_malformed_idempotency_key_on_cancel_is_a_400(tenant: Tenant) -> None:
    invoice = tenant.invoice(amount="2")
    response = tenant.post(
        f"/api/v1/invoices/{invoice['id']}/cancel", HTTP_IDEMPOTENCY_KEY="k" * 300
    )
    assert response.status_code == 400
    assert Invoice.objects.get().status == "new"


def test_expiry_is_scheduled_every_minute_and_its_task_runs() -> None:
    from django_q.models import Schedule

    from gateway.invoices.schedules import INVOICE_EXPIRY_SCHEDULE
    from gateway.invoices.tasks import invoice_expire_due_task

    schedule = Schedule.objects.get(name=INVOICE_EXPIRY_SCHEDULE)
    assert (schedule.schedule_type, schedule.minutes) == (Schedule.MINUTES, 1)
    assert schedule.func == "gateway.invoices.tasks.invoice_expire_due_task"
    assert invoice_expire_due_task() == 0
