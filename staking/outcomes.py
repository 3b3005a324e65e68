"""The end of a staking operation: when its outgoing transaction is final or failed, book
its ledger effect, update the operation (and its delegation) and publish the event.

Runs inside the chain app's transaction that records the status (no network calls): the
amounts the chain paid back were read from the final transaction's info by the tracker.

- freeze final: the hold becomes staked (held → staked); failed: released.
- anything final that paid out unfrozen TRX (withdraw, and unfreeze or cancel when an
  earlier unfreeze had expired): staked → available, that amount.
- anything final that paid out a voting reward (the claim): credited to the client, an
  inflow from outside custody like a deposit.
- delegate final: the delegation is active; failed: failed. Undelegate final: the
  delegation is undelegated; failed: active again.
"""

from __future__ import annotations

from django.utils import timezone

from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.money import Asset
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from lucid_payments.tron.selectors import OutgoingView, outgoing_get
from staking.events import staking_operation_event_publish
from staking.models import (
    Delegation,
    DelegationStatus,
    OperationKind,
    OperationStatus,
    StakingOperation,
)
from staking.services import REFERENCE_PREFIX
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit, ledger_release, ledger_stake, ledger_unstake

WORKER = AuditActor.system("staking")


def operation_on_outgoing(event: OutgoingEvent) -> None:
    if not event.reference.startswith(REFERENCE_PREFIX):
        return
    operation = (
        StakingOperation.objects.select_for_update().filter(reference=event.reference).first()
    )
    if operation is None or operation.status != OperationStatus.PENDING:
        return  # not ours, or ended already: safe to run twice
    if event.status not in (OutgoingStatus.FINAL, OutgoingStatus.FAILED):
        if event.txid and operation.txid != event.txid:
            operation.txid = event.txid
            operation.save(update_fields=["txid"])
        return
    outgoing = outgoing_get(outgoing_id=event.outgoing_id)
    if outgoing is None:
        return
    operation.txid = outgoing.txid
    operation.fee = outgoing.fee
    operation.finished_at = timezone.now()
    if event.status == OutgoingStatus.FINAL:
        _confirm(operation, outgoing)
    else:
        _fail(operation, outgoing)
    operation.save(
        update_fields=[
            "status",
            "txid",
            "fee",
            "withdrawn_unstaked",
            "withdrawn_reward",
            "failure_code",
            "failure_message",
            "finished_at",
        ]
    )
    audit_log(
        actor=WORKER,
        action=f"staking.{operation.kind}.{operation.status}",
        target=operation,
        data={"txid": operation.txid, "fee": operation.fee},
        client_id=operation.client_id,
    )
    staking_operation_event_publish(operation)


def _confirm(operation: StakingOperation, outgoing: OutgoingView) -> None:
    owner = LedgerOwner.client(operation.client_id)
    data = {"txid": outgoing.txid, "operation_id": operation.pk, "wallet_id": operation.wallet_id}
    operation.status = OperationStatus.CONFIRMED
    if operation.kind == OperationKind.FREEZE:
        ledger_stake(reference=operation.reference, description="freeze final", data=data)
    if outgoing.withdraw_expire_amount:
        operation.withdrawn_unstaked = outgoing.withdraw_expire_amount
        ledger_unstake(
            owner=owner,
            amount=outgoing.withdraw_expire_amount,
            reference=f"{operation.reference}:unstake",
            description=f"unfrozen TRX withdrawn by {operation.kind}",
            data=data,
        )
    if outgoing.withdraw_amount:
        operation.withdrawn_reward = outgoing.withdraw_amount
        ledger_credit(
            owner=owner,
            asset=Asset.TRX,
            amount=outgoing.withdraw_amount,
            reference=f"{operation.reference}:reward",
            description="voting reward claimed",
            data=data,
        )
    _delegation_to(
        operation,
        DelegationStatus.ACTIVE
        if operation.kind == OperationKind.DELEGATE
        else DelegationStatus.UNDELEGATED,
    )


def _fail(operation: StakingOperation, outgoing: OutgoingView) -> None:
    operation.status = OperationStatus.FAILED
    operation.failure_code = outgoing.failure_code
    operation.failure_message = outgoing.failure_message
    if operation.kind == OperationKind.FREEZE:
        ledger_release(
            reference=operation.reference,
            description=f"freeze failed: {outgoing.failure_code}",
            data={"txid": outgoing.txid, "operation_id": operation.pk},
        )
    _delegation_to(
        operation,
        DelegationStatus.FAILED
        if operation.kind == OperationKind.DELEGATE
        else DelegationStatus.ACTIVE,
    )


def _delegation_to(operation: StakingOperation, status: DelegationStatus) -> None:
    if operation.delegation_id is None:
        return
    # Locked as staking_undelegate locks it: the two never interleave on one delegation.
    delegation = Delegation.objects.select_for_update().get(pk=operation.delegation_id)
    delegation.status = status
    delegation.save(update_fields=["status", "updated_at"])
