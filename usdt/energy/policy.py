"""Steps 2-4 of the energy policy (database only; see the package docstring): record the
delegation a plan calls for, say when its send may go, reclaim it when the send ended."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.tron.outgoing.contracts import generic_call, trx_transfer
from lucid_payments.tron.outgoing.services import outgoing_create
from usdt.energy.plan import EnergyPlan
from usdt.models import (
    DelegationStatus,
    EnergyDelegation,
    EnergyMode,
    TopUpStatus,
    TrxTopUp,
)
from wallets.custody import INTERNAL_PREFIX, internal_reference
from wallets.models.wallets import Wallet

ACTIVATE_PREFIX = "energy-activate:"
DELEGATE_PREFIX = "energy-delegate:"
RECLAIM_PREFIX = "energy-reclaim:"
TOPUP_PREFIX = "energy-topup:"
ACTOR = AuditActor.system("usdt.energy")

ReadyHandler = Callable[[str], None]
_ready_handlers: list[tuple[str, ReadyHandler]] = []


def energy_ready_subscribe(prefix: str, handler: ReadyHandler) -> None:
    """``handler(purpose)`` runs, inside the transaction that records it, when the energy
    of a send whose purpose starts with ``prefix`` is ready (or will never come)."""
    if (prefix, handler) not in _ready_handlers:
        _ready_handlers.append((prefix, handler))


def notify_ready(purpose: str) -> None:
    if not energy_ready(purpose=purpose):
        return  # the other half (a top-up, or the delegation) is still on its way
    bare = purpose.removeprefix(INTERNAL_PREFIX)
    for prefix, handler in list(_ready_handlers):
        if bare.startswith(prefix):
            handler(purpose)


def energy_for_usdt_send(*, plan: EnergyPlan, purpose: str) -> EnergyDelegation | None:
    """Record the delegation ``plan`` calls for (None in ``own``/``burn`` mode), or in
    burn mode the top-up of a sender short of TRX. Call it inside the transaction that
    records the send; the worker sends what it records."""
    if plan.topup_sun and plan.topup_wallet_id is not None:
        _top_up(plan, purpose, fee_wallet_id=plan.topup_wallet_id)
    if plan.mode != EnergyMode.DELEGATED or plan.energy_wallet_id is None:
        return None
    wallet = Wallet.objects.get(pk=plan.energy_wallet_id)
    delegation = EnergyDelegation.objects.create(
        energy_wallet=wallet,
        receiver=plan.sender,
        purpose=purpose,
        energy=plan.delegate_energy,
        amount_sun=plan.delegate_sun,
        activation_sun=plan.activation_sun,
        status=DelegationStatus.ACTIVATING if plan.activation_sun else DelegationStatus.DELEGATING,
    )
    if plan.activation_sun:
        # Our own movement (never a deposit): the receiver is one of our addresses.
        outgoing = outgoing_create(
            call=trx_transfer(owner=wallet.address, to=plan.sender, amount_sun=plan.activation_sun),
            reference=internal_reference(f"{ACTIVATE_PREFIX}{delegation.pk}"),
            actor=ACTOR,
        )
        delegation.activation_outgoing_id = outgoing.pk
        delegation.save(update_fields=["activation_outgoing_id", "updated_at"])
    else:
        delegate(delegation)
    audit_log(
        actor=ACTOR,
        action="usdt.energy.delegation_requested",
        target=delegation,
        data={"purpose": purpose, "energy": plan.delegate_energy, "sun": plan.delegate_sun},
    )
    return delegation


def _top_up(plan: EnergyPlan, purpose: str, *, fee_wallet_id: int) -> None:
    fee_wallet = Wallet.objects.get(pk=fee_wallet_id)
    topup = TrxTopUp.objects.create(
        fee_wallet=fee_wallet,
        receiver=plan.sender,
        purpose=purpose,
        amount_sun=plan.topup_sun,
        status=TopUpStatus.SENDING,
    )
    outgoing = outgoing_create(
        call=trx_transfer(owner=fee_wallet.address, to=plan.sender, amount_sun=plan.topup_sun),
        reference=internal_reference(f"{TOPUP_PREFIX}{topup.pk}"),
        client=fee_wallet.client,
        actor=ACTOR,
    )
    topup.outgoing_id = outgoing.pk
    topup.save(update_fields=["outgoing_id", "updated_at"])
    audit_log(
        actor=ACTOR,
        action="usdt.energy.topup_requested",
        target=topup,
        data={"purpose": purpose, "sun": plan.topup_sun},
        client_id=fee_wallet.client_id,
    )


def delegate(delegation: EnergyDelegation) -> None:
    call = generic_call(
        contract_type="DelegateResourceContract",
        owner=delegation.energy_wallet.address,
        parameters={
            "receiver_address": delegation.receiver,
            "balance": delegation.amount_sun,
            "resource": "ENERGY",
        },
    )
    outgoing = outgoing_create(
        call=call, reference=internal_reference(f"{DELEGATE_PREFIX}{delegation.pk}"), actor=ACTOR
    )
    delegation.status = DelegationStatus.DELEGATING
    delegation.delegate_outgoing_id = outgoing.pk
    delegation.save(update_fields=["status", "delegate_outgoing_id", "updated_at"])


def reclaim(delegation: EnergyDelegation, *, amount_sun: int | None = None) -> None:
    """Record an undelegation of ``delegation`` (the row locked by the caller)."""
    delegation.reclaim_attempts += 1
    call = generic_call(
        contract_type="UnDelegateResourceContract",
        owner=delegation.energy_wallet.address,
        parameters={
            "receiver_address": delegation.receiver,
            "balance": amount_sun or delegation.amount_sun,
            "resource": "ENERGY",
        },
    )
    outgoing = outgoing_create(
        call=call,
        reference=internal_reference(
            f"{RECLAIM_PREFIX}{delegation.pk}:{delegation.reclaim_attempts}"
        ),
        actor=ACTOR,
    )
    delegation.status = DelegationStatus.RECLAIMING
    delegation.reclaim_outgoing_id = outgoing.pk
    delegation.save(
        update_fields=["status", "reclaim_attempts", "reclaim_outgoing_id", "updated_at"]
    )
    audit_log(
        actor=ACTOR,
        action="usdt.energy.reclaim_requested",
        target=delegation,
        data={"attempt": delegation.reclaim_attempts, "outgoing_id": outgoing.pk},
    )


def _locked(purpose: str) -> EnergyDelegation | None:
    return (
        EnergyDelegation.objects.select_for_update()
        .select_related("energy_wallet")
        .filter(purpose=purpose)
        .first()
    )


def energy_ready(*, purpose: str) -> bool:
    """Whether the send of ``purpose`` may go now (see the package docstring)."""
    if TrxTopUp.objects.filter(purpose=purpose, status=TopUpStatus.SENDING).exists():
        return False
    delegation = EnergyDelegation.objects.filter(purpose=purpose).first()
    if delegation is None:
        return True
    return delegation.status not in (DelegationStatus.ACTIVATING, DelegationStatus.DELEGATING)


def energy_failed(*, purpose: str) -> bool:
    """Whether the delegation of ``purpose`` never reached the chain (the send burns)."""
    return EnergyDelegation.objects.filter(
        purpose=purpose, status=DelegationStatus.FAILED, delegated_at__isnull=True
    ).exists()


def energy_release(*, purpose: str, send_txid: str = "") -> None:
    """The send of ``purpose`` ended: reclaim its delegation. Safe to call twice."""
    with transaction.atomic():
        delegation = _locked(purpose)
        if delegation is None:
            return
        if send_txid and not delegation.send_txid:
            delegation.send_txid = send_txid
        if delegation.release_requested_at is None:
            delegation.release_requested_at = timezone.now()
        delegation.save(update_fields=["send_txid", "release_requested_at", "updated_at"])
        if delegation.status == DelegationStatus.DELEGATED:
            reclaim(delegation)
        # Still activating or delegating: reclaimed as soon as it is in a block (hooks).


def delegated_energy_for_txid(network: str, txid: str) -> int:
    """Energy our energy wallet delegated for the send ``txid`` (0 if none): the fee
    accounting's source for "energy from delegation"."""
    delegation = (
        EnergyDelegation.objects.filter(network=network, send_txid=txid)
        .exclude(status=DelegationStatus.FAILED)
        .first()
    )
    return delegation.energy if delegation is not None else 0
