"""Operators' decisions on payouts that wait for approval.

A payout above the client's approval threshold needs one approval, above its four-eyes
threshold two, from two different operators. Only an operator with the
``payouts.approve_payout`` permission may approve or reject (a superuser has every
permission); the same operator never counts twice. The last approval queues the payout
for sending; a rejection (with a reason) cancels it and releases its hold. Each
decision takes the payout's row lock, re-checks its status, is audited and publishes its
event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, Forbidden, InvalidInput
from payouts.batch_models import PayoutBatch, PayoutBatchStatus
from payouts.events import payout_event_publish
from payouts.ledger import payout_release
from payouts.models import Payout, PayoutApproval, PayoutStatus
from payouts.queue import payout_send_enqueue

APPROVE_PERMISSION = "payouts.approve_payout"


def _check_approver(operator: Any) -> None:
    if not operator.is_active or not operator.has_perm(APPROVE_PERMISSION):
        raise Forbidden(
            "Only operators with the permission to approve payouts may decide on them.",
            code="not_a_payout_approver",
        )


def _locked_awaiting(payout: Payout) -> Payout:
    locked = Payout.objects.select_for_update().get(pk=payout.pk)
    if locked.status != PayoutStatus.AWAITING_APPROVAL:
        raise Conflict(
            f"The payout is {locked.status}, not awaiting approval.",
            code="payout_not_awaiting_approval",
        )
    return locked


@transaction.atomic
def payout_approve(*, payout: Payout, operator: Any) -> Payout:
    """Record ``operator``'s approval; queue the payout when it has all it needs (or, an
    item of a batch not released yet, schedule it with the batch's others).

    Raises ``Forbidden`` (``not_a_payout_approver``) without the permission, ``Conflict``
    when the payout no longer waits (``payout_not_awaiting_approval``) or the operator
    already approved it (``already_approved_by_you``: four eyes are two people).
    """
    _check_approver(operator)
    # An item of a batch not released yet waits for the release like the batch's others.
    # The batch row first: the release's own lock order (the batch, then its items).
    batch = (
        PayoutBatch.objects.select_for_update(of=("self",))
        .filter(items__payout_id=payout.pk)
        .first()
    )
    locked = _locked_awaiting(payout)
    if locked.approvals.filter(operator=operator).exists():
        raise Conflict(
            "You already approved this payout; a second operator must approve it.",
            code="already_approved_by_you",
        )
    PayoutApproval.objects.create(payout=locked, operator=operator)
    given = locked.approvals.count()
    actor = AuditActor.operator(operator)
    audit_log(
        actor=actor,
        action="payout.approval",
        target=locked,
        client_id=locked.client_id,
        data={"approvals": given, "required": locked.approvals_required},
    )
    if given < locked.approvals_required:
        return locked
    held = batch is not None and batch.status == PayoutBatchStatus.SCHEDULED
    locked.status = PayoutStatus.SCHEDULED if held else PayoutStatus.QUEUED
    locked.approved_at = timezone.now()
    locked.save(update_fields=["status", "approved_at", "updated_at"])
    audit_log(
        actor=actor,
        action="payout.approved",
        target=locked,
        client_id=locked.client_id,
        data={"approvals": given},
    )
    payout_event_publish(payout=locked, what="approved")
    if not held:
        payout_send_enqueue(locked.pk)
    return locked


@transaction.atomic
def payout_reject(*, payout: Payout, operator: Any, reason: str) -> Payout:
    """Reject a waiting payout with ``reason`` (required): it is cancelled and its amount
    and fee are available again."""
    _check_approver(operator)
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "Say why the payout is rejected.", fields={"reason": ["This field is required."]}
        )
    locked = _locked_awaiting(payout)
    payout_release(locked, why="payout rejected by an operator", data={"reason": reason})
    locked.status = PayoutStatus.CANCELLED
    locked.rejection_reason = reason
    locked.cancelled_at = timezone.now()
    locked.save(update_fields=["status", "rejection_reason", "cancelled_at", "updated_at"])
    audit_log(
        actor=AuditActor.operator(operator),
        action="payout.rejected",
        target=locked,
        client_id=locked.client_id,
        data={"reason": reason},
    )
    payout_event_publish(payout=locked, what="rejected")
    return locked
