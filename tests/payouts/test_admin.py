"""The payouts admin: the list and the detail page, Approve… / Reject… for operators with
the approver permission (four eyes shown as an error, not a second approval), nothing for
the others, and no way to edit or delete a payout."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client as WebClient

from lucid_payments.core.money import Asset
from payouts.models import Payout, PayoutSettings
from tests.payouts.conftest import UNIT, Tenant, operator

pytestmark = pytest.mark.django_db


def _web(user: User) -> WebClient:
    web = WebClient()
    web.force_login(user)
    return web


def _staff_viewer() -> User:
    user = operator("viewer", approver=False)
    user.user_permissions.add(Permission.objects.get(codename="view_payout"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def waiting(tenant: Tenant, custody_destination: str) -> Payout:
    tenant.fund(Asset.USDT, 1000 * UNIT)
    PayoutSettings.objects.create(
        client=tenant.client, approval_threshold_usdt=0, four_eyes_threshold_usdt=100 * UNIT
    )
    response = tenant.payout(tenant.customer(kyc=True), custody_destination, "150")
    return Payout.objects.get(public_id=response.json()["id"])


def test_the_list_and_detail_show_payouts_read_only(waiting: Payout) -> None:
    web = _web(User.objects.create_superuser("root", password="pw"))
    listing = web.get("/admin/payouts/payout/?status__exact=awaiting_approval")
    assert listing.status_code == 200 and waiting.public_id in listing.content.decode()
    page = web.get(f"/admin/payouts/payout/{waiting.pk}/change/").content.decode()
    assert 'id="payout-approve"' in page and 'id="payout-reject"' in page
    assert web.post(f"/admin/payouts/payout/{waiting.pk}/delete/").status_code == 403
    assert web.get("/admin/payouts/payout/add/").status_code == 403
    assert web.get("/admin/payouts/payoutsettings/add/").status_code == 200


def test_two_operators_approve_and_the_first_cannot_count_twice(waiting: Payout) -> None:
    alice, bob = _web(operator("alice")), _web(operator("bob"))
    url = f"/admin/payouts/payout/{waiting.pk}/approve/"
    assert alice.get(url).status_code == 200
    assert alice.post(url).status_code == 302
    again = alice.post(url)
    assert again.status_code == 409 and "second operator" in again.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_approval"

    assert bob.post(url).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "queued" and waiting.approvals.count() == 2


def test_a_rejection_takes_a_reason(waiting: Payout) -> None:
    alice = _web(operator("alice"))
    url = f"/admin/payouts/payout/{waiting.pk}/reject/"
    assert alice.post(url, {"reason": ""}).status_code == 200  # the form asks again
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_approval"
    assert alice.post(url, {"reason": "unknown destination"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "cancelled" and waiting.rejection_reason == "unknown destination"


def test_staff_without_the_approver_permission_cannot_decide(waiting: Payout) -> None:
    viewer = _web(_staff_viewer())
    page = viewer.get(f"/admin/payouts/payout/{waiting.pk}/change/")
    assert page.status_code == 200 and 'id="payout-approve"' not in page.content.decode()
    assert viewer.post(f"/admin/payouts/payout/{waiting.pk}/approve/").status_code == 403
    assert (
        viewer.post(f"/admin/payouts/payout/{waiting.pk}/reject/", {"reason": "no"}).status_code
        == 403
    )
    waiting.refresh_from_db()
    assert waiting.status == "awaiting_approval" and not waiting.approvals.exists()


def test_a_clients_payout_settings_are_changed_in_the_admin_and_audited(tenant: Tenant) -> None:
    from lucid_payments.core.models import AuditEvent

    web = _web(User.objects.create_superuser("root", password="pw"))
    response = web.post(
        "/admin/payouts/payoutsettings/add/",
        {"client": tenant.client.pk, "fee_usdt": "250000", "fee_trx": "0", "v0_daily_usdt": "5"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PayoutSettings.objects.get(client=tenant.client).v0_daily_usdt == 5
    audit = AuditEvent.objects.get(action="payout_settings.changed")
    assert audit.client_id == tenant.client.pk
    assert audit.data["fee_usdt"] == 250000 and audit.data["v0_daily_usdt"] == 5


def test_a_txid_pasted_in_capitals_finds_its_payout(waiting: Payout) -> None:
    txid = "ab" * 32  # stored lower-case, as every txid is
    Payout.objects.filter(pk=waiting.pk).update(txid=txid)
    web = _web(User.objects.create_superuser("root", password="pw"))
    listing = web.get("/admin/payouts/payout/", {"q": txid.upper()}).content.decode()
    assert waiting.public_id in listing
