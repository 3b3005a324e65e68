"""Step 1 of the energy policy: what a USDT send will cost and who pays the energy.
Network reads only; nothing is written (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.conf import settings
from django.db.models import Sum

from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.delegation import (
    SUN_PER_TRX,
    can_delegate_max_sun,
    sun_for_energy,
)
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.resource_prices import resource_prices
from lucid_payments.tron.adapter.trc20 import transfer_energy
from lucid_payments.tron.addresses import normalize_address
from lucid_payments.tron.outgoing.contracts import MAX_FEE_LIMIT_SUN
from lucid_payments.tron.tokens import token_get
from usdt.energy.wallet import energy_wallet_get
from usdt.models import OPEN_DELEGATION_STATUSES, EnergyDelegation, EnergyMode
from wallets.custody import custody_owner
from wallets.models.wallets import Wallet, WalletKind

# Bytes of bandwidth a TRC20 transfer takes (about 345), rounded up.
TRANSFER_BANDWIDTH_BYTES = 400


@dataclass(frozen=True)
class EnergyPlan:
    sender: str
    to: str
    amount: int
    token_contract: str
    energy: int  # the estimate of the send
    energy_price_sun: int
    fee_limit_sun: int
    mode: EnergyMode
    # Delegated mode only: energy and the staked TRX (SUN) that yields it, the wallet it
    # comes from, and the TRX (SUN) that activates the sender first (0: it exists).
    delegate_energy: int = 0
    delegate_sun: int = 0
    energy_wallet_id: int | None = None
    activation_sun: int = 0
    # Burn mode only: TRX (SUN) the client's fee wallet sends the sender first, when the
    # sender holds too little to burn for this send, and that wallet.
    topup_sun: int = 0
    topup_wallet_id: int | None = None


def fee_limit_for(energy: int, *, energy_price_sun: int) -> int:
    """The estimate burned at the chain's price, plus the configured margin (rounded up).
    fee_limit caps the energy a call may use even when it is delegated, so it is set for
    every send, and a send that finds no delegated energy can still burn within it."""
    margin = 100 + settings.USDT_FEE_LIMIT_MARGIN_PERCENT
    return min(MAX_FEE_LIMIT_SUN, max(1, -(-energy * energy_price_sun * margin // 100)))


def energy_plan_for_usdt_send(
    *, sender: str, to: str, amount: int, node: TronNode | None = None
) -> EnergyPlan:
    """The plan of sending ``amount`` USDT base units from ``sender`` (ours) to ``to``.

    A send that would revert (the sender lacks the tokens on chain) is ``NodeRejected``.
    """
    node = node or get_node()
    sender, to = normalize_address(sender), normalize_address(to)
    token = token_get(Asset.USDT, node=node)
    estimate = transfer_energy(node, contract=token.contract, sender=sender, to=to, amount=amount)
    price = resource_prices(node).energy_sun
    plan = EnergyPlan(
        sender=sender,
        to=to,
        amount=amount,
        token_contract=token.contract,
        energy=estimate.energy,
        energy_price_sun=price,
        fee_limit_sun=fee_limit_for(estimate.energy, energy_price_sun=price),
        mode=EnergyMode.BURN,
    )
    sender_account = account(node, sender)
    resources = sender_account.resources
    wallet = energy_wallet_get()
    # The network totals, read from an account that exists (the sender may not yet).
    network = account(node, wallet.address).resources if wallet is not None else resources
    # Energy the sender lacks. What it has left may cover part (its own stake; energy
    # still recovering from an earlier send counts against it), but not energy we
    # delegated to it for other sends: that is theirs and goes back when they end.
    theirs = _energy_of(
        open_delegated_sun(receiver=sender),
        total_energy_limit=network.total_energy_limit,
        total_energy_weight=network.total_energy_weight,
    )
    missing = estimate.energy + resources.energy_used - (resources.energy_limit - theirs)
    if missing <= 0:
        return replace(plan, mode=EnergyMode.OWN)
    if wallet is None:
        return _with_topup(plan, sender_account.balance_sun, node)
    try:
        needed_sun = sun_for_energy(
            missing,
            total_energy_limit=network.total_energy_limit,
            total_energy_weight=network.total_energy_weight,
        )
    except ValueError:  # nobody stakes for energy on this network: nothing to delegate
        return _with_topup(plan, sender_account.balance_sun, node)
    if can_delegate_max_sun(node, wallet.address) < needed_sun:
        return _with_topup(plan, sender_account.balance_sun, node)
    activation = 0 if sender_account.exists else settings.ENERGY_ACTIVATION_SUN
    return replace(
        plan,
        mode=EnergyMode.DELEGATED,
        delegate_energy=missing,
        delegate_sun=needed_sun,
        energy_wallet_id=wallet.pk,
        activation_sun=activation,
    )


def _with_topup(plan: EnergyPlan, balance_sun: int, node: TronNode) -> EnergyPlan:
    """``plan`` (burn mode) with a top-up from the sender's client's fee wallet when the
    sender holds less than the send may burn: its fee_limit plus its bandwidth."""
    bandwidth_sun = TRANSFER_BANDWIDTH_BYTES * resource_prices(node).bandwidth_sun
    short = plan.fee_limit_sun + bandwidth_sun - balance_sun
    if short <= 0:
        return plan
    owner = custody_owner(plan.sender, network=settings.TRON_NETWORK)
    if owner is None or owner.client_id is None:
        return plan
    fee_wallet = (
        Wallet.objects.filter(
            kind=WalletKind.FEE, client_id=owner.client_id, network=settings.TRON_NETWORK
        )
        .order_by("id")
        .first()
    )
    if fee_wallet is None or fee_wallet.address == plan.sender:
        return plan
    return replace(plan, topup_sun=short, topup_wallet_id=fee_wallet.pk)


def _energy_of(sun: int, *, total_energy_limit: int, total_energy_weight: int) -> int:
    """Energy per day that ``sun`` of staked TRX yields (rounded up: counted generously
    against the sender, so a send never relies on energy another send was given)."""
    if sun <= 0 or total_energy_weight <= 0:
        return 0
    return -(-(sun // SUN_PER_TRX) * total_energy_limit // total_energy_weight)


def open_delegated_sun(*, receiver: str) -> int:
    """SUN our energy wallet has delegated (or is delegating) to ``receiver`` for sends
    that have not been reclaimed yet."""
    total = EnergyDelegation.objects.filter(
        network=settings.TRON_NETWORK,
        receiver=receiver,
        status__in=OPEN_DELEGATION_STATUSES,
    ).aggregate(total=Sum("amount_sun"))["total"]
    return int(total or 0)
