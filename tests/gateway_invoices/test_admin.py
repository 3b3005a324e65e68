"""The invoices admin: every page renders, invoices and refunds are read-only, a change
of a client's invoice settings is audited, and the daily net settlement sums paid
invoices per client and day."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as WebClient
from django.utils import timezone

from gateway.invoices.models import Invoice, InvoiceStatus
from gateway.invoices.services import invoice_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from tests.gateway_invoices.conftest import Tenant

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.admin")]


def _invoice(tenant: Tenant, units: int) -> Invoice:
    return invoice_create(
        client=tenant.client, asset=Asset.USDT, amount=units, actor=AuditActor.system("test")
    ).invoice


@pytest.fixture
def admin_web() -> WebClient:
    web = WebClient()
    web.force_login(User.objects.create_superuser("root", password="pw"))
    return web


def test_invoice_pages_render_and_nothing_can_be_changed(
    admin_web: WebClient, tenant: Tenant
) -> None:
    invoice = _invoice(tenant, 5_000_000)
    assert admin_web.get("/admin/invoices/invoice/").status_code == 200
    page = admin_web.get(f"/admin/invoices/invoice/{invoice.pk}/change/")
    assert page.status_code == 200 and invoice.public_id in page.content.decode()
    assert admin_web.get("/admin/invoices/invoice/add/").status_code == 403
    assert admin_web.post(f"/admin/invoices/invoice/{invoice.pk}/delete/").status_code == 403
    assert admin_web.get("/admin/invoices/refund/").status_code == 200


def test_the_daily_summary_sums_paid_invoices_per_client(
    admin_web: WebClient, tenant: Tenant
) -> None:
    for units in (5_000_000, 7_500_000):
        invoice = _invoice(tenant, units)
        Invoice.objects.filter(pk=invoice.pk).update(
            status=InvoiceStatus.PAID,
            paid_amount=invoice.amount,
            paid_at=timezone.now(),
            cost_energy_sun=1_500_000,
        )
    _invoice(tenant, 100_000_000)  # unpaid: not in the summary

    page = admin_web.get("/admin/invoices/invoice/daily-summary/").content.decode()
    assert tenant.client.name in page
    assert "<td>12.5</td>" in page and "<td>3</td>" in page  # received; costs in TRX
    assert "<td>2</td>" in page  # invoices


def test_changing_a_clients_invoice_settings_is_audited(
    admin_web: WebClient, tenant: Tenant
) -> None:
    response = admin_web.post(
        "/admin/invoices/invoicesettings/add/",
        {
            "client": tenant.client.pk,
            "default_expires_in": 600,
            "monitoring_window": 3600,
            "tolerance_bps": 50,
            "tolerance_trx_sun": 0,
            "tolerance_usdt_units": 0,
            "speed_policy": "final",
            "seen_max_trx_sun": 0,
            "seen_max_usdt_units": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="invoice_settings.changed")
    assert event.client_id == tenant.client.pk
    assert "tolerance_bps" in event.data["fields"]


def test_the_list_shows_each_invoices_net_of_refunds_in_one_query(
    admin_web: WebClient, tenant: Tenant
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gateway.invoices.models import Refund, RefundStatus

    def listed() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            page = admin_web.get("/admin/invoices/invoice/")
        assert page.status_code == 200
        return page.content.decode(), len(queries)

    first = _invoice(tenant, 5_000_000)
    _, one_row = listed()
    for n, invoice in enumerate((first, _invoice(tenant, 5_000_000), _invoice(tenant, 5_000_000))):
        Invoice.objects.filter(pk=invoice.pk).update(
            status=InvoiceStatus.PAID, paid_amount=5_000_000
        )
        for m, (amount, status) in enumerate(
            ((1_000_000, RefundStatus.SENT), (2_000_000, RefundStatus.FAILED))
        ):
            Refund.objects.create(
                invoice=invoice,
                client=tenant.client,
                asset=Asset.USDT,
                amount=amount,
                to_address="T" * 34,
                reference=f"refund-test:{n}:{m}",
                outgoing_id=1_000 + 10 * n + m,
                status=status,
            )
    content, three_rows = listed()
    assert three_rows == one_row  # no query per row
    assert content.count("4 USDT - 0 TRX") == 3  # 5 paid, 1 refunded; the failed one not
