"""Deciding what to sweep: the balances of a due deposit address against its client's
thresholds, and a hot wallet's against its cap. Network reads: never inside a database
transaction (the decisions are recorded by ``gateway.sweeps.services``).

USDT goes first and alone: a USDT sweep that burns TRX needs the TRX on the address, so
the TRX is looked at once no sweep of the address is open (a final sweep marks its
address due again). An address with a deposit still not final is left for a later run:
only credited money is swept.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from gateway.invoices.models import Invoice
from gateway.sweeps.limits import sweep_limits
from gateway.sweeps.models import OPEN_STATUSES, Sweep, SweepAddress, SweepKind
from gateway.sweeps.services import sweep_fail_at_once, sweep_start
from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter import trc20
from lucid_payments.tron.adapter.accounts import Account, account
from lucid_payments.tron.adapter.errors import NodeRejected
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.adapter.resource_prices import resource_prices
from lucid_payments.tron.selectors import transfers_seen_not_final_to
from usdt.energy.plan import EnergyPlan, energy_plan_for_usdt_send
from usdt.models import EnergyMode
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_available
from wallets.models.wallets import KeySource, Wallet, WalletKind
from wallets.tokens import usdt_contract

logger = logging.getLogger(__name__)

# Bytes of bandwidth a TRX transfer takes (about 270), rounded up: what a TRX sweep keeps
# back to burn when the address has no free bandwidth left.
TRX_TRANSFER_BANDWIDTH_BYTES = 300


class Outcome(enum.Enum):
    STARTED = "started"  # a sweep was recorded
    FAILED = "failed"  # a sweep was recorded as failed at once
    WAITING = "waiting"  # an open sweep or a deposit not final yet: look again later
    NOTHING = "nothing"  # below the thresholds (or nowhere to sweep to): not due anymore


def client_wallet(*, client_id: int, network: str, kind: WalletKind) -> Wallet | None:
    wallets: QuerySet[Wallet] = Wallet.objects.filter(
        client_id=client_id, kind=kind, network=network
    )
    if kind != WalletKind.COLD:
        wallets = wallets.exclude(key_source=KeySource.WATCH_ONLY)
    return wallets.order_by("id").first()


def _open(network: str, address: str) -> bool:
    return Sweep.objects.filter(
        network=network, source_address=address, status__in=OPEN_STATUSES
    ).exists()


def _pending_deposits(network: str, address: str) -> bool:
    trx = transfers_seen_not_final_to(network=network, to_addresses=[address])
    usdt = transfers_seen_not_final_to(
        network=network, to_addresses=[address], token_contract=usdt_contract(network)
    )
    return trx.count + usdt.count > 0


def sweep_address_check(*, row: SweepAddress, node: TronNode) -> Outcome:
    """Look at one due deposit address and start the sweep it calls for, if any."""
    network, address = row.network, row.address
    if _open(network, address) or _pending_deposits(network, address):
        return Outcome.WAITING
    hot = client_wallet(client_id=row.client_id, network=network, kind=WalletKind.HOT)
    if hot is None:
        logger.warning("client %s has no hot wallet: %s is not swept", row.client_id, address)
        return _nothing(row)
    target = _Target(
        client_id=row.client_id,
        network=network,
        source=address,
        destination=hot.address,
        invoice_id=Invoice.objects.filter(address__address=address)
        .values_list("pk", flat=True)
        .first(),
    )
    usdt = trc20.balance_of(node, contract=usdt_contract(network), holder=address)
    holder = account(node, address)
    if usdt >= sweep_limits(client_id=row.client_id, asset=Asset.USDT).threshold:
        return _usdt(target, amount=usdt, holder=holder, node=node)
    trx = _trx_sweepable(holder, destination=hot.address, node=node)
    if trx >= sweep_limits(client_id=row.client_id, asset=Asset.TRX).threshold:
        return _started(target.start(asset=Asset.TRX, amount=trx))
    return _nothing(row)


@dataclass(frozen=True)
class _Target:
    """A deposit sweep's where from and to."""

    client_id: int
    network: str
    source: str
    destination: str
    invoice_id: int | None

    def start(self, *, asset: Asset, amount: int, plan: EnergyPlan | None = None) -> Sweep | None:
        return sweep_start(
            client_id=self.client_id,
            network=self.network,
            kind=SweepKind.DEPOSIT,
            asset=asset,
            source=self.source,
            destination=self.destination,
            amount=amount,
            plan=plan,
            invoice_id=self.invoice_id,
        )


def _started(sweep: Sweep | None) -> Outcome:
    return Outcome.STARTED if sweep is not None else Outcome.WAITING


def _usdt(target: _Target, *, amount: int, holder: Account, node: TronNode) -> Outcome:
    try:
        plan = energy_plan_for_usdt_send(
            sender=target.source, to=target.destination, amount=amount, node=node
        )
    except NodeRejected as exc:  # the node says the transfer would revert
        logger.warning("USDT sweep of %s refused by the node: %s", target.source, exc)
        return Outcome.WAITING
    short = plan.fee_limit_sun > holder.balance_sun
    if plan.mode == EnergyMode.BURN and plan.topup_wallet_id is None and short:
        sweep = sweep_fail_at_once(
            client_id=target.client_id,
            network=target.network,
            asset=Asset.USDT,
            source=target.source,
            destination=target.destination,
            amount=amount,
            code="no_energy_source",
            message="No energy can be delegated, the address holds too little TRX to burn "
            "for it and the client has no fee wallet to top it up from.",
            invoice_id=target.invoice_id,
        )
        return Outcome.FAILED if sweep is not None else Outcome.WAITING
    return _started(target.start(asset=Asset.USDT, amount=amount, plan=plan))


def _trx_sweepable(holder: Account, *, destination: str, node: TronNode) -> int:
    """The TRX a sweep can move: all of it, less what its bandwidth would burn when the
    address has no free bandwidth left for it, and less the activation of a hot wallet
    that does not exist on chain yet (the first sweep creates it, and pays for that)."""
    prices = resource_prices(node)
    reserve = 0
    resources = holder.resources
    if resources.free_net_limit - resources.free_net_used < TRX_TRANSFER_BANDWIDTH_BYTES:
        reserve += TRX_TRANSFER_BANDWIDTH_BYTES * prices.bandwidth_sun
    if not account(node, destination).exists:
        reserve += prices.create_account_sun + prices.create_account_bandwidth_sun
    return max(0, holder.balance_sun - reserve)


def _nothing(row: SweepAddress) -> Outcome:
    # Compare-and-set on due_since: a deposit that marked it due again meanwhile wins.
    SweepAddress.objects.filter(pk=row.pk, due_since=row.due_since).update(due=False)
    return Outcome.NOTHING


def hot_wallet_excess_check(*, client_id: int, node: TronNode) -> list[Sweep]:
    """Send what the client's hot wallet holds above its cap to the client's cold wallet
    (at most the client's available balance: the excess leaves custody and the ledger)."""
    network = str(settings.TRON_NETWORK)
    hot = client_wallet(client_id=client_id, network=network, kind=WalletKind.HOT)
    cold = client_wallet(client_id=client_id, network=network, kind=WalletKind.COLD)
    if hot is None or cold is None or _open(network, hot.address):
        return []
    started: list[Sweep] = []
    for asset in (Asset.USDT, Asset.TRX):
        cap = sweep_limits(client_id=client_id, asset=asset).hot_cap
        if cap <= 0:
            continue
        if asset == Asset.USDT:
            balance = trc20.balance_of(node, contract=usdt_contract(network), holder=hot.address)
        else:
            balance = account(node, hot.address).balance_sun
        available = owner_available(owner=LedgerOwner.client(client_id), asset=asset)
        amount = min(balance - cap, available)
        if amount <= 0:
            continue
        plan = None
        if asset == Asset.USDT:
            plan = energy_plan_for_usdt_send(
                sender=hot.address, to=cold.address, amount=amount, node=node
            )
        sweep = sweep_start(
            client_id=client_id,
            network=network,
            kind=SweepKind.EXCESS,
            asset=asset,
            source=hot.address,
            destination=cold.address,
            amount=amount,
            plan=plan,
        )
        if sweep is not None:
            started.append(sweep)
            break  # one open sweep per address: the other asset goes on a later run
    return started
