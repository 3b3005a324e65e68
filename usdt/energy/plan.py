"""Step 1 of the energy policy: what a USDT send will cost and who pays the energy.
Network reads only; nothing is written (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.delegation import can_delegate_max_sun, sun_for_energy
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.resource_prices import resource_prices
from lucid_payments.tron.adapter.trc20 import transfer_energy
from lucid_payments.tron.addresses import normalize_address
from lucid_payments.tron.outgoing.contracts import MAX_FEE_LIMIT_SUN
from lucid_payments.tron.tokens import token_get
from usdt.energy.wallet import energy_wallet_get
from usdt.models import EnergyMode


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
    # Energy the sender lacks: what it has left may already cover part (its own stake, or
    # energy still recovering from an earlier send counts against it).
    missing = estimate.energy + resources.energy_used - resources.energy_limit
    if missing <= 0:
        return _replace(plan, mode=EnergyMode.OWN)
    wallet = energy_wallet_get()
    if wallet is None:
        return plan
    # The network totals, read from an account that exists (the sender may not yet).
    network = account(node, wallet.address).resources
    try:
        needed_sun = sun_for_energy(
            missing,
            total_energy_limit=network.total_energy_limit,
            total_energy_weight=network.total_energy_weight,
        )
    except ValueError:
        return plan  # nobody stakes for energy on this network: nothing to delegate
    if can_delegate_max_sun(node, wallet.address) < needed_sun:
        return plan
    activation = 0 if sender_account.exists else settings.ENERGY_ACTIVATION_SUN
    return _replace(
        plan,
        mode=EnergyMode.DELEGATED,
        delegate_energy=missing,
        delegate_sun=needed_sun,
        energy_wallet_id=wallet.pk,
        activation_sun=activation,
    )


def _replace(plan: EnergyPlan, **changes: object) -> EnergyPlan:
    from dataclasses import replace

    return replace(plan, **changes)  # type: ignore[arg-type]
