"""Handing a queued payout to a worker once the transaction that queued it commits."""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def _enqueue(payout_id: int) -> None:
    from django_q.tasks import async_task

    try:
        async_task("payouts.tasks.payout_send_task", payout_id)
    except Exception:  # a broker hiccup must not undo the caller's commit
        logger.exception("could not enqueue payout %s; the resume task will send it", payout_id)


def payout_send_enqueue(payout_id: int) -> None:
    """Send the payout after the caller's transaction commits (never before: a rolled-back
    payout must not be sent). A lost enqueue is caught up by ``payouts_resume``."""
    transaction.on_commit(lambda: _enqueue(payout_id))
