"""Sending queued payouts from the client's hot wallet, and following them to the end.

``payout_send`` (the worker; safe to run twice, and concurrently) takes one queued payout:

- to an address in our custody it books the payout on the ledger (the amount moves to
  the address's owner, the fee to the platform) and confirms it: no transaction, no
  network cost;
- otherwise it asks the node whether the hot wallet holds the amount now, beside what its
  other payouts not yet in a block will take, and for a USDT payout that must burn its
  energy the TRX to burn (outside any database transaction). If not, the payout stays
  queued, and the first time (per delay) an operator alert is raised: a WARNING log line,
  an audit row, the ``lucid_payouts_delayed_total`` metric and the ``payout.delayed`` event.
  ``payouts_resume`` (once a minute) tries again, so a refilled wallet resumes by itself;
- a TRX payout records its transfer (``outgoing_create``) and is ``sending``; the same
  worker signs and broadcasts it as soon as that commits;
- a USDT payout follows the energy policy (``usdt.energy``): its plan gives the
  ``fee_limit`` and the energy mode, the delegation (and the activation of a sender that
  does not exist yet) is recorded with it, and its TRC20 call is recorded once the energy
  is ready (``payout_on_energy_ready``).

When the chain app reports the transaction final the hold is settled and the fee
collected; when it failed both are released (``payout_on_outgoing``, inside the
transaction that records the status). The exact costs are recorded by
``wallets.fee_receipts`` and shown on the payout by txid.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Sum
from django.utils import timezone
from prometheus_client import Counter

from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.errors import NodeRejected, NodeUnavailable
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.outgoing.contracts import trc20_transfer, trx_transfer
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.selectors import outgoing_in_a_block
from payouts.chain_reads import hot_wallet_covers
from payouts.events import payout_event_publish
from payouts.ledger import payout_release, payout_settle, payout_settle_internal
from payouts.limits import payout_sender_lock
from payouts.models import REFERENCE_PREFIX, Payout, PayoutStatus
from payouts.queue import payout_send_enqueue
from payouts.selectors import payout_hot_wallet
from usdt.energy.plan import EnergyPlan, energy_plan_for_usdt_send
from usdt.energy.policy import energy_failed, energy_for_usdt_send, energy_ready, energy_release
from usdt.models import EnergyMode
from wallets.custody import custody_owner
from wallets.ledger.owners import LedgerOwner
from wallets.tokens import usdt_contract

logger = logging.getLogger(__name__)

ACTOR = AuditActor.system("payouts.sending")

PAYOUTS_DELAYED = Counter(
    "lucid_payouts_delayed_total",
    "Payouts held back because the hot wallet was short on chain (once per delay)",
    ["asset"],
)


@dataclass
class ShortWallets:
    """What one run over many queued payouts learnt: per hot wallet and asset, the least
    it was found unable to cover (amount, its other payouts in flight, and for TRX the
    transaction's own cost). A payout needing as much or more is not asked about again in
    that run; it could not fit either, and a refill shows at the next run."""

    least: dict[tuple[str, str], int] = field(default_factory=dict)

    def cannot_cover(self, sender: str, asset: str, need: int) -> bool:
        least = self.least.get((sender, asset))
        return least is not None and need >= least

    def note(self, sender: str, asset: str, need: int) -> None:
        key = (sender, asset)
        self.least[key] = min(need, self.least.get(key, need))


def payout_send(
    *, payout_id: int, node: TronNode | None = None, short: ShortWallets | None = None
) -> str:
    """Send (or book internally) one queued payout; returns its status afterwards.
    ``short``: what this run already learnt of short wallets (``payouts_resume``)."""
    payout = Payout.objects.filter(pk=payout_id).first()
    if payout is None:
        return ""
    if payout.status != PayoutStatus.QUEUED:
        return str(payout.status)
    owner = custody_owner(payout.destination, network=payout.network)
    if owner is not None:
        return _book_internally(payout_id, owner)
    wallet = payout_hot_wallet(client_id=payout.client_id)
    if wallet is None:
        return _delay(payout_id, why="the client has no hot wallet")
    node = node or get_node()
    asset = Asset(payout.asset)
    plan: EnergyPlan | None = None
    in_flight = _in_flight(payout, sender=wallet.address)
    reserve = payout.network_cost_estimate_sun or 0
    need = payout.amount + in_flight + (reserve if asset == Asset.TRX else 0)
    why_short = f"hot wallet {wallet.address} holds too little on chain"
    if short is not None and short.cannot_cover(wallet.address, asset, need):
        return _delay(payout_id, why=why_short)
    try:
        covered = hot_wallet_covers(
            asset=asset,
            sender=wallet.address,
            amount=payout.amount + in_flight,
            trx_reserve_sun=reserve,
            node=node,
        )
        if not covered and short is not None:
            short.note(wallet.address, asset, need)
        if covered and asset == Asset.USDT:
            plan = energy_plan_for_usdt_send(
                sender=wallet.address, to=payout.destination, amount=payout.amount, node=node
            )
            if plan.mode == EnergyMode.BURN and not plan.topup_sun:
                # Nobody lends it energy or tops it up: it must hold the TRX it may burn.
                covered = hot_wallet_covers(
                    asset=Asset.TRX,
                    sender=wallet.address,
                    amount=0,
                    trx_reserve_sun=plan.fee_limit_sun,
                    node=node,
                )
    except NodeRejected:  # the USDT call would revert: the wallet cannot cover it now
        covered = False
    except NodeUnavailable:
        logger.info("payout %s: the node is not answering; it stays queued", payout.public_id)
        return str(payout.status)
    if not covered:
        return _delay(payout_id, why=why_short)
    return _start(payout_id, sender=wallet.address, plan=plan, in_flight_seen=in_flight)


def _in_flight(payout: Payout, *, sender: str) -> int:
    """What the sender's other payouts of this asset will still take from its balance:
    sending, their transaction not in a block yet. (One that is in a block may be counted
    too if it got there after the balance was read: the payout then waits a round.)"""
    total = (
        Payout.objects.filter(sender=sender, asset=payout.asset, status=PayoutStatus.SENDING)
        .exclude(pk=payout.pk)
        .exclude(outgoing_in_a_block(outgoing_id=OuterRef("outgoing_id")))
        .aggregate(total=Sum("amount"))["total"]
    )
    return int(total or 0)


@transaction.atomic
def _book_internally(payout_id: int, owner: LedgerOwner) -> str:
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != PayoutStatus.QUEUED:
        return str(payout.status)
    payout_settle_internal(payout, owner=owner, data={"payout": payout.public_id})
    now = timezone.now()
    payout.internal = True
    payout.status = PayoutStatus.CONFIRMED
    payout.sent_at = payout.confirmed_at = now
    payout.delayed_since = None
    payout.save(
        update_fields=[
            "internal", "status", "sent_at", "confirmed_at", "delayed_since", "updated_at"
        ]
    )  # fmt: skip
    audit_log(
        actor=ACTOR,
        action="payout.confirmed",
        target=payout,
        client_id=payout.client_id,
        data={"internal": True, "owner": str(owner)},
    )
    payout_event_publish(payout=payout, what="confirmed")
    return str(payout.status)


@transaction.atomic
def _delay(payout_id: int, *, why: str) -> str:
    """Keep the payout queued; alert once per delay (not on every retry)."""
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    if payout.status != PayoutStatus.QUEUED or payout.delayed_since is not None:
        return str(payout.status)
    payout.delayed_since = timezone.now()
    payout.delay_count += 1
    payout.save(update_fields=["delayed_since", "delay_count", "updated_at"])
    logger.warning("payout %s delayed: %s; it stays queued until refilled", payout.public_id, why)
    audit_log(
        actor=ACTOR,
        action="payout.delayed",
        target=payout,
        client_id=payout.client_id,
        data={"why": why, "asset": payout.asset, "amount": payout.amount},
    )
    transaction.on_commit(lambda: PAYOUTS_DELAYED.labels(asset=payout.asset).inc())
    payout_event_publish(payout=payout, what="delayed", occurrence=str(payout.delay_count))
    return str(payout.status)


@transaction.atomic
def _start(payout_id: int, *, sender: str, plan: EnergyPlan | None, in_flight_seen: int) -> str:
    """Start the payout, checked against ``in_flight_seen`` (the sender's other payouts
    still to leave its balance when the balance was read)."""
    payout = Payout.objects.select_for_update().select_related("client").get(pk=payout_id)
    if payout.status != PayoutStatus.QUEUED:
        return str(payout.status)  # a twin run got here first
    payout_sender_lock(sender=sender, asset=payout.asset)
    if _in_flight(payout, sender=sender) > in_flight_seen:
        # Another payout of this wallet started since the balance was read: both might not
        # fit. Check again from the start (after commit) instead of sending one that fails.
        payout_send_enqueue(payout_id)
        return str(payout.status)
    payout.sender = sender
    payout.status = PayoutStatus.SENDING
    payout.sent_at = timezone.now()
    payout.delayed_since = None
    if plan is None:
        call = trx_transfer(owner=sender, to=payout.destination, amount_sun=payout.amount)
        payout.outgoing_id = outgoing_create(
            call=call,
            reference=payout.ledger_reference,
            client=payout.client,
            actor=ACTOR,
            in_this_worker=True,
        ).pk
    else:
        payout.fee_limit_sun = plan.fee_limit_sun
        payout.energy_mode = plan.mode
    payout.save(
        update_fields=[
            "sender", "status", "sent_at", "delayed_since", "outgoing_id", "fee_limit_sun",
            "energy_mode", "updated_at",
        ]
    )  # fmt: skip
    audit_log(
        actor=ACTOR,
        action="payout.sending",
        target=payout,
        client_id=payout.client_id,
        data={"from": sender, "fee_limit": payout.fee_limit_sun, "energy": payout.energy_mode},
    )
    payout_event_publish(payout=payout, what="sending")
    if plan is not None:
        energy_for_usdt_send(plan=plan, purpose=payout.ledger_reference)
        if energy_ready(purpose=payout.ledger_reference):
            _send_usdt(payout)
    return str(payout.status)


def _send_usdt(payout: Payout) -> None:
    call = trc20_transfer(
        owner=payout.sender,
        token=usdt_contract(payout.network),
        to=payout.destination,
        amount=payout.amount,
        fee_limit_sun=payout.fee_limit_sun,
    )
    outgoing = outgoing_create(
        call=call,
        reference=payout.ledger_reference,
        client=payout.client,
        actor=ACTOR,
        in_this_worker=True,
    )
    payout.outgoing_id = outgoing.pk
    payout.save(update_fields=["outgoing_id", "energy_mode", "updated_at"])


def payout_on_energy_ready(purpose: str) -> None:
    """The energy of a sending USDT payout is ready (or will never come): record its call."""
    payout = (
        Payout.objects.select_for_update()
        .select_related("client")
        .filter(ledger_reference=purpose)
        .first()
    )
    if payout is None or payout.status != PayoutStatus.SENDING or payout.outgoing_id is not None:
        return
    if energy_failed(purpose=purpose):
        payout.energy_mode = EnergyMode.BURN  # the sender burns, within the same fee_limit
    _send_usdt(payout)


def payouts_resume(*, node: TronNode | None = None) -> int:
    """Send every queued payout and every USDT payout whose energy is ready (the periodic
    catch-up; safe to run twice). Returns how many left the queue."""
    moved = 0
    short = ShortWallets()  # a wallet short for one payout is not asked again for a larger
    queued = Payout.objects.filter(status=PayoutStatus.QUEUED).order_by("id")
    for payout_id in list(queued.values_list("id", flat=True)):
        moved += payout_send(payout_id=payout_id, node=node, short=short) != PayoutStatus.QUEUED
    waiting = Payout.objects.filter(status=PayoutStatus.SENDING, outgoing_id__isnull=True)
    for reference in list(waiting.values_list("ledger_reference", flat=True)):
        if energy_ready(purpose=reference):
            with transaction.atomic():
                payout_on_energy_ready(reference)
    return moved


def payout_on_outgoing(event: OutgoingEvent) -> None:
    """Settle (final) or release (failed) the payout when its transaction ends."""
    if not event.reference.startswith(REFERENCE_PREFIX):
        return
    if event.status not in (OutgoingStatus.FINAL, OutgoingStatus.FAILED):
        return
    payout = Payout.objects.select_for_update().filter(ledger_reference=event.reference).first()
    if payout is None or payout.status != PayoutStatus.SENDING:
        return
    data = {"payout": payout.public_id, "txid": event.txid, "outgoing_id": event.outgoing_id}
    payout.txid = event.txid
    if event.status == OutgoingStatus.FINAL:
        payout_settle(payout, data=data)
        payout.status = PayoutStatus.CONFIRMED
        payout.confirmed_at = timezone.now()
        changed = ["confirmed_at"]
    else:
        payout_release(payout, why=f"payout failed: {event.failure_code}", data=data)
        outgoing = event.outgoing()
        payout.status = PayoutStatus.FAILED
        payout.failed_at = timezone.now()
        payout.failure_code = event.failure_code or "transaction_failed"
        payout.failure_message = "" if outgoing is None else outgoing.failure_message
        changed = ["failed_at", "failure_code", "failure_message"]
    payout.save(update_fields=["txid", "status", *changed, "updated_at"])
    audit_log(
        actor=ACTOR,
        action=f"payout.{payout.status}",
        target=payout,
        client_id=payout.client_id,
        data=data,
    )
    payout_event_publish(payout=payout, what=str(payout.status))
    if payout.asset == Asset.USDT:
        energy_release(purpose=payout.ledger_reference, send_txid=event.txid)
