"""The energy policy follows its own transactions (activation, delegation, reclaim) from
the outgoing hook, inside the transaction that records each status (database only)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lucid_payments.core.audit import audit_log
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from usdt.energy.policy import (
    ACTIVATE_PREFIX,
    ACTOR,
    DELEGATE_PREFIX,
    RECLAIM_PREFIX,
    TOPUP_PREFIX,
    delegate,
    notify_ready,
    reclaim,
)
from usdt.models import DelegationStatus, EnergyDelegation, TopUpStatus, TrxTopUp
from wallets.custody import INTERNAL_PREFIX

IN_A_BLOCK = (OutgoingStatus.CONFIRMED, OutgoingStatus.FINAL)


def _delegation_id(reference: str) -> tuple[str, int] | None:
    bare = reference.removeprefix(INTERNAL_PREFIX)
    for prefix in (ACTIVATE_PREFIX, DELEGATE_PREFIX, RECLAIM_PREFIX):
        if bare.startswith(prefix):
            return prefix, int(bare.removeprefix(prefix).split(":")[0])
    return None


def energy_on_outgoing(event: OutgoingEvent) -> None:
    bare = event.reference.removeprefix(INTERNAL_PREFIX)
    if bare.startswith(TOPUP_PREFIX):
        _on_topup(int(bare.removeprefix(TOPUP_PREFIX)), event)
        return
    found = _delegation_id(event.reference)
    if found is None:
        return
    prefix, delegation_id = found
    with transaction.atomic():
        delegation = (
            EnergyDelegation.objects.select_for_update()
            .select_related("energy_wallet")
            .filter(pk=delegation_id)
            .first()
        )
        if delegation is None:
            return
        if prefix == ACTIVATE_PREFIX:
            _on_activation(delegation, event)
        elif prefix == DELEGATE_PREFIX:
            _on_delegation(delegation, event)
        elif delegation.reclaim_outgoing_id == event.outgoing_id:
            _on_reclaim(delegation, event)


def _on_topup(topup_id: int, event: OutgoingEvent) -> None:
    with transaction.atomic():
        topup = TrxTopUp.objects.select_for_update().filter(pk=topup_id).first()
        if topup is None or topup.status != TopUpStatus.SENDING:
            return
        if event.status in IN_A_BLOCK:
            topup.status = TopUpStatus.DONE
        elif event.status == OutgoingStatus.FAILED:
            topup.status = TopUpStatus.FAILED  # the send goes anyway and may fail short
        else:
            return
        topup.save(update_fields=["status", "updated_at"])
        notify_ready(topup.purpose)


def _fail(delegation: EnergyDelegation, why: str) -> None:
    delegation.status = DelegationStatus.FAILED
    delegation.finished_at = timezone.now()
    delegation.save(update_fields=["status", "finished_at", "updated_at"])
    audit_log(
        actor=ACTOR, action="usdt.energy.delegation_failed", target=delegation, data={"why": why}
    )
    notify_ready(delegation.purpose)  # the send goes anyway, burning TRX


def _on_activation(delegation: EnergyDelegation, event: OutgoingEvent) -> None:
    if delegation.status != DelegationStatus.ACTIVATING:
        return
    if event.status in IN_A_BLOCK:
        delegate(delegation)
    elif event.status == OutgoingStatus.FAILED:
        _fail(delegation, f"activation failed: {event.failure_code}")


def _on_delegation(delegation: EnergyDelegation, event: OutgoingEvent) -> None:
    if delegation.status == DelegationStatus.DELEGATING and event.status in IN_A_BLOCK:
        delegation.status = DelegationStatus.DELEGATED
        delegation.delegated_at = timezone.now()
        delegation.save(update_fields=["status", "delegated_at", "updated_at"])
        audit_log(
            actor=ACTOR,
            action="usdt.energy.delegated",
            target=delegation,
            data={"txid": event.txid, "energy": delegation.energy},
        )
        if delegation.release_requested_at is not None:
            reclaim(delegation)  # its send ended meanwhile
        else:
            notify_ready(delegation.purpose)
    elif delegation.status == DelegationStatus.DELEGATING and event.status == OutgoingStatus.FAILED:
        _fail(delegation, f"delegation failed: {event.failure_code}")


def _on_reclaim(delegation: EnergyDelegation, event: OutgoingEvent) -> None:
    if delegation.status != DelegationStatus.RECLAIMING:
        return
    if event.status == OutgoingStatus.FINAL:
        delegation.status = DelegationStatus.RECLAIMED
        delegation.finished_at = timezone.now()
        delegation.save(update_fields=["status", "finished_at", "updated_at"])
        audit_log(
            actor=ACTOR,
            action="usdt.energy.reclaimed",
            target=delegation,
            data={"txid": event.txid},
        )
    # A failed reclaim stays "reclaiming": the repair task asks the chain and retries.
