"""One pass of the sweeper (the periodic task, and ``manage.py sweep``): catch up on
sweeps a crash left behind, complete the final ones with their costs, look at the due
addresses, and send hot wallets' excess to cold. Every step re-reads the database and
records under row locks, so a pass run twice, or two at once, sweeps each address once.
Network reads happen outside database transactions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from gateway.sweeps.costs import sweep_complete
from gateway.sweeps.limits import sweep_limits
from gateway.sweeps.models import Sweep, SweepAddress, SweepSettings, SweepStatus
from gateway.sweeps.planning import Outcome, hot_wallet_excess_check, sweep_address_check
from gateway.sweeps.services import sweeps_follow_ended, sweeps_send_ready
from lucid_payments.core.errors import ApplicationError
from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.node import TronNode, get_node
from wallets.models.wallets import Wallet, WalletKind

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class SweepPass:
    followed: int = 0  # sweeps brought up to their transaction's end
    sent: int = 0  # funding sweeps whose energy was ready, sent
    completed: int = 0
    looked_at: int = 0  # due addresses read
    started: int = 0
    failed: int = 0
    excess: int = 0  # excess sweeps to cold wallets started


def sweeps_run(
    *, node: TronNode | None = None, limit: int = 200, progress: Progress | None = None
) -> SweepPass:
    """One pass (see the module); ``limit`` bounds the due addresses read per pass."""
    node = node or get_node()
    say = progress or (lambda _: None)
    result = SweepPass(followed=sweeps_follow_ended(), sent=sweeps_send_ready())
    ended = Sweep.objects.filter(
        Q(status=SweepStatus.SENDING, final_at__isnull=False) | Q(status=SweepStatus.FAILED),
        costed_at__isnull=True,
    )
    for sweep_id in ended.values_list("pk", flat=True):
        result.completed += sweep_complete(sweep_id=sweep_id, node=node)
    say(f"caught up: {result.followed} followed, {result.sent} sent, {result.completed} completed")
    due = SweepAddress.objects.filter(network=settings.TRON_NETWORK, due=True)
    rows = list(due.order_by("due_since", "id")[:limit])
    for number, row in enumerate(rows, start=1):
        outcome = _check(row, node)
        result.looked_at += 1
        result.started += outcome == Outcome.STARTED
        result.failed += outcome == Outcome.FAILED
        if number % 20 == 0 or number == len(rows):
            say(f"addresses: {number}/{len(rows)} looked at, {result.started} sweeps started")
    for client_id in _capped_clients():
        try:
            result.excess += len(hot_wallet_excess_check(client_id=client_id, node=node))
        except ApplicationError as exc:  # the node refused, the balance moved meanwhile
            logger.warning("excess sweep of client %s not started: %s", client_id, exc)
    say(f"hot wallets over their cap: {result.excess} excess sweeps started")
    return result


def _check(row: SweepAddress, node: TronNode) -> Outcome:
    try:
        return sweep_address_check(row=row, node=node)
    except ApplicationError as exc:  # one address's trouble must not stop the others
        logger.warning("sweep of %s not started: %s", row.address, exc)
        return Outcome.WAITING


def _capped_clients() -> list[int]:
    """Clients with a hot wallet whose cap (their own or the default) is set."""
    with_hot = set(
        Wallet.objects.filter(
            kind=WalletKind.HOT, network=settings.TRON_NETWORK, client__isnull=False
        ).values_list("client_id", flat=True)
    )
    if settings.SWEEP_HOT_CAP_TRX_SUN > 0 or settings.SWEEP_HOT_CAP_USDT_UNITS > 0:
        candidates = with_hot
    else:
        candidates = with_hot & set(SweepSettings.objects.values_list("client_id", flat=True))
    return sorted(
        client_id
        for client_id in candidates
        if client_id is not None
        and any(sweep_limits(client_id=client_id, asset=a).hot_cap > 0 for a in Asset)
    )
