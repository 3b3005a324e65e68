"""Platform custody on chain against the ledger.

For each asset: what our addresses hold on chain should equal what the ledger says we
hold in custody (minus the platform custody account's balance), adjusted for money in
flight that one side has seen and the other not yet:
  + deposits the scanner has seen but that are not final (on chain, not credited yet);
  - outgoing TRX transfers included in a block but not final (left the chain balance,
    hold not settled yet).
Fees burned by our own transactions are not booked in the ledger yet and show up as a
TRX difference (see the report).

Reads the chain: never call inside a database transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum

from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.models import (
    ChainTransfer,
    OutgoingStatus,
    OutgoingTransaction,
    TransferStatus,
)
from wallets.chain_reads import address_chain_view
from wallets.models.ledger import Bucket, LedgerAccount, OwnerType
from wallets.models.wallets import WalletAddress
from wallets.tokens import usdt_contract


@dataclass(frozen=True)
class ReconcileLine:
    asset: Asset
    on_chain: int
    ledger_custody: int
    pending_in: int
    pending_out: int

    @property
    def expected_on_chain(self) -> int:
        return self.ledger_custody + self.pending_in - self.pending_out

    @property
    def difference(self) -> int:
        return self.on_chain - self.expected_on_chain


def _ledger_custody(asset: Asset) -> int:
    account = LedgerAccount.objects.filter(
        owner_type=OwnerType.PLATFORM, asset=asset, bucket=Bucket.CUSTODY
    ).first()
    return -account.balance if account else 0


def _pending_deposits(network: str, addresses: set[str]) -> dict[Asset, int]:
    unfinished = ChainTransfer.objects.filter(
        network=network, status=TransferStatus.SEEN, to_address__in=addresses
    ).exclude(from_address__in=addresses)  # our own movements do not change the total
    trx = unfinished.filter(asset="TRX").aggregate(total=Sum("amount"))["total"] or 0
    usdt = (
        unfinished.filter(asset="TRC20", token_contract=usdt_contract(network)).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    return {Asset.TRX: int(trx), Asset.USDT: int(usdt)}


def _pending_trx_out(network: str, addresses: set[str]) -> int:
    included = OutgoingTransaction.objects.filter(
        network=network,
        status=OutgoingStatus.CONFIRMED,
        contract_type="TransferContract",
        owner_address__in=addresses,
    )
    return sum(int(o.parameters.get("amount", 0)) for o in included)


def reconcile(
    *, node: TronNode | None = None, progress: Callable[[int], None] | None = None
) -> list[ReconcileLine]:
    network = settings.TRON_NETWORK
    node = node or get_node()
    addresses = set(
        WalletAddress.objects.filter(wallet__network=network).values_list("address", flat=True)
    )
    on_chain = {Asset.TRX: 0, Asset.USDT: 0}
    for address in sorted(addresses):
        view = address_chain_view(address, node=node)
        on_chain[Asset.TRX] += view["trx_sun"]
        on_chain[Asset.USDT] += view["usdt_units"]
        if progress is not None:
            progress(1)
    pending_in = _pending_deposits(network, addresses)
    pending_out = {Asset.TRX: _pending_trx_out(network, addresses), Asset.USDT: 0}
    return [
        ReconcileLine(
            asset=asset,
            on_chain=on_chain[asset],
            ledger_custody=_ledger_custody(asset),
            pending_in=pending_in[asset],
            pending_out=pending_out[asset],
        )
        for asset in (Asset.TRX, Asset.USDT)
    ]


def address_count() -> int:
    return WalletAddress.objects.filter(wallet__network=settings.TRON_NETWORK).count()
