"""Four eyes on a large payout, in a real headless Chromium against a live admin server.

A payout above the client's second threshold needs two different operators with the
approver permission: A's approval leaves it waiting, A cannot approve twice, an operator
without the permission is not offered the buttons and is refused when forcing the URL,
and B's approval queues it. The database and the audit log must show exactly that.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission, User

from lucid_payments.core.audit import AuditActor
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from payouts.models import Payout, PayoutSettings, PayoutStatus
from payouts.services import payout_create
from tests.browser.conftest import log_in
from tests.payouts.conftest import UNIT, custody_address_of_another_client, keyed_tenant

pytestmark = [pytest.mark.browser, pytest.mark.urls("lucid_payments.urls.admin")]


def _operator(username: str, *, approver: bool) -> User:
    user = User.objects.create_user(username, password=f"pw-{username}", is_staff=True)
    codenames = ["view_payout", "view_payoutapproval"] + (["approve_payout"] if approver else [])
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="payouts", codename__in=codenames)
    )
    return User.objects.get(pk=user.pk)


def _large_payout() -> Payout:
    tenant = keyed_tenant()
    tenant.fund(Asset.USDT, 10_000 * UNIT)
    PayoutSettings.objects.create(
        client=tenant.client,
        approval_threshold_usdt=100 * UNIT,
        four_eyes_threshold_usdt=1_000 * UNIT,
    )
    payout = payout_create(
        client=tenant.client,
        customer=tenant.customer(kyc=True),
        destination=custody_address_of_another_client()[1],
        asset=Asset.USDT,
        amount=2_500 * UNIT,
        reference="large-1",
        actor=AuditActor.system("tests"),
    ).payout
    assert payout.status == PayoutStatus.AWAITING_APPROVAL and payout.approvals_required == 2
    return payout


def _approve(page: Any, payout: Payout) -> None:
    page.goto(f"/admin/payouts/payout/{payout.pk}/change/")
    page.click("#payout-approve")
    page.click("#payout-decision-submit")


def test_a_large_payout_needs_two_different_approvers_in_the_admin(
    browser: Any,
    live_server: Any,
) -> None:
    payout = _large_payout()
    alice = _operator("alice", approver=True)
    bob = _operator("bob", approver=True)
    viewer = _operator("viewer", approver=False)

    # A approves: one of two; the payout still waits.
    page = log_in(browser, live_server.url, alice)
    _approve(page, payout)
    page.wait_for_selector(".messagelist .success")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.AWAITING_APPROVAL
    assert list(payout.approvals.values_list("operator", flat=True)) == [alice.pk]

    # A again: four eyes are two people.
    _approve(page, payout)
    assert "already approved" in page.inner_text("#payout-decision-error")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.AWAITING_APPROVAL and payout.approvals.count() == 1

    # Without the permission: no buttons, and the URL forced by hand is refused.
    page = log_in(browser, live_server.url, viewer)
    page.goto(f"/admin/payouts/payout/{payout.pk}/change/")
    assert page.locator("#payout-approve").count() == 0
    assert page.locator("#payout-reject").count() == 0
    approve_url = f"/admin/payouts/payout/{payout.pk}/approve/"
    assert page.goto(approve_url).status == 403
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forced = page.request.post(
        approve_url,
        form={"csrfmiddlewaretoken": token},
        headers={"Referer": f"{live_server.url}{approve_url}"},
    )
    assert forced.status == 403 and "CSRF" not in forced.text()
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.AWAITING_APPROVAL and payout.approvals.count() == 1

    # B approves: the second pair of eyes queues it.
    page = log_in(browser, live_server.url, bob)
    _approve(page, payout)
    page.wait_for_selector(".messagelist .success")
    payout.refresh_from_db()
    approved = Event.objects.get(object_id=payout.public_id, type="payout.approved")
    assert approved.data["status"] == PayoutStatus.QUEUED and payout.approved_at is not None
    # Tests run django-q inline: the queued payout (to an address in our custody) is
    # booked at once by the worker.
    assert payout.status == PayoutStatus.CONFIRMED
    assert set(payout.approvals.values_list("operator", flat=True)) == {alice.pk, bob.pk}
    page.goto(f"/admin/payouts/payout/{payout.pk}/change/")
    assert page.locator("#payout-approve").count() == 0  # nothing left to decide

    trail = list(
        AuditEvent.objects.filter(object_type="payouts.payout", object_id=str(payout.pk))
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert trail[1:4] == [
        ("payout.approval", "alice"),
        ("payout.approval", "bob"),
        ("payout.approved", "bob"),
    ]
    assert list(
        Event.objects.filter(object_id=payout.public_id)
        .order_by("id")
        .values_list("type", flat=True)
    ) == ["payout.created", "payout.awaiting_approval", "payout.approved", "payout.confirmed"]
