"""A sweep's state machine (database only: every function here runs inside a transaction
and makes no network call).

pending → funding → sending → completed | failed:

- ``sweep_start`` records the sweep under the address's row lock (one open sweep per
  address and asset, by constraint too) and, for USDT, asks the energy policy for what
  the send needs: activation and delegated energy from the platform's energy wallet, or
  TRX from the client's fee wallet to burn (``usdt.energy``). It is ``funding`` until the
  policy says the energy is ready (``sweep_on_energy_ready``), then the sweep's own
  transaction is recorded (``outgoing_create``) and it is ``sending``. A TRX sweep needs
  nothing and is ``sending`` at once.
- ``sweep_on_outgoing`` follows that transaction: final sets ``final_at`` and releases the
  energy; failed ends the sweep ``failed`` (``sweep.failed``). Completion, with the costs
  read from the solidified receipts, is ``gateway.sweeps.costs`` (network reads).

The ledger. A deposit sweep is an internal movement (``wallets.custody``): the reference
carries the ``internal:`` prefix, so the scanner does not credit the hot wallet and the
owner of the money (the customer, or the client for an invoice) does not change; only the
network fees leave custody, booked once per txid as the platform's expense
(``wallets.network_fees``) and charged to the invoice as its collection cost. An excess
sweep to the client's watch-only cold wallet leaves custody: the client's available
balance is held when it is recorded, settled when final, released if it fails.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gateway.sweeps.events import sweep_event_publish
from gateway.sweeps.models import (
    OPEN_STATUSES,
    Sweep,
    SweepAddress,
    SweepKind,
    SweepStatus,
    new_sweep_id,
)
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.money import Asset
from lucid_payments.tron.outgoing.contracts import trc20_transfer, trx_transfer
from lucid_payments.tron.outgoing.hooks import OutgoingEvent, OutgoingStatus
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.selectors import outgoing_get
from usdt.energy.plan import EnergyPlan
from usdt.energy.policy import (
    energy_failed,
    energy_for_usdt_send,
    energy_ready,
    energy_release,
)
from usdt.models import EnergyMode
from wallets.custody import INTERNAL_PREFIX, internal_reference, is_internal_reference
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_hold, ledger_release, ledger_settle
from wallets.tokens import usdt_contract

REFERENCE_PREFIX = "sweep:"
ACTOR = AuditActor.system("sweeps")

logger = logging.getLogger(__name__)


def is_sweep_reference(reference: str) -> bool:
    return reference.removeprefix(INTERNAL_PREFIX).startswith(REFERENCE_PREFIX)


def _open_sweep_exists(*, network: str, address: str) -> bool:
    return Sweep.objects.filter(
        network=network, source_address=address, status__in=OPEN_STATUSES
    ).exists()


def sweep_start(
    *,
    client_id: int,
    network: str,
    kind: SweepKind,
    asset: Asset,
    source: str,
    destination: str,
    amount: int,
    plan: EnergyPlan | None = None,
    invoice_id: int | None = None,
) -> Sweep | None:
    """Record a sweep of ``amount`` from ``source`` to ``destination`` and ask for what it
    needs; None if the address has an open sweep already (a second run, another worker).

    ``plan`` (USDT only) is the energy policy's plan of the send, read just before."""
    with transaction.atomic():
        # The address row serializes sweeps of a deposit address; a hot wallet (the
        # excess sweep's source) has none, and the open-sweep constraint decides there.
        SweepAddress.objects.select_for_update().filter(network=network, address=source).first()
        if _open_sweep_exists(network=network, address=source):
            return None
        public_id = new_sweep_id()
        reference = f"{REFERENCE_PREFIX}{public_id}"
        if kind == SweepKind.DEPOSIT:
            reference = internal_reference(reference)  # physical only: same owner
        try:
            with transaction.atomic():  # the open-sweep constraint decides a race
                sweep = _create(
                    public_id=public_id,
                    client_id=client_id,
                    network=network,
                    kind=kind,
                    asset=asset,
                    source=source,
                    destination=destination,
                    invoice_id=invoice_id,
                    amount=amount,
                    reference=reference,
                    plan=plan,
                )
        except IntegrityError:
            return None
        if kind == SweepKind.EXCESS:
            ledger_hold(
                owner=LedgerOwner.client(client_id),
                asset=asset,
                amount=amount,
                reference=reference,
                description=f"sweep {public_id}: hot wallet excess to the cold wallet",
                data={"from": source, "to": destination},
            )
        audit_log(
            actor=ACTOR,
            action="sweep.started",
            target=sweep,
            client_id=client_id,
            data={"asset": asset, "amount": amount, "from": source, "to": destination},
        )
        if plan is not None:
            energy_for_usdt_send(plan=plan, purpose=reference)
            if not energy_ready(purpose=reference):
                return sweep
        _send(sweep)
        return sweep


def _create(
    *,
    public_id: str,
    client_id: int,
    network: str,
    kind: SweepKind,
    asset: Asset,
    source: str,
    destination: str,
    invoice_id: int | None,
    amount: int,
    reference: str,
    plan: EnergyPlan | None,
) -> Sweep:
    return Sweep.objects.create(
        public_id=public_id,
        client_id=client_id,
        network=network,
        kind=kind,
        asset=asset,
        source_address=source,
        destination_address=destination,
        invoice_id=invoice_id,
        amount=amount,
        reference=reference,
        status=SweepStatus.FUNDING if plan is not None else SweepStatus.PENDING,
        energy_mode=plan.mode if plan is not None else "",
        fee_limit_sun=plan.fee_limit_sun if plan is not None else 0,
    )


def sweep_fail_at_once(
    *,
    client_id: int,
    network: str,
    asset: Asset,
    source: str,
    destination: str,
    amount: int,
    code: str,
    message: str,
    invoice_id: int | None = None,
) -> Sweep | None:
    """Record a deposit sweep that cannot even start (nothing can pay its energy), as
    failed with ``sweep.failed``; the address is not looked at again until a new deposit.
    None if a sweep of the address is open already."""
    with transaction.atomic():
        SweepAddress.objects.select_for_update().filter(network=network, address=source).first()
        if _open_sweep_exists(network=network, address=source):
            return None
        public_id = new_sweep_id()
        sweep = Sweep.objects.create(
            public_id=public_id,
            client_id=client_id,
            network=network,
            kind=SweepKind.DEPOSIT,
            asset=asset,
            source_address=source,
            destination_address=destination,
            invoice_id=invoice_id,
            amount=amount,
            reference=internal_reference(f"{REFERENCE_PREFIX}{public_id}"),
            costed_at=timezone.now(),  # nothing was sent: nothing cost anything
        )
        _fail(sweep, code=code, message=message)
        return sweep


def _send(sweep: Sweep) -> None:
    if sweep.asset == Asset.TRX:
        call = trx_transfer(
            owner=sweep.source_address, to=sweep.destination_address, amount_sun=sweep.amount
        )
    else:
        call = trc20_transfer(
            owner=sweep.source_address,
            token=usdt_contract(sweep.network),
            to=sweep.destination_address,
            amount=sweep.amount,
            fee_limit_sun=sweep.fee_limit_sun,
        )
    # No client on the row: a sweep is the platform's housekeeping, shown to no client
    # in the tron-client API (the client sees the sweep itself).
    outgoing = outgoing_create(call=call, reference=sweep.reference, actor=ACTOR)
    sweep.outgoing_id = outgoing.pk
    sweep.status = SweepStatus.SENDING
    sweep.save(update_fields=["outgoing_id", "status", "updated_at"])


def _locked(reference: str) -> Sweep | None:
    return Sweep.objects.select_for_update().filter(reference=reference).first()


def sweep_on_energy_ready(purpose: str) -> None:
    """The energy policy's hook: the sweep's energy is ready (or will never come, and the
    source burns TRX within the same fee_limit): record its transaction."""
    sweep = _locked(purpose)
    if sweep is None or sweep.status != SweepStatus.FUNDING:
        return
    if not energy_ready(purpose=purpose):
        return
    if energy_failed(purpose=purpose):
        # No delegated energy will come: the source burns, within the same fee_limit.
        sweep.energy_mode = EnergyMode.BURN
        sweep.save(update_fields=["energy_mode", "updated_at"])
    _send(sweep)


def sweeps_send_ready() -> int:
    """Record the transaction of every funding sweep whose energy is ready: the catch-up
    of ``sweep_on_energy_ready`` after a crash (safe to run twice). Returns how many."""
    sent = 0
    funding = Sweep.objects.filter(status=SweepStatus.FUNDING)
    for reference in funding.values_list("reference", flat=True):
        with transaction.atomic():
            sweep_on_energy_ready(reference)
            sent += Sweep.objects.filter(reference=reference, status=SweepStatus.SENDING).count()
    return sent


def sweep_on_outgoing(event: OutgoingEvent) -> None:
    """Follow a sweep's own transaction (inside the transaction that records its status)."""
    if not is_sweep_reference(event.reference):
        return
    sweep = _locked(event.reference)
    if sweep is None or sweep.status != SweepStatus.SENDING or sweep.final_at is not None:
        return
    data = {"txid": event.txid, "outgoing_id": event.outgoing_id, "sweep": sweep.public_id}
    if event.status == OutgoingStatus.FINAL:
        sweep.txid = event.txid
        sweep.final_at = timezone.now()
        sweep.save(update_fields=["txid", "final_at", "updated_at"])
        if not is_internal_reference(sweep.reference):
            ledger_settle(reference=sweep.reference, description="sweep final", data=data)
        energy_release(purpose=sweep.reference, send_txid=event.txid)
        # Look at the address again: a USDT sweep may leave TRX worth sweeping.
        SweepAddress.objects.filter(network=sweep.network, address=sweep.source_address).update(
            due=True, due_since=timezone.now()
        )
        transaction.on_commit(lambda: _enqueue_completion(sweep.pk))
    elif event.status == OutgoingStatus.FAILED:
        outgoing = outgoing_get(outgoing_id=event.outgoing_id)
        sweep.txid = event.txid
        if not is_internal_reference(sweep.reference):
            ledger_release(
                reference=sweep.reference,
                description=f"sweep failed: {event.failure_code}",
                data=data,
            )
        energy_release(purpose=sweep.reference, send_txid=event.txid)
        _fail(
            sweep,
            code=event.failure_code or "transaction_failed",
            message=outgoing.failure_message if outgoing is not None else "",
        )
    elif event.txid and event.txid != sweep.txid:
        sweep.txid = event.txid
        sweep.save(update_fields=["txid", "updated_at"])


def _fail(sweep: Sweep, *, code: str, message: str) -> None:
    previous = sweep.status
    sweep.status = SweepStatus.FAILED
    sweep.failure_code = code[:64]
    sweep.failure_message = message[:500]
    sweep.save(update_fields=["status", "txid", "failure_code", "failure_message", "updated_at"])
    # Not looked at again until a new deposit arrives (or an operator asks): a sweep that
    # failed would fail the same way every minute.
    SweepAddress.objects.filter(network=sweep.network, address=sweep.source_address).update(
        due=False
    )
    audit_log(
        actor=ACTOR,
        action="sweep.failed",
        target=sweep,
        client_id=sweep.client_id,
        data={"from": previous, "code": sweep.failure_code, "txid": sweep.txid},
    )
    sweep_event_publish(sweep=sweep, what="failed")


def sweeps_follow_ended() -> int:
    """Apply the end of sweeps' transactions that the hook missed (a crash between the
    status and the sweep cannot happen, they commit together; but a handler added after
    the fact, or a restored backup, can leave a sweep behind its transaction). Safe to
    run twice. Returns how many sweeps moved."""
    moved = 0
    behind = Sweep.objects.filter(
        Q(status=SweepStatus.SENDING, final_at__isnull=True, outgoing_id__isnull=False)
    ).values_list("outgoing_id", flat=True)
    for outgoing_id in behind:
        assert outgoing_id is not None
        outgoing = outgoing_get(outgoing_id=outgoing_id)
        if outgoing is None or outgoing.status not in (OutgoingStatus.FINAL, OutgoingStatus.FAILED):
            continue
        with transaction.atomic():
            sweep_on_outgoing(
                OutgoingEvent(
                    outgoing_id=outgoing.id,
                    reference=outgoing.reference,
                    status=outgoing.status,
                    previous_status=outgoing.status,
                    txid=outgoing.txid,
                    block_number=outgoing.block_number,
                    failure_code=outgoing.failure_code,
                )
            )
        moved += 1
    return moved


def _enqueue_completion(sweep_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("gateway.sweeps.tasks.sweep_complete_task", sweep_id)
    except Exception:  # a broker hiccup must not undo anything: the periodic run completes it
        logger.exception("could not enqueue completion of sweep %s", sweep_id)
