"""The sweep tracks many transactions at once: one reference for every copy it signs in a
round, one ``gettransactioninfobyblocknum`` per block instead of two txid lookups per
transaction, and nothing touched for a copy with nothing to do. Whatever it cannot answer
from the blocks (an expiry to prove, a copy a fork took away) is still decided by txid."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from lucid_payments.tron.models import OutgoingAttempt, OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing import contracts, steps
from lucid_payments.tron.outgoing.locate import MAX_SEARCH_BLOCKS, ref_block_number
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_sweep
from tests.tron.conftest import SOLID_LAG, CountingNode, DevnetHandle
from tests.tron.outgoing.conftest import Wallets, transfers_on_chain, trx_balance

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

IN_FLIGHT = 6
AMOUNT = 11


def _create(wallets: Wallets, count: int) -> list[OutgoingTransaction]:
    call = contracts.trx_transfer(
        owner=wallets.sender.address, to=wallets.recipient, amount_sun=AMOUNT
    )
    return [outgoing_create(call=call, reference=f"many:{n}", enqueue=False) for n in range(count)]


def _statuses(created: list[OutgoingTransaction]) -> set[str]:
    return set(
        OutgoingTransaction.objects.filter(pk__in=[o.pk for o in created]).values_list(
            "status", flat=True
        )
    )


def _sweep(devnet: DevnetHandle, *, tracked: int | None = IN_FLIGHT) -> Counter[str]:
    node = CountingNode(devnet.url)
    try:
        count = outgoing_sweep(node=node)
        assert tracked is None or count == tracked
    finally:
        node.close()
    return node.asked


def _first_round(
    devnet: DevnetHandle, wallets: Wallets, *, reference_max_age_s: float
) -> tuple[list[OutgoingTransaction], Counter[str]]:
    """``IN_FLIGHT`` new transactions, signed and sent by one sweep round."""
    created = _create(wallets, IN_FLIGHT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(steps, "REFERENCE_MAX_AGE_S", reference_max_age_s)
        asked = _sweep(devnet)
    assert _statuses(created) == {OutgoingStatus.BROADCAST}
    return created, asked


def test_a_round_signs_and_tracks_many_with_reads_per_block_not_per_transaction(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    # However slowly a busy machine gets through the round, sign it all on one reference.
    created, asked = _first_round(devnet, wallets, reference_max_age_s=600.0)
    # Both heads once for the round (they are the signing reference too), then one
    # broadcast per copy.
    assert asked["wallet/broadcasttransaction"] == IN_FLIGHT
    assert asked["walletsolidity/getnowblock"] == asked["wallet/getnowblock"] == 1

    devnet.mine(1)
    asked = _sweep(devnet)
    assert _statuses(created) == {OutgoingStatus.CONFIRMED}
    assert "wallet/gettransactioninfobyid" not in asked
    assert "walletsolidity/gettransactioninfobyid" not in asked
    assert 1 <= asked["wallet/gettransactioninfobyblocknum"] <= 2 + SOLID_LAG

    asked = _sweep(devnet)  # nothing new: nothing to write, no re-send
    assert _statuses(created) == {OutgoingStatus.CONFIRMED}
    assert "wallet/broadcasttransaction" not in asked

    devnet.mine(SOLID_LAG)
    asked = _sweep(devnet)
    assert _statuses(created) == {OutgoingStatus.FINAL}
    assert "walletsolidity/gettransactioninfobyid" not in asked
    assert sorted(transfers_on_chain(devnet, wallets.recipient)) == sorted(
        o.txid for o in OutgoingTransaction.objects.filter(pk__in=[c.pk for c in created])
    )
    assert trx_balance(wallets.recipient) == IN_FLIGHT * AMOUNT


def test_a_copy_a_fork_took_away_goes_back_to_the_pool_and_lands_once(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    created = _create(wallets, IN_FLIGHT)
    _sweep(devnet)
    devnet.mine(1)
    _sweep(devnet)
    assert _statuses(created) == {OutgoingStatus.CONFIRMED}

    devnet.fork(1)  # the block that held them is gone; the node re-admits or drops them
    _sweep(devnet)
    assert _statuses(created) <= {OutgoingStatus.BROADCAST, OutgoingStatus.CONFIRMED}
    for _ in range(SOLID_LAG + 3):
        devnet.mine(1)
        _sweep(devnet, tracked=None)
    assert _statuses(created) == {OutgoingStatus.FINAL}
    txids = [o.txid for o in OutgoingTransaction.objects.filter(pk__in=[c.pk for c in created])]
    assert sorted(transfers_on_chain(devnet, wallets.recipient)) == sorted(txids)
    assert trx_balance(wallets.recipient) == IN_FLIGHT * AMOUNT
    assert OutgoingAttempt.objects.filter(outgoing__in=created).count() == IN_FLIGHT


def test_the_reference_block_number_is_recovered_from_its_low_bytes() -> None:
    assert ref_block_number("0010", head_number=0x10) == 0x10
    assert ref_block_number("fff0", head_number=0x1_0005) == 0xFFF0
    assert ref_block_number("0004", head_number=0x2_0005) == 0x2_0004
    assert MAX_SEARCH_BLOCKS < 1 << 16


def test_a_round_slower_than_the_reference_age_signs_on_fresh_heads(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    _, asked = _first_round(devnet, wallets, reference_max_age_s=0.0)
    # The round's own heads, then each copy its own (solidified and head).
    assert asked["walletsolidity/getnowblock"] == asked["wallet/getnowblock"] == 1 + IN_FLIGHT


def test_a_copy_included_long_ago_is_tracked_by_txid_not_by_reading_every_block_since(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    created = _create(wallets, 1)
    _sweep(devnet, tracked=1)
    devnet.mine(1)
    _sweep(devnet, tracked=1)
    assert _statuses(created) == {OutgoingStatus.CONFIRMED}

    devnet.mine(MAX_SEARCH_BLOCKS + 1)  # its tracker was away (a worker down, say)
    asked = _sweep(devnet, tracked=1)
    assert "wallet/gettransactioninfobyblocknum" not in asked
    assert _statuses(created) == {OutgoingStatus.FINAL}


class _BlockCountingNode(CountingNode):
    """Also counts which blocks' receipts it is asked for."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.blocks: Counter[int] = Counter()

    def request(self, path: str, payload: dict[str, Any] | None = None, **kw: Any) -> Any:
        if path.lstrip("/") == "wallet/gettransactioninfobyblocknum" and payload:
            self.blocks[int(payload["num"])] += 1
        return super().request(path, payload, **kw)


def test_a_solidified_block_is_read_once_however_many_rounds_search_it(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    devnet.faults(drop_broadcasts=1_000)  # the copy reaches no block: searched every round
    created = _create(wallets, 1)
    node = _BlockCountingNode(devnet.url)
    rounds = SOLID_LAG + 6
    try:
        outgoing_sweep(node=node)
        for _ in range(rounds):
            devnet.mine(1)
            outgoing_sweep(node=node)
    finally:
        node.close()
        devnet.clear_faults()

    assert _statuses(created) <= {OutgoingStatus.BROADCAST, OutgoingStatus.PENDING}
    searched = sorted(node.blocks)
    assert len(searched) >= rounds  # the search spans every block since the copy's reference
    # A block is read while it may still change (at most once per round until it is
    # SOLID_LAG deep), once more when solidified, and never again.
    assert max(node.blocks.values()) <= SOLID_LAG + 1, node.blocks
