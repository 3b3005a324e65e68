"""An outgoing transaction from record to final, on the devnet over HTTP."""

from __future__ import annotations

import pytest
from django.utils import timezone

from lucid_payments.core.errors import Conflict
from lucid_payments.core.models import AuditEvent
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.models import AttemptStatus, OutgoingStatus, OutgoingTransaction
from lucid_payments.tron.outgoing import contracts
from lucid_payments.tron.outgoing.claims import outgoing_claim, outgoing_release
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.tron.outgoing.conftest import Wallets, transfers_on_chain, trx_balance

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

AMOUNT = 1_234_567


def _send_trx(wallets: Wallets, reference: str = "test:1") -> OutgoingTransaction:
    call = contracts.trx_transfer(
        owner=wallets.sender.address, to=wallets.recipient, amount_sun=AMOUNT
    )
    return outgoing_create(call=call, reference=reference, enqueue=False)


def test_trx_transfer_goes_signed_broadcast_confirmed_final(
    devnet: DevnetHandle, wallets: Wallets, outgoing_events: list
) -> None:
    outgoing = _send_trx(wallets)
    assert outgoing.status == OutgoingStatus.PENDING

    assert outgoing_process(outgoing.pk) == OutgoingStatus.BROADCAST
    outgoing.refresh_from_db()
    attempt = outgoing.attempts.get()
    assert attempt.txid == outgoing.txid and attempt.broadcast_count == 1

    devnet.mine()
    assert outgoing_process(outgoing.pk) == OutgoingStatus.CONFIRMED
    devnet.mine(SOLID_LAG)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FINAL

    outgoing.refresh_from_db()
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FINAL
    assert outgoing.block_number == attempt.block_number is not None
    assert trx_balance(wallets.recipient) == AMOUNT
    assert transfers_on_chain(devnet, wallets.recipient) == [outgoing.txid]
    assert [e.status for e in outgoing_events] == ["signed", "broadcast", "confirmed", "final"]
    actions = list(
        AuditEvent.objects.filter(object_id=str(outgoing.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "tron.outgoing.created",
        "tron.outgoing.signed",
        "tron.outgoing.broadcast",
        "tron.outgoing.confirmed",
        "tron.outgoing.final",
    ]


def test_usdt_transfer_reaches_final_with_exact_token_balance(
    devnet: DevnetHandle, wallets: Wallets
) -> None:
    issuer = devnet.accounts[0]
    call = contracts.trc20_transfer(
        owner=issuer.address, token=devnet.token_address, to=wallets.recipient, amount=5_000_000
    )
    outgoing = outgoing_create(call=call, reference="usdt:1", enqueue=False)
    outgoing_process(outgoing.pk)
    devnet.mine(1 + SOLID_LAG)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FINAL
    outgoing.refresh_from_db()
    assert outgoing.fee is not None and outgoing.fee >= 0
    tron = get_node().tronpy()
    balance = tron.get_contract(devnet.token_address).functions.balanceOf(wallets.recipient)
    assert balance == 5_000_000


def test_same_reference_same_call_returns_the_same_row(
    wallets: Wallets, devnet: DevnetHandle
) -> None:
    first = _send_trx(wallets, "payout:7")
    assert _send_trx(wallets, "payout:7").pk == first.pk
    assert OutgoingTransaction.objects.count() == 1


def test_same_reference_different_call_is_a_conflict(
    wallets: Wallets, devnet: DevnetHandle
) -> None:
    _send_trx(wallets, "payout:8")
    other = contracts.trx_transfer(owner=wallets.sender.address, to=wallets.recipient, amount_sun=1)
    with pytest.raises(Conflict):
        outgoing_create(call=other, reference="payout:8", enqueue=False)
    assert OutgoingTransaction.objects.count() == 1


def test_refused_transfer_fails_after_its_copy_expires_and_is_not_rebuilt(
    devnet: DevnetHandle, wallets: Wallets, settings
) -> None:
    settings.TRON_TX_EXPIRATION_MS = 6_000  # two devnet blocks
    poor = contracts.trx_transfer(
        owner=wallets.sender.address, to=wallets.recipient, amount_sun=10**18
    )
    outgoing = outgoing_create(call=poor, reference="too-much", enqueue=False)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.SIGNED
    attempt = outgoing.attempts.get()
    assert attempt.status == AttemptStatus.REJECTED
    assert attempt.last_node_code == "CONTRACT_VALIDATE_ERROR"

    devnet.mine(3 + SOLID_LAG)
    assert outgoing_process(outgoing.pk) == OutgoingStatus.FAILED
    outgoing.refresh_from_db()
    assert outgoing.failure_code == "CONTRACT_VALIDATE_ERROR"
    assert outgoing.attempts.count() == 1
    assert transfers_on_chain(devnet, wallets.recipient) == []


def test_claim_and_release_answer_the_status_and_a_held_claim_refuses_a_second(
    wallets: Wallets,
) -> None:
    outgoing = _send_trx(wallets, reference="test:claims")
    now = timezone.now()

    claim = outgoing_claim(outgoing.pk, now=now)
    assert claim is not None and claim.status == OutgoingStatus.PENDING
    assert outgoing_claim(outgoing.pk, now=now) is None  # held until the lease runs out

    assert outgoing_release(outgoing.pk, token=claim.until) == OutgoingStatus.PENDING
    assert outgoing_release(outgoing.pk, token=claim.until) is None  # nothing left to give back
    outgoing.refresh_from_db()
    assert outgoing.claimed_until is None
