"""Completing a sweep: its transactions' exact costs, from their solidified receipts.

A sweep is completed once its own transaction is final and every transaction sent for it
has ended: the energy policy's activation, delegation and reclaim, or the fee wallet's TRX
top-up. Each one's fee row (``wallets.fee_receipts``, one per txid, recorded here if the
worker has not yet) is read from the chain, so this runs outside any database
transaction; the sweep then moves to ``completed`` under its row lock, once. A failed
sweep gets its costs the same way once they have ended, and stays failed (``sweep.failed``
was sent when it failed, before its costs were known).

How the SUN are split (they add up to the sum of the transactions' fees, which the ledger
books as network fees, once per txid):
- activation: account-creation fees (whichever transaction created the account);
- energy: TRX the sweep burned for energy, plus the whole fee of the delegation and
  reclaim transactions (what delegated energy cost us);
- bandwidth: bandwidth burned by the activation and top-up transactions;
- sweep: bandwidth burned by the sweep's own transaction.
The sweep of an invoice's address adds its costs to the invoice's (its net settlement).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gateway.invoices.models import Invoice
from gateway.sweeps.events import sweep_event_publish
from gateway.sweeps.models import Sweep, SweepStatus
from gateway.sweeps.services import ACTOR
from lucid_payments.core.audit import audit_log
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.outgoing.hooks import OutgoingStatus
from lucid_payments.tron.selectors import outgoing_get
from usdt.models import OPEN_DELEGATION_STATUSES, EnergyDelegation, TrxTopUp
from wallets.fee_receipts import transaction_fee_record
from wallets.models.fees import TransactionFee

ENDED = (OutgoingStatus.FINAL, OutgoingStatus.FAILED)


@dataclass
class _Costs:
    activation: int = 0
    energy: int = 0
    bandwidth: int = 0
    sweep: int = 0
    txids: dict[str, str] = field(default_factory=dict)


def _steps(sweep: Sweep) -> dict[str, int]:
    """step name → outgoing id of every transaction sent for ``sweep``."""
    steps: dict[str, int] = {}
    if sweep.outgoing_id is not None:
        steps["sweep"] = sweep.outgoing_id
    delegation = EnergyDelegation.objects.filter(purpose=sweep.reference).first()
    if delegation is not None:
        for name, outgoing_id in (
            ("activation", delegation.activation_outgoing_id),
            ("delegation", delegation.delegate_outgoing_id),
            ("reclaim", delegation.reclaim_outgoing_id),
        ):
            if outgoing_id is not None:
                steps[name] = outgoing_id
    topup = TrxTopUp.objects.filter(purpose=sweep.reference).first()
    if topup is not None and topup.outgoing_id is not None:
        steps["topup"] = topup.outgoing_id
    return steps


def _delegation_open(sweep: Sweep) -> bool:
    """Whether its energy is still delegated or on its way back (its reclaim's fee is
    part of the sweep's cost: wait for it)."""
    return EnergyDelegation.objects.filter(
        purpose=sweep.reference, status__in=OPEN_DELEGATION_STATUSES
    ).exists()


def _costs(steps: dict[str, int], node: TronNode) -> _Costs | None:
    """The split of the steps' fees; None while one of them has not ended or its fee is
    not readable yet (the periodic run comes back)."""
    costs = _Costs()
    for name, outgoing_id in steps.items():
        outgoing = outgoing_get(outgoing_id=outgoing_id)
        if outgoing is None or outgoing.status not in ENDED:
            return None
        costs.txids[name] = outgoing.txid
        if outgoing.block_number is None:
            continue  # failed without reaching a block: nothing was burned
        fee = transaction_fee_record(outgoing_id=outgoing_id, node=node)
        if fee is None:
            return None
        _add(costs, name, fee)
    return costs


def _add(costs: _Costs, step: str, fee: TransactionFee) -> None:
    costs.activation += fee.activation_sun
    if step == "sweep":
        costs.energy += fee.energy_burned_sun
        costs.sweep += fee.bandwidth_burned_sun
    elif step in ("delegation", "reclaim"):
        costs.energy += fee.energy_burned_sun + fee.bandwidth_burned_sun
    else:
        costs.bandwidth += fee.energy_burned_sun + fee.bandwidth_burned_sun


def _costable(sweep: Sweep | None) -> bool:
    if sweep is None or sweep.costed_at is not None:
        return False
    final = sweep.status == SweepStatus.SENDING and sweep.final_at is not None
    return final or sweep.status == SweepStatus.FAILED


def sweep_complete(*, sweep_id: int, node: TronNode | None = None) -> bool:
    """Record the costs of a sweep whose transaction is final (then it is completed) or
    that failed (it stays failed); False while something it waits for has not ended.
    Safe to run twice, or twice at once."""
    sweep = Sweep.objects.filter(pk=sweep_id).first()
    if sweep is None or not _costable(sweep) or _delegation_open(sweep):
        return False
    costs = _costs(_steps(sweep), node or get_node())
    if costs is None:
        return False
    with transaction.atomic():
        locked = Sweep.objects.select_for_update().get(pk=sweep_id)
        if not _costable(locked):
            return False  # recorded meanwhile by another run
        _record(locked, costs)
    return locked.status == SweepStatus.COMPLETED


def _record(sweep: Sweep, costs: _Costs) -> None:
    sweep.cost_activation_sun = costs.activation
    sweep.cost_energy_sun = costs.energy
    sweep.cost_bandwidth_sun = costs.bandwidth
    sweep.cost_sweep_sun = costs.sweep
    sweep.activation_txid = costs.txids.get("activation", "")
    sweep.topup_txid = costs.txids.get("topup", "")
    sweep.delegation_txid = costs.txids.get("delegation", "")
    sweep.reclaim_txid = costs.txids.get("reclaim", "")
    sweep.costed_at = timezone.now()
    completed = sweep.status == SweepStatus.SENDING
    if completed:
        sweep.status = SweepStatus.COMPLETED
        sweep.completed_at = sweep.costed_at
    sweep.save()
    if sweep.invoice_id is not None:
        Invoice.objects.filter(pk=sweep.invoice_id).update(
            cost_activation_sun=F("cost_activation_sun") + costs.activation,
            cost_energy_sun=F("cost_energy_sun") + costs.energy,
            cost_bandwidth_sun=F("cost_bandwidth_sun") + costs.bandwidth,
            cost_sweep_sun=F("cost_sweep_sun") + costs.sweep,
        )
    audit_log(
        actor=ACTOR,
        action="sweep.completed" if completed else "sweep.costed",
        target=sweep,
        client_id=sweep.client_id,
        data={"txid": sweep.txid, "cost_sun": sweep.cost_total_sun},
    )
    if completed:
        sweep_event_publish(sweep=sweep, what="completed")
