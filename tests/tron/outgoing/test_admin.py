"""The chain in the admin: outgoing transactions and their signed copies, the scanner's
records. Operators browse and search; nobody adds, edits or deletes anything there."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client as WebClient
from django.utils import timezone

from lucid_payments.tron.adapter.transactions import (
    ChainReference,
    build_raw_data,
    sign_raw_data,
)
from lucid_payments.tron.models import (
    Asset,
    ChainTransfer,
    OutgoingTransaction,
    ScanCursor,
    ScannedBlock,
)
from lucid_payments.tron.outgoing import contracts, transitions
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.signing import PrivateKeySigner
from lucid_payments.tron.watch import watch_address

pytestmark = pytest.mark.django_db

SENDER = PrivateKeySigner(b"\x21" * 32)
RECIPIENT = PrivateKeySigner(b"\x22" * 32).address
# A chain anchor for signing offline: the admin only displays what was stored.
REFERENCE = ChainReference(
    ref_block_bytes="0001", ref_block_hash="00" * 8, head_timestamp_ms=1_700_000_000_000
)


@pytest.fixture
def admin_web() -> WebClient:
    web = WebClient()
    web.force_login(User.objects.create_superuser("root", password="pw"))
    return web


def _signed_outgoing(reference: str, amount_sun: int) -> OutgoingTransaction:
    """A transaction with one stored (never broadcast) signed copy."""
    call = contracts.trx_transfer(owner=SENDER.address, to=RECIPIENT, amount_sun=amount_sun)
    outgoing = outgoing_create(call=call, reference=reference, enqueue=False)
    raw_data = build_raw_data(
        contract_type=call.contract_type, parameters=call.parameters, reference=REFERENCE
    )
    assert transitions.record_signed(outgoing.pk, sign_raw_data(raw_data, SENDER)) is not None
    outgoing.refresh_from_db()
    return outgoing


def _listed(admin_web: WebClient, url: str, **query: str) -> str:
    response = admin_web.get(url, query)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_outgoing_list_filters_by_status_and_network_and_finds_by_txid_or_reference(
    admin_web: WebClient,
) -> None:
    signed = _signed_outgoing("payout:41", 41)
    pending = outgoing_create(
        call=contracts.trx_transfer(owner=SENDER.address, to=RECIPIENT, amount_sun=42),
        reference="payout:42",
        enqueue=False,
    )
    url = "/admin/tron/outgoingtransaction/"
    everything = _listed(admin_web, url)
    assert "payout:41" in everything and "payout:42" in everything

    only_signed = _listed(admin_web, url, status="signed")
    assert "payout:41" in only_signed and "payout:42" not in only_signed
    assert "payout:42" in _listed(admin_web, url, status="pending", network=pending.network)
    assert "payout:4" not in _listed(admin_web, url, network="mainnet")

    by_txid = _listed(admin_web, url, q=signed.txid.upper())  # pasted from an explorer
    assert "payout:41" in by_txid and "payout:42" not in by_txid
    by_reference = _listed(admin_web, url, q="payout:42")
    assert "payout:42" in by_reference and "payout:41" not in by_reference


def test_outgoing_detail_shows_its_signed_copies_read_only(admin_web: WebClient) -> None:
    outgoing = _signed_outgoing("payout:7", 7)
    page = _listed(admin_web, f"/admin/tron/outgoingtransaction/{outgoing.pk}/change/")
    attempt = outgoing.attempts.get()
    assert attempt.txid in page and "payout:7" in page
    assert 'name="_save"' not in page  # a view page, no form to submit

    before = OutgoingTransaction.objects.values().get(pk=outgoing.pk)
    edit = admin_web.post(
        f"/admin/tron/outgoingtransaction/{outgoing.pk}/change/", {"status": "final"}
    )
    assert edit.status_code == 403
    assert admin_web.get("/admin/tron/outgoingtransaction/add/").status_code == 403
    delete = admin_web.post(
        f"/admin/tron/outgoingtransaction/{outgoing.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    assert OutgoingTransaction.objects.values().get(pk=outgoing.pk) == before

    copy_page = _listed(admin_web, f"/admin/tron/outgoingattempt/{attempt.pk}/change/")
    assert attempt.signature in copy_page and 'name="_save"' not in copy_page


def test_scanner_records_are_browsable_and_read_only(admin_web: WebClient) -> None:
    watch_address(address=RECIPIENT, purpose="deposit", owner=("accounts.customer", "5"))
    ScanCursor.objects.create(network="devnet", block_number=12, block_id="ab" * 32)
    block = ScannedBlock.objects.create(
        network="devnet", number=12, block_id="ab" * 32, parent_id="cd" * 32, timestamp_ms=3
    )
    transfer = ChainTransfer.objects.create(
        network="devnet",
        txid="ef" * 32,
        index=0,
        block_number=12,
        block_id="ab" * 32,
        block_timestamp_ms=3,
        asset=Asset.TRX,
        from_address=SENDER.address,
        to_address=RECIPIENT,
        amount=5_000_000,
        seen_at=timezone.now(),
    )
    assert RECIPIENT in _listed(admin_web, "/admin/tron/watchedaddress/", q=RECIPIENT)
    assert "ab" * 32 in _listed(admin_web, "/admin/tron/scancursor/")
    assert "cd" * 32 in _listed(admin_web, f"/admin/tron/scannedblock/{block.pk}/change/")
    _listed(admin_web, "/admin/tron/watchlistversion/")
    found = _listed(admin_web, "/admin/tron/chaintransfer/", q=transfer.txid.upper())
    assert transfer.txid in found
    assert transfer.txid not in _listed(admin_web, "/admin/tron/chaintransfer/", status="final")
    for model in ("watchedaddress", "chaintransfer", "scancursor", "scannedblock"):
        assert admin_web.get(f"/admin/tron/{model}/add/").status_code == 403
    moved = admin_web.post(
        "/admin/tron/scancursor/devnet/change/", {"block_number": 0, "block_id": "00" * 32}
    )
    assert moved.status_code == 403
    assert ScanCursor.objects.get().block_number == 12
