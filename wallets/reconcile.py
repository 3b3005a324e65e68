"""Platform custody on chain against the ledger.

For each asset, what our addresses in custody (``wallets.custody``) hold on chain should
equal what the ledger says we hold in custody (minus the platform custody account's
balance), adjusted for money in flight that one side has seen and the other not yet:
  + deposits to addresses in custody that the scanner has seen in a block that is not
    final (on chain, credited when final), our internal movements excepted;
  - our outgoing transactions that are in a block but not recorded final yet: for TRX the
    amount sent plus the fee burned (the ledger settles the amount and books the fee when
    the transaction is final), for USDT the tokens sent; an internal movement's amount
    never leaves custody, so only its fee counts.
Fees of final transactions are in the ledger already (``wallets.network_fees``). A voting
reward claimed in a block not final yet is on chain before the ledger credits it, so it
counts against that transaction's fee.

TRX on chain is an address's whole own TRX: its spendable balance plus what Stake 2.0 took
out of it but still belongs to it (frozen, delegated out, unfreezing until withdrawn),
read from the typed account. A second comparison checks that stake against the clients'
``staked`` ledger accounts: what is staked on clients' addresses should equal their staked
balances, plus freezes in a block not final yet (staked on chain, held on the ledger until
final), minus unfrozen TRX withdrawn in a block not final yet (spendable on chain, staked
on the ledger until final). The platform's own stake (its energy wallet) is in custody
but in no client's staked account, so that comparison leaves it out.

Three verdicts: chain and ledger AGREE; they DIFFER (a real difference); or the run was
INCONCLUSIVE (the node did not answer, our transactions kept landing while we read, or
there is more on chain than expected while the scanner is behind the head, which blocks
it has not read yet can explain).

Reads the chain: never call inside a database transaction.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter import reads
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.addresses import hex_to_base58, to_hex
from lucid_payments.tron.selectors import (
    outgoing_last_attempt_id,
    outgoing_unfinished_from,
    scan_cursor_block,
    transfers_seen_not_final_to,
)
from wallets.chain_reads import address_chain_view
from wallets.custody import (
    custody_addresses,
    custody_owners,
    internal_movement_txids_query,
    is_internal_reference,
)
from wallets.models.ledger import Bucket, LedgerAccount, OwnerType
from wallets.tokens import usdt_contract

# Rounds of reading before giving up when our own transactions keep landing meanwhile.
MAX_ROUNDS = 3
ASSETS = (Asset.TRX, Asset.USDT)


class Verdict(enum.Enum):
    AGREE = "agree"
    DIFFER = "differ"
    INCONCLUSIVE = "inconclusive"


@dataclass(frozen=True)
class ReconcileLine:
    asset: Asset
    addresses: int
    on_chain: int
    ledger_custody: int
    pending_in: int
    pending_in_count: int
    pending_out: int
    pending_out_count: int

    @property
    def expected_on_chain(self) -> int:
        return self.ledger_custody + self.pending_in - self.pending_out

    @property
    def difference(self) -> int:
        """On chain minus expected: positive = more on chain than the ledger explains."""
        return self.on_chain - self.expected_on_chain


@dataclass(frozen=True)
class StakedLine:
    """Clients' stake on chain against their ``staked`` ledger accounts (TRX, SUN)."""

    addresses: int  # clients' addresses in custody
    on_chain: int  # frozen + delegated out + unfreezing on those addresses
    ledger_staked: int
    pending_freeze: int  # freezes in a block, not final
    pending_withdraw: int  # unfrozen TRX withdrawn in a block, not final

    @property
    def expected_on_chain(self) -> int:
        return self.ledger_staked + self.pending_freeze - self.pending_withdraw

    @property
    def difference(self) -> int:
        return self.on_chain - self.expected_on_chain


@dataclass(frozen=True)
class ReconcileReport:
    lines: list[ReconcileLine]
    head_block: int
    scanned_block: int | None  # the scanner's cursor; None if it never ran
    staked: StakedLine | None = None

    @property
    def scanner_behind(self) -> int:
        """Blocks up to the head that the scanner has not read (their deposits are unknown)."""
        return self.head_block - (self.scanned_block if self.scanned_block is not None else -1)

    @property
    def verdict(self) -> Verdict:
        differences = [line.difference for line in self.lines]
        staked_difference = self.staked.difference if self.staked is not None else 0
        if all(d == 0 for d in differences) and staked_difference == 0:
            return Verdict.AGREE
        if staked_difference != 0:
            return Verdict.DIFFER  # stake is not a deposit: blocks not scanned never explain it
        if any(d < 0 for d in differences) or self.scanner_behind <= 0:
            # Less on chain than the ledger says is never explained by blocks not scanned
            # yet; more on chain is, unless the scanner has read every block.
            return Verdict.DIFFER
        return Verdict.INCONCLUSIVE


class ReconcileInconclusive(Exception):
    """Chain and ledger could not be compared this time (the message says why)."""


@dataclass(frozen=True)
class _OutgoingRef:
    txid: str
    trx_amount: int  # SUN a TRX transfer sends; 0 for any other contract
    internal: bool
    freeze_amount: int  # SUN a freeze stakes; 0 for any other contract
    client_owned: bool  # sent from a client's address (its stake is in the staked line)


@dataclass(frozen=True)
class _LedgerSnapshot:
    """The database side, read in one snapshot: an outgoing transaction's status and the
    ledger entries booked with it commit together, so they must be read together."""

    addresses: frozenset[str]
    client_addresses: frozenset[str]
    custody: dict[Asset, int]
    staked: int
    pending_in: dict[Asset, tuple[int, int]]  # (amount, count)
    outgoing: list[_OutgoingRef]
    last_attempt_id: int
    scanned_block: int | None


def _clients_staked() -> int:
    total = sum(
        LedgerAccount.objects.filter(
            owner_type=OwnerType.CLIENT, asset=Asset.TRX, bucket=Bucket.STAKED
        ).values_list("balance", flat=True)
    )
    return int(total)


def _custody(asset: Asset) -> int:
    account = LedgerAccount.objects.filter(
        owner_type=OwnerType.PLATFORM, asset=asset, bucket=Bucket.CUSTODY
    ).first()
    return -account.balance if account else 0


def _pending_deposits(network: str) -> dict[Asset, tuple[int, int]]:
    """Deposits that will be credited when final: to an address in custody, except our
    own internal movements (they do not change the total)."""
    tokens = {Asset.TRX: "", Asset.USDT: usdt_contract(network)}
    pending: dict[Asset, tuple[int, int]] = {}
    for asset, token_contract in tokens.items():
        total = transfers_seen_not_final_to(
            network=network,
            to_addresses=custody_addresses(network=network).values("address"),
            excluding_txids=internal_movement_txids_query(network=network),
            token_contract=token_contract,
        )
        pending[asset] = (total.amount, total.count)
    return pending


def _read_snapshot(network: str) -> _LedgerSnapshot:
    addresses = frozenset(custody_addresses(network=network).values_list("address", flat=True))
    client_addresses = frozenset(
        address
        for address, owner in custody_owners(addresses, network=network).items()
        if owner.type == OwnerType.CLIENT
    )
    outgoing = [
        _OutgoingRef(
            o.txid,
            o.amount if o.asset == "TRX" else 0,
            is_internal_reference(o.reference),
            o.freeze_amount,
            o.owner_address in client_addresses,
        )
        for o in outgoing_unfinished_from(network=network, owner_addresses=addresses)
    ]
    return _LedgerSnapshot(
        addresses=addresses,
        client_addresses=client_addresses,
        custody={asset: _custody(asset) for asset in ASSETS},
        staked=_clients_staked(),
        pending_in=_pending_deposits(network),
        outgoing=outgoing,
        last_attempt_id=_last_attempt_id(network),
        scanned_block=scan_cursor_block(network=network),
    )


def _last_attempt_id(network: str) -> int:
    # A signed copy is stored before it is ever broadcast: if no new copy was stored since
    # the snapshot, nothing the snapshot does not know of can have reached the chain.
    return outgoing_last_attempt_id(network=network)


def ledger_snapshot(network: str) -> _LedgerSnapshot:
    """The database side in one consistent snapshot (REPEATABLE READ, read only)."""
    if connection.in_atomic_block:  # already inside a transaction (tests): read in it
        return _read_snapshot(network)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _read_snapshot(network)


@dataclass(frozen=True)
class _InBlock:
    """What one of our unfinished transactions in a block changed before the ledger did."""

    trx_out: int  # amount sent and fee burned, less a reward claimed
    usdt_out: int
    staked_in: int  # a client's freeze
    staked_out: int  # a client's unfrozen TRX withdrawn


def _outgoing_in_blocks(
    node: TronNode, snapshot: _LedgerSnapshot, network: str
) -> dict[str, _InBlock]:
    """txid → its effects, for each of our unfinished transactions the node has in a block."""
    usdt_hex = to_hex(usdt_contract(network))
    found: dict[str, _InBlock] = {}
    for ref in snapshot.outgoing:
        info = reads.transaction_info(node, ref.txid)
        if info is None:
            continue
        if info.failed:
            found[ref.txid] = _InBlock(info.fee, 0, 0, 0)
            continue
        trx_out = info.fee - info.withdraw_amount
        staked_in = ref.freeze_amount if ref.client_owned else 0
        staked_out = info.withdraw_expire_amount if ref.client_owned else 0
        if ref.internal:
            found[ref.txid] = _InBlock(trx_out, 0, staked_in, staked_out)
            continue
        trx_out += ref.trx_amount
        usdt_out = 0
        for transfer in reads.token_transfers(info):
            ours = hex_to_base58(transfer.from_hex) in snapshot.addresses
            if transfer.contract_hex == usdt_hex and ours:
                usdt_out += transfer.amount
        found[ref.txid] = _InBlock(trx_out, usdt_out, staked_in, staked_out)
    return found


@dataclass(frozen=True)
class _ChainTotals:
    assets: dict[Asset, int]
    clients_staked: int  # frozen + delegated out + unfreezing on clients' addresses


def _chain_balances(
    node: TronNode, snapshot: _LedgerSnapshot, progress: Callable[[int], None] | None
) -> _ChainTotals:
    totals = {Asset.TRX: 0, Asset.USDT: 0}
    clients_staked = 0
    for address in sorted(snapshot.addresses):
        view = address_chain_view(address, node=node)
        staked = view["staked_sun"]
        totals[Asset.TRX] += view["trx_sun"] + staked
        totals[Asset.USDT] += view["usdt_units"]
        if address in snapshot.client_addresses:
            clients_staked += staked
        if progress is not None:
            progress(1)
    return _ChainTotals(totals, clients_staked)


def reconcile(
    *, node: TronNode | None = None, progress: Callable[[int], None] | None = None
) -> ReconcileReport:
    """Compare chain and ledger once. Raises ``ReconcileInconclusive`` when our own
    transactions keep landing while it reads; node errors (``NodeUnavailable``) pass up.
    """
    network = settings.TRON_NETWORK
    node = node or get_node()
    for _ in range(MAX_ROUNDS):
        snapshot = ledger_snapshot(network)
        in_blocks_before = _outgoing_in_blocks(node, snapshot, network)
        on_chain = _chain_balances(node, snapshot, progress)
        in_blocks_after = _outgoing_in_blocks(node, snapshot, network)
        head = reads.node_info(node).head.number
        settled = (
            in_blocks_before == in_blocks_after
            and _last_attempt_id(network) == snapshot.last_attempt_id
        )
        if settled:
            return _report(snapshot, on_chain, in_blocks_after, head)
    raise ReconcileInconclusive(
        f"Our own transactions kept reaching the chain during {MAX_ROUNDS} readings; run it again."
    )


def _report(
    snapshot: _LedgerSnapshot,
    on_chain: _ChainTotals,
    in_blocks: dict[str, _InBlock],
    head: int,
) -> ReconcileReport:
    effects = in_blocks.values()
    pending_out = {
        Asset.TRX: sum(e.trx_out for e in effects),
        Asset.USDT: sum(e.usdt_out for e in effects),
    }
    out_count = {
        Asset.TRX: sum(1 for e in effects if e.trx_out),
        Asset.USDT: sum(1 for e in effects if e.usdt_out),
    }
    lines = [
        ReconcileLine(
            asset=asset,
            addresses=len(snapshot.addresses),
            on_chain=on_chain.assets[asset],
            ledger_custody=snapshot.custody[asset],
            pending_in=snapshot.pending_in[asset][0],
            pending_in_count=snapshot.pending_in[asset][1],
            pending_out=pending_out[asset],
            pending_out_count=out_count[asset],
        )
        for asset in ASSETS
    ]
    staked = StakedLine(
        addresses=len(snapshot.client_addresses),
        on_chain=on_chain.clients_staked,
        ledger_staked=snapshot.staked,
        pending_freeze=sum(e.staked_in for e in effects),
        pending_withdraw=sum(e.staked_out for e in effects),
    )
    return ReconcileReport(
        lines=lines, head_block=head, scanned_block=snapshot.scanned_block, staked=staked
    )


def address_count() -> int:
    return custody_addresses(network=settings.TRON_NETWORK).count()
