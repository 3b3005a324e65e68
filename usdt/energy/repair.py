"""Delegations never leak: the periodic repair of whatever a crash or a failure left open.

Network reads happen outside any database transaction; each change is made under the
delegation's row lock after re-checking its state, so two repairs at once (or a repair
racing the hooks) reclaim a delegation once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lucid_payments.tron.adapter.delegation import delegation_receivers, delegations
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.outgoing.hooks import OutgoingStatus
from lucid_payments.tron.selectors import outgoing_by_reference, outgoing_get
from usdt.energy.policy import energy_release, reclaim
from usdt.energy.wallet import energy_wallet_get
from usdt.models import OPEN_DELEGATION_STATUSES, DelegationStatus, EnergyDelegation

logger = logging.getLogger(__name__)
ENDED = (OutgoingStatus.FINAL, OutgoingStatus.FAILED)
# A delegation reclaimed this recently may still show on a node read a moment earlier.
RECENTLY_FINISHED = timedelta(minutes=5)


@dataclass
class RepairReport:
    released: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    confirmed_gone: list[int] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)


def energy_delegations_repair(
    *, now: datetime | None = None, node: TronNode | None = None
) -> RepairReport:
    """Reclaim delegations whose send ended or that are older than the bound, retry failed
    reclaims, and undelegate anything on chain no open record explains. Safe to run twice."""
    now = now or timezone.now()
    node = node or get_node()
    network = settings.TRON_NETWORK
    report = RepairReport()
    _release_ended_or_old(network, now, report)
    _retry_failed_reclaims(network, node, report)
    _reclaim_orphans(network, node, now, report)
    if report.released or report.retried or report.orphans:
        logger.warning("energy repair: %s", report)
    return report


def _release_ended_or_old(network: str, now: datetime, report: RepairReport) -> None:
    bound = now - timedelta(seconds=settings.ENERGY_DELEGATION_MAX_AGE_S)
    for delegation in EnergyDelegation.objects.filter(
        network=network, status=DelegationStatus.DELEGATED
    ):
        send = outgoing_by_reference(network=network, reference=delegation.purpose)
        ended = send is not None and send.status in ENDED
        started = delegation.delegated_at or delegation.created_at
        if ended or started <= bound:
            energy_release(
                purpose=delegation.purpose, send_txid=send.txid if send and ended else ""
            )
            report.released.append(delegation.pk)


def _retry_failed_reclaims(network: str, node: TronNode, report: RepairReport) -> None:
    for delegation in EnergyDelegation.objects.filter(
        network=network, status=DelegationStatus.RECLAIMING
    ).select_related("energy_wallet"):
        last = (
            outgoing_get(outgoing_id=delegation.reclaim_outgoing_id)
            if delegation.reclaim_outgoing_id
            else None
        )
        if last is not None and last.status != OutgoingStatus.FAILED:
            continue  # on its way (or done: the hook records it)
        on_chain = delegations(
            node, source=delegation.energy_wallet.address, receiver=delegation.receiver
        ).energy_sun
        with transaction.atomic():
            locked = (
                EnergyDelegation.objects.select_for_update()
                .select_related("energy_wallet")
                .get(pk=delegation.pk)
            )
            if (
                locked.status != DelegationStatus.RECLAIMING
                or locked.reclaim_outgoing_id != delegation.reclaim_outgoing_id
            ):
                continue  # someone else moved it meanwhile
            if on_chain == 0:
                locked.status = DelegationStatus.RECLAIMED
                locked.finished_at = timezone.now()
                locked.save(update_fields=["status", "finished_at", "updated_at"])
                report.confirmed_gone.append(locked.pk)
            else:
                reclaim(locked, amount_sun=min(locked.amount_sun, on_chain))
                report.retried.append(locked.pk)


def _reclaim_orphans(network: str, node: TronNode, now: datetime, report: RepairReport) -> None:
    wallet = energy_wallet_get()
    if wallet is None:
        return
    receivers = delegation_receivers(node, wallet.address)
    if not receivers:
        return
    explained = set(
        EnergyDelegation.objects.filter(network=network, receiver__in=receivers)
        .filter(status__in=OPEN_DELEGATION_STATUSES)
        .values_list("receiver", flat=True)
    ) | set(
        EnergyDelegation.objects.filter(
            network=network, receiver__in=receivers, finished_at__gte=now - RECENTLY_FINISHED
        ).values_list("receiver", flat=True)
    )
    for receiver in receivers:
        if receiver in explained:
            continue
        amount = delegations(node, source=wallet.address, receiver=receiver).energy_sun
        if amount <= 0:
            continue
        with transaction.atomic():
            orphan = EnergyDelegation.objects.create(
                network=network,
                energy_wallet=wallet,
                receiver=receiver,
                purpose=f"repair:{receiver}:{uuid.uuid4().hex[:12]}",
                energy=0,
                amount_sun=amount,
                status=DelegationStatus.DELEGATED,
                delegated_at=now,
                release_requested_at=now,
            )
            reclaim(orphan)
        report.orphans.append(receiver)
