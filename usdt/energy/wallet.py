"""The platform's energy wallet: one ``energy`` wallet per network, owned by no client,
created and operated by the operator (admin, ``manage.py energy_wallet``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import Conflict, InvalidInput
from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.delegation import can_delegate_max_sun, delegation_receivers
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.outgoing.contracts import generic_call
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.selectors import OutgoingView, outgoing_view
from wallets.models.wallets import Wallet, WalletKind
from wallets.services import wallet_create


def energy_wallet_get() -> Wallet | None:
    """The energy wallet of the configured network (the oldest, should there be two)."""
    return (
        Wallet.objects.filter(kind=WalletKind.ENERGY, network=settings.TRON_NETWORK)
        .order_by("id")
        .first()
    )


@transaction.atomic
def energy_wallet_create(*, label: str = "energy") -> Wallet:
    """Create the energy wallet (derived from the platform seed); one per network."""
    if energy_wallet_get() is not None:
        raise Conflict("The energy wallet exists already.", code="energy_wallet_exists")
    return wallet_create(kind=WalletKind.ENERGY, client=None, label=label)


def _require() -> Wallet:
    wallet = energy_wallet_get()
    if wallet is None:
        raise InvalidInput(
            "There is no energy wallet yet (manage.py energy_wallet create).",
            code="no_energy_wallet",
        )
    return wallet


def _stake_call(
    contract_type: str, amount_field: str, *, amount_sun: int, reference: str, actor: AuditActor
) -> OutgoingView:
    if isinstance(amount_sun, bool) or amount_sun < 1_000_000:
        raise InvalidInput(
            "Stake at least 1 TRX.", fields={"amount": ["At least 1 TRX (1,000,000 SUN)."]}
        )
    wallet = _require()
    call = generic_call(
        contract_type=contract_type,
        owner=wallet.address,
        parameters={
            amount_field: amount_sun,
            "resource": "ENERGY",
        },
    )
    with transaction.atomic():
        outgoing = outgoing_create(call=call, reference=reference, actor=actor)
    return outgoing_view(outgoing)


def energy_wallet_freeze(*, amount_sun: int, reference: str, actor: AuditActor) -> OutgoingView:
    """Stake ``amount_sun`` of the energy wallet's TRX for ENERGY (FreezeBalanceV2)."""
    return _stake_call(
        "FreezeBalanceV2Contract",
        "frozen_balance",
        amount_sun=amount_sun,
        reference=reference,
        actor=actor,
    )


def energy_wallet_unfreeze(*, amount_sun: int, reference: str, actor: AuditActor) -> OutgoingView:
    """Start unstaking ``amount_sun`` (UnfreezeBalanceV2; withdrawable after the chain's
    waiting period, 14 days on mainnet)."""
    return _stake_call(
        "UnfreezeBalanceV2Contract",
        "unfreeze_balance",
        amount_sun=amount_sun,
        reference=reference,
        actor=actor,
    )


@dataclass(frozen=True)
class EnergyWalletStatus:
    address: str
    exists_on_chain: bool
    balance_sun: int
    staked_for_energy_sun: int
    unfreezing_sun: int
    energy_limit: int
    energy_used: int
    can_delegate_sun: int
    delegating_to: list[str]


def energy_wallet_status(*, node: TronNode | None = None) -> EnergyWalletStatus:
    """The energy wallet as the chain sees it now (network reads)."""
    wallet = _require()
    node = node or get_node()
    info = account(node, wallet.address)
    return EnergyWalletStatus(
        address=wallet.address,
        exists_on_chain=info.exists,
        balance_sun=info.balance_sun,
        staked_for_energy_sun=info.frozen_sun.get("ENERGY", 0),
        unfreezing_sun=sum(item.amount_sun for item in info.unfreezing),
        energy_limit=info.resources.energy_limit,
        energy_used=info.resources.energy_used,
        can_delegate_sun=can_delegate_max_sun(node, wallet.address) if info.exists else 0,
        delegating_to=delegation_receivers(node, wallet.address) if info.exists else [],
    )
