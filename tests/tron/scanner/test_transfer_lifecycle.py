"""A transfer to a watched address is seen, then final once its block is solidified."""

from __future__ import annotations

import pytest

from lucid_payments.tron.hooks import TransferEvent
from lucid_payments.tron.models import Asset, ChainTransfer, TransferStatus
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.watch import watch_address
from tests.tron.conftest import SOLID_LAG, DevnetHandle

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

# A fresh address nobody else sends to: any valid T… address works as a recipient.
RECIPIENT = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_trx_and_usdt_transfers_are_seen_then_final_after_the_solid_lag(
    devnet: DevnetHandle, transfer_events: list[TransferEvent]
) -> None:
    watch_address(address=RECIPIENT, purpose="deposit")
    txids = devnet.faucet(RECIPIENT, trx=1_500_000, usdt=2_500_000)
    devnet.mine()
    scanner = BlockScanner()

    scan_once(scanner)

    transfers = {t.asset: t for t in ChainTransfer.objects.all()}
    assert set(transfers) == {Asset.TRX, Asset.TRC20}
    trx, usdt = transfers[Asset.TRX], transfers[Asset.TRC20]
    assert (trx.txid, trx.index, trx.amount, trx.to_address) == (
        txids["trx"],
        0,
        1_500_000,
        RECIPIENT,
    )
    assert trx.from_address == devnet.accounts[-1].address
    assert (usdt.txid, usdt.amount, usdt.to_address) == (txids["usdt"], 2_500_000, RECIPIENT)
    assert usdt.token_contract == devnet.token_address
    assert usdt.from_address == devnet.accounts[0].address
    assert {t.status for t in transfers.values()} == {TransferStatus.SEEN}

    devnet.mine(SOLID_LAG - 1)
    scan_once(scanner)
    assert set(ChainTransfer.objects.values_list("status", flat=True)) == {TransferStatus.SEEN}

    devnet.mine()
    scan_once(scanner)
    assert set(ChainTransfer.objects.values_list("status", flat=True)) == {TransferStatus.FINAL}
    assert [e.status for e in transfer_events] == ["seen", "seen", "final", "final"]
    assert {(e.txid, e.index, e.amount) for e in transfer_events} == {
        (trx.txid, 0, 1_500_000),
        (usdt.txid, usdt.index, 2_500_000),
    }


def test_transfers_between_unwatched_addresses_are_ignored(devnet: DevnetHandle) -> None:
    devnet.faucet(RECIPIENT, trx=1_000_000, usdt=1_000_000)
    devnet.mine(SOLID_LAG + 1)

    report = scan_once(BlockScanner())

    assert report is not None and report.caught_up
    assert not ChainTransfer.objects.exists()
