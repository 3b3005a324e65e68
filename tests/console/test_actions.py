"""Actions where the work is: each asks why, is audited, and is neither offered to nor
accepted from an operator whose role lacks its permission."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from gateway.invoices.models import Invoice, InvoiceStatus
from gateway.invoices.services import invoice_create
from lucid_payments.accounts.models import Client
from lucid_payments.accounts.selectors import api_key_by_plaintext
from lucid_payments.accounts.services import api_key_create
from lucid_payments.console.roles import SUPPORT, TREASURY
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from tests.console.conftest import make_staff
from tests.gateway_invoices.conftest import Tenant

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.admin")]
INVOICES = "/admin/invoices/invoice/"


def _web(username: str, *roles: str, superuser: bool = False) -> WebClient:
    web = WebClient()
    web.force_login(make_staff(username, *roles, superuser=superuser))
    return web


def _expired_invoice(tenant: Tenant) -> Invoice:
    invoice = invoice_create(
        client=tenant.client, asset=Asset.USDT, amount=5_000_000, actor=AuditActor.system("t")
    ).invoice
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.EXPIRED)
    return invoice


def test_treasury_marks_an_invoice_paid_with_a_reason_and_its_event_goes_out(
    tenant: Tenant,
) -> None:
    invoice = _expired_invoice(tenant)
    web = _web("tina", TREASURY)
    chosen = {"action": "mark_paid", "_selected_action": [invoice.pk]}

    asked = web.post(INVOICES, chosen)
    assert asked.status_code == 200 and "Mark paid: why?" in asked.content.decode()
    refused = web.post(INVOICES, {**chosen, "apply": "1", "reason": "  "})
    assert refused.status_code == 200  # asked again: a blank reason is no reason
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.EXPIRED

    done = web.post(INVOICES, {**chosen, "apply": "1", "reason": "paid by bank wire #881"})
    assert done.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.paid_at is not None
    audit = AuditEvent.objects.get(action="invoice.marked_paid")
    assert (audit.actor_label, audit.data) == (
        "tina",
        {"from": "expired", "reason": "paid by bank wire #881"},
    )
    assert Event.objects.filter(object_id=invoice.public_id, type="invoice.paid").count() == 1


def test_a_new_invoice_cannot_be_marked_and_nothing_changes(tenant: Tenant) -> None:
    invoice = invoice_create(
        client=tenant.client, asset=Asset.TRX, amount=1_000_000, actor=AuditActor.system("t")
    ).invoice
    web = _web("tina", TREASURY)
    web.post(
        INVOICES,
        {"action": "mark_invalid", "_selected_action": [invoice.pk], "apply": "1", "reason": "x"},
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.NEW
    assert not AuditEvent.objects.filter(action__startswith="invoice.marked").exists()


def test_support_is_not_offered_the_mark_and_a_forced_one_is_refused(tenant: Tenant) -> None:
    invoice = _expired_invoice(tenant)
    web = _web("sue", SUPPORT)
    listing = web.get(INVOICES).content.decode()
    assert invoice.public_id in listing and "mark_paid" not in listing

    web.post(
        INVOICES,
        {"action": "mark_paid", "_selected_action": [invoice.pk], "apply": "1", "reason": "x"},
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.EXPIRED
    for path in ("/admin/accounts/apikey/", "/admin/usdt/energywallet/", "/admin/accounts/client/"):
        page = web.get(path).content.decode()
        assert 'name="action"' not in page, path  # no action at all for read-only support


def test_a_disabled_client_keys_stop_working_and_the_reason_is_audited() -> None:
    client = Client.objects.create(name="shop")
    _, key = api_key_create(client=client, name="k")
    assert api_key_by_plaintext(key) is not None
    web = _web("root", superuser=True)
    chosen = {"action": "disable_selected", "_selected_action": [client.pk]}

    response = web.post(
        "/admin/accounts/client/", {**chosen, "apply": "1", "reason": "chargeback fraud"}
    )

    assert response.status_code == 302
    client.refresh_from_db()
    assert not client.is_active
    assert api_key_by_plaintext(key) is None  # what authentication asks
    audit = AuditEvent.objects.get(action="client.disabled")
    assert audit.data == {"reason": "chargeback fraud"} and audit.client_id == client.pk
