"""Sweeps in the admin (read-only, linked to their invoice, whose page lists them), the
audited sweep settings and "look again" action, the daily net settlement's net column,
the ``sweep`` command and the once-a-minute schedule. No chain needed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client as WebClient
from django.utils import timezone
from django_q.models import Schedule

from gateway.invoices.models import Invoice, InvoiceStatus
from gateway.invoices.services import invoice_create
from gateway.sweeps.models import Sweep, SweepAddress, SweepStatus
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from tests.gateway_invoices.conftest import Tenant

pytestmark = [pytest.mark.django_db]

ADMIN = pytest.mark.urls("lucid_payments.urls.admin")


@pytest.fixture
def admin_web() -> WebClient:
    web = WebClient()
    web.force_login(User.objects.create_superuser("root", password="pw"))
    return web


def _swept_invoice(tenant: Tenant) -> tuple[Invoice, Sweep]:
    invoice = invoice_create(
        client=tenant.client, asset=Asset.TRX, amount=60_000_000, actor=AuditActor.system("t")
    ).invoice
    Invoice.objects.filter(pk=invoice.pk).update(
        status=InvoiceStatus.PAID,
        paid_amount=60_000_000,
        paid_at=timezone.now(),
        cost_sweep_sun=268_000,
    )
    sweep = Sweep.objects.create(
        client=tenant.client,
        network=invoice.network,
        asset=Asset.TRX,
        source_address=invoice.address.address,
        destination_address="TLsV52sRDL79HXGGm9yzwKibb6BeruhUzy",
        invoice=invoice,
        amount=59_000_000,
        reference="internal:sweep:test",
        status=SweepStatus.COMPLETED,
        cost_sweep_sun=268_000,
    )
    return invoice, sweep


@ADMIN
def test_sweeps_are_read_only_and_linked_both_ways_with_their_invoice(
    admin_web: WebClient, tenant: Tenant
) -> None:
    invoice, sweep = _swept_invoice(tenant)
    listed = admin_web.get("/admin/sweeps/sweep/").content.decode()
    assert sweep.public_id in listed and f"/admin/invoices/invoice/{invoice.pk}/change/" in listed
    page = admin_web.get(f"/admin/sweeps/sweep/{sweep.pk}/change/")
    assert page.status_code == 200 and invoice.public_id in page.content.decode()
    assert admin_web.get("/admin/sweeps/sweep/add/").status_code == 403
    invoice_page = admin_web.get(f"/admin/invoices/invoice/{invoice.pk}/change/").content.decode()
    assert sweep.public_id in invoice_page and f"/admin/sweeps/sweep/{sweep.pk}/" in invoice_page
    invoices = admin_web.get("/admin/invoices/invoice/").content.decode()
    assert "59.732 TRX" in invoices  # net: 60 TRX received less 0.268 TRX of costs

    summary = admin_web.get("/admin/invoices/invoice/daily-summary/").content.decode()
    assert "<td>0.268</td>" in summary and "<td>59.732 TRX</td>" in summary


@ADMIN
def test_sweep_settings_and_looking_again_are_audited(admin_web: WebClient, tenant: Tenant) -> None:
    response = admin_web.post(
        "/admin/sweeps/sweepsettings/add/",
        {"client": tenant.client.pk, "threshold_usdt_units": 1_000_000, "hot_cap_trx_sun": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert tenant.client.sweep_settings.threshold_usdt_units == 1_000_000
    changed = AuditEvent.objects.get(action="sweep_settings.changed")
    assert changed.client_id == tenant.client.pk

    row = SweepAddress.objects.create(
        network="devnet",
        address="TLsV52sRDL79HXGGm9yzwKibb6BeruhUzy",
        client=tenant.client,
        due=False,
    )
    response = admin_web.post(
        "/admin/sweeps/sweepaddress/",
        {"action": "look_again", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.due and AuditEvent.objects.filter(action="sweep_address.look_again").count() == 1
    assert admin_web.get("/admin/sweeps/sweepaddress/").status_code == 200


def test_the_sweep_command_runs_a_pass_and_says_so(tenant: Tenant) -> None:
    out = StringIO()
    call_command("sweep", stdout=out)
    assert "Done: 0 sweeps started" in out.getvalue()
    with pytest.raises(CommandError, match="never received a deposit"):
        call_command("sweep", "--address", "TLsV52sRDL79HXGGm9yzwKibb6BeruhUzy", stdout=out)


def test_the_sweeper_is_scheduled_every_minute() -> None:
    schedule = Schedule.objects.get(func="gateway.sweeps.tasks.sweeps_run_task")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)
