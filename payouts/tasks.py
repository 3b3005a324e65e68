"""django-q entry points of the payout router (thin: each calls one service)."""

from __future__ import annotations

from payouts.sending import payout_send, payouts_resume


def payout_send_task(payout_id: int) -> str:
    return payout_send(payout_id=payout_id)


def payouts_resume_task() -> int:
    return payouts_resume()
