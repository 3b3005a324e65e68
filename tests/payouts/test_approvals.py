"""Approvals at service level: above the client's threshold a payout waits for an
operator, above the second threshold for two different ones; only operators with the
approver permission decide; a rejection needs a reason and releases the hold. Every
decision is audited and published."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from lucid_payments.core.errors import Conflict, Forbidden, InvalidInput
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from payouts.approvals import payout_approve, payout_reject
from payouts.models import Payout, PayoutSettings
from tests.payouts.conftest import UNIT, Tenant, operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def guarded(tenant: Tenant) -> Tenant:
    tenant.fund(Asset.USDT, 10_000 * UNIT)
    PayoutSettings.objects.create(
        client=tenant.client,
        approval_threshold_usdt=100 * UNIT,
        four_eyes_threshold_usdt=500 * UNIT,
    )
    return tenant


def _payout(tenant: Tenant, destination: str, amount: str) -> Payout:
    response = tenant.payout(tenant.customer(kyc=True), destination, amount)
    assert response.status_code == 201, response.content
    return Payout.objects.get(public_id=response.json()["id"])


def _events(payout: Payout) -> list[str]:
    return list(
        Event.objects.filter(object_id=payout.public_id)
        .order_by("id")
        .values_list("type", flat=True)
    )


def test_up_to_the_threshold_no_approval_is_needed(
    guarded: Tenant, custody_destination: str
) -> None:
    payout = _payout(guarded, custody_destination, "100")
    assert payout.status == "queued" and payout.approvals_required == 0
    assert _events(payout) == ["payout.created"]


def test_above_the_threshold_one_approver_queues_it(
    guarded: Tenant, custody_destination: str
) -> None:
    payout = _payout(guarded, custody_destination, "100.000001")
    assert payout.status == "awaiting_approval" and payout.approvals_required == 1
    assert guarded.balance(Asset.USDT) == (9_899_999_999, 100_000_001)

    approved = payout_approve(payout=payout, operator=operator("alice"))

    assert approved.status == "queued" and approved.approved_at is not None
    assert _events(payout) == ["payout.created", "payout.awaiting_approval", "payout.approved"]
    actions = AuditEvent.objects.filter(
        object_type="payouts.payout", object_id=str(payout.pk)
    ).values_list("action", flat=True)
    assert list(actions.order_by("id")) == ["payout.created", "payout.approval", "payout.approved"]


def test_above_the_second_threshold_two_different_operators_must_approve(
    guarded: Tenant, custody_destination: str
) -> None:
    payout = _payout(guarded, custody_destination, "500.5")
    assert payout.approvals_required == 2
    alice, bob = operator("alice"), operator("bob")

    assert payout_approve(payout=payout, operator=alice).status == "awaiting_approval"
    with pytest.raises(Conflict) as twice:
        payout_approve(payout=payout, operator=alice)
    assert twice.value.code == "already_approved_by_you"
    payout.refresh_from_db()
    assert payout.status == "awaiting_approval" and payout.approvals.count() == 1

    assert payout_approve(payout=payout, operator=bob).status == "queued"
    assert _events(payout)[-1] == "payout.approved"


def test_an_operator_without_the_permission_cannot_approve_or_reject(
    guarded: Tenant, custody_destination: str
) -> None:
    payout = _payout(guarded, custody_destination, "200")
    clerk = operator("clerk", approver=False)
    with pytest.raises(Forbidden) as approve:
        payout_approve(payout=payout, operator=clerk)
    with pytest.raises(Forbidden) as reject:
        payout_reject(payout=payout, operator=clerk, reason="no")
    assert approve.value.code == reject.value.code == "not_a_payout_approver"
    payout.refresh_from_db()
    assert payout.status == "awaiting_approval" and not payout.approvals.exists()


def test_a_superuser_is_an_approver(guarded: Tenant, custody_destination: str) -> None:
    payout = _payout(guarded, custody_destination, "200")
    root = User.objects.create_superuser(username="root", password="x")
    assert payout_approve(payout=payout, operator=root).status == "queued"


def test_a_rejection_needs_a_reason_and_releases_the_hold(
    guarded: Tenant, custody_destination: str
) -> None:
    payout = _payout(guarded, custody_destination, "300")
    alice = operator("alice")
    with pytest.raises(InvalidInput):
        payout_reject(payout=payout, operator=alice, reason="  ")
    assert guarded.balance(Asset.USDT) == (9_700 * UNIT, 300 * UNIT)

    rejected = payout_reject(payout=payout, operator=alice, reason="destination on a blocklist")

    assert rejected.status == "cancelled"
    assert rejected.rejection_reason == "destination on a blocklist"
    assert guarded.balance(Asset.USDT) == (10_000 * UNIT, 0)
    assert _events(payout)[-1] == "payout.rejected"
    event = Event.objects.filter(object_id=payout.public_id).latest("id")
    assert event.data["rejection_reason"] == "destination on a blocklist"


def test_a_decided_payout_cannot_be_decided_again(
    guarded: Tenant, custody_destination: str
) -> None:
    payout = _payout(guarded, custody_destination, "200")
    alice, bob = operator("alice"), operator("bob")
    payout_reject(payout=payout, operator=alice, reason="no")
    with pytest.raises(Conflict) as late:
        payout_approve(payout=payout, operator=bob)
    assert late.value.code == "payout_not_awaiting_approval"
    with pytest.raises(Conflict):
        payout_reject(payout=payout, operator=bob, reason="no again")
    assert guarded.balance(Asset.USDT) == (10_000 * UNIT, 0)


def test_a_client_may_cancel_a_payout_awaiting_approval(
    guarded: Tenant, custody_destination: str
) -> None:
    payout = _payout(guarded, custody_destination, "200")
    response = guarded.post(f"/api/v1/payouts/{payout.public_id}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    with pytest.raises(Conflict):
        payout_approve(payout=payout, operator=operator("alice"))
