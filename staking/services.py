"""Staking operations on a client's hot wallet: each one a transaction sent through the
chain app's outgoing machinery, recorded with its ledger effect in one database
transaction (no network calls here: ``staking.preflight`` reads the chain before).

Freezing holds the TRX on the client's ledger when accepted (available → held); the hold
becomes ``staked`` when the freeze is final and is released if it fails
(``staking.outcomes``). The other operations move nothing when accepted: what they pay
back onto the wallet's balance is known only from the final transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction

from lucid_payments.accounts.models import Client
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, InvalidInput
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset
from lucid_payments.tron.outgoing.contracts import generic_call
from lucid_payments.tron.outgoing.services import outgoing_create
from staking.models import (
    Delegation,
    DelegationStatus,
    OperationKind,
    Resource,
    StakingOperation,
)
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_hold
from wallets.models.wallets import Wallet, WalletKind

REFERENCE_PREFIX = "staking:"
# A delegation's lock is counted in 3-second blocks; java-tron caps it at 864,000 (30 days).
MAX_LOCK_PERIOD_BLOCKS = 864_000


def _check_wallet(wallet: Wallet) -> Client:
    """The wallet's client, if it is a client's hot wallet (the only kind that stakes)."""
    client = wallet.client
    if wallet.kind != WalletKind.HOT or not wallet.can_sign or client is None:
        raise InvalidInput(
            "Staking runs on a client's hot wallet.",
            code="wallet_cannot_stake",
            fields={"wallet_id": ["Not a hot wallet."]},
        )
    return client


def _record(
    *,
    wallet: Wallet,
    kind: OperationKind,
    contract_type: str,
    parameters: dict[str, Any],
    actor: AuditActor,
    reference: str | None = None,
    **fields: Any,
) -> StakingOperation:
    reference = reference or f"{REFERENCE_PREFIX}{uuid.uuid4().hex}"
    call = generic_call(contract_type=contract_type, owner=wallet.address, parameters=parameters)
    client = _check_wallet(wallet)
    outgoing = outgoing_create(call=call, reference=reference, client=client, actor=actor)
    operation = StakingOperation.objects.create(
        client=client,
        wallet=wallet,
        kind=kind,
        outgoing_id=outgoing.pk,
        reference=reference,
        **fields,
    )
    idempotency_effect(operation)
    audit_log(
        actor=actor,
        action=f"staking.{kind}.accepted",
        target=operation,
        data={"wallet_id": wallet.pk, "reference": reference, **parameters},
        client_id=wallet.client_id,
    )
    return operation


@transaction.atomic
def staking_freeze(
    *, wallet: Wallet, amount_sun: int, resource: Resource, actor: AuditActor
) -> StakingOperation:
    """Freeze ``amount_sun`` of the wallet's TRX for ``resource``.

    Raises ``InsufficientFunds`` if the client's available TRX on the ledger is short.
    """
    client = _check_wallet(wallet)
    reference = f"{REFERENCE_PREFIX}{uuid.uuid4().hex}"
    ledger_hold(
        owner=LedgerOwner.client(client.pk),
        asset=Asset.TRX,
        amount=amount_sun,
        reference=reference,
        description=f"freeze for {resource} from wallet {wallet.pk}",
        data={"wallet_id": wallet.pk, "resource": str(resource)},
    )
    return _record(
        wallet=wallet,
        kind=OperationKind.FREEZE,
        contract_type="FreezeBalanceV2Contract",
        parameters={"frozen_balance": amount_sun, "resource": str(resource)},
        actor=actor,
        reference=reference,
        amount=amount_sun,
        resource=resource,
    )


@transaction.atomic
def staking_unfreeze(
    *, wallet: Wallet, amount_sun: int, resource: Resource, actor: AuditActor
) -> StakingOperation:
    """Start unfreezing: the TRX stays staked until withdrawn after the chain's wait."""
    _check_wallet(wallet)
    return _record(
        wallet=wallet,
        kind=OperationKind.UNFREEZE,
        contract_type="UnfreezeBalanceV2Contract",
        parameters={"unfreeze_balance": amount_sun, "resource": str(resource)},
        actor=actor,
        amount=amount_sun,
        resource=resource,
    )


@transaction.atomic
def staking_withdraw_expired(*, wallet: Wallet, actor: AuditActor) -> StakingOperation:
    """Withdraw every unfreeze whose wait is over back to the spendable balance."""
    _check_wallet(wallet)
    return _record(
        wallet=wallet,
        kind=OperationKind.WITHDRAW_EXPIRED,
        contract_type="WithdrawExpireUnfreezeContract",
        parameters={},
        actor=actor,
    )


@transaction.atomic
def staking_cancel_unfreezes(*, wallet: Wallet, actor: AuditActor) -> StakingOperation:
    """Cancel every pending unfreeze: still waiting → frozen again, expired → withdrawn."""
    _check_wallet(wallet)
    return _record(
        wallet=wallet,
        kind=OperationKind.CANCEL_UNFREEZES,
        contract_type="CancelAllUnfreezeV2Contract",
        parameters={},
        actor=actor,
    )


@transaction.atomic
def staking_delegate(
    *,
    wallet: Wallet,
    receiver: str,
    amount_sun: int,
    resource: Resource,
    lock_period: int | None,
    actor: AuditActor,
) -> StakingOperation:
    """Delegate ``resource`` backed by ``amount_sun`` of stake to ``receiver``; with
    ``lock_period`` (blocks) it cannot be undelegated before that many blocks pass."""
    client = _check_wallet(wallet)
    if lock_period is not None and not 0 < lock_period <= MAX_LOCK_PERIOD_BLOCKS:
        raise InvalidInput(
            f"lock_period is 1 to {MAX_LOCK_PERIOD_BLOCKS} blocks.",
            code="invalid_lock_period",
            fields={"lock_period": ["Out of range."]},
        )
    delegation = Delegation.objects.create(
        client=client,
        wallet=wallet,
        receiver=receiver,
        resource=resource,
        amount=amount_sun,
        lock_period=lock_period,
    )
    parameters: dict[str, Any] = {
        "balance": amount_sun,
        "resource": str(resource),
        "receiver_address": receiver,
    }
    if lock_period is not None:
        parameters |= {"lock": True, "lock_period": lock_period}
    return _record(
        wallet=wallet,
        kind=OperationKind.DELEGATE,
        contract_type="DelegateResourceContract",
        parameters=parameters,
        actor=actor,
        amount=amount_sun,
        resource=resource,
        receiver=receiver,
        lock_period=lock_period,
        delegation=delegation,
    )


@transaction.atomic
def staking_undelegate(*, delegation: Delegation, actor: AuditActor) -> StakingOperation:
    """Take back an active delegation in full."""
    locked = Delegation.objects.select_for_update().select_related("wallet").get(pk=delegation.pk)
    if locked.status != DelegationStatus.ACTIVE:
        raise Conflict(
            f"The delegation is {locked.status}; only an active one can be undelegated.",
            code="delegation_not_active",
        )
    locked.status = DelegationStatus.UNDELEGATING
    locked.save(update_fields=["status", "updated_at"])
    return _record(
        wallet=locked.wallet,
        kind=OperationKind.UNDELEGATE,
        contract_type="UnDelegateResourceContract",
        parameters={
            "balance": locked.amount,
            "resource": locked.resource,
            "receiver_address": locked.receiver,
        },
        actor=actor,
        amount=locked.amount,
        resource=locked.resource,
        receiver=locked.receiver,
        delegation=locked,
    )


@transaction.atomic
def staking_vote(
    *, wallet: Wallet, votes: list[tuple[str, int]], actor: AuditActor
) -> StakingOperation:
    """Replace the wallet's votes: (witness address, whole TRX of tron power) pairs."""
    _check_wallet(wallet)
    return _record(
        wallet=wallet,
        kind=OperationKind.VOTE,
        contract_type="VoteWitnessContract",
        parameters={
            "votes": [{"vote_address": witness, "vote_count": count} for witness, count in votes]
        },
        actor=actor,
        votes=[{"witness": witness, "count": count} for witness, count in votes],
    )


@transaction.atomic
def staking_claim_rewards(*, wallet: Wallet, actor: AuditActor) -> StakingOperation:
    """Claim the wallet's voting rewards; credited to the client when final."""
    _check_wallet(wallet)
    return _record(
        wallet=wallet,
        kind=OperationKind.CLAIM_REWARDS,
        contract_type="WithdrawBalanceContract",
        parameters={},
        actor=actor,
    )
