"""An invoice's status and exception, decided from its payments (pure: no database).

The rules, in one place:
- Payments that count: final ones under the ``final`` speed policy, every live one (seen
  or final, not dropped) under ``seen``. Payments seen after the monitoring window never
  count: they are credited to the client, and the invoice no longer changes.
- Paid when what counts reaches the amount less the tolerance (a top-up invoice: any
  amount). Paid after expiry is ``paid_late``; paid with more than the amount is
  ``overpaid`` (a late overpayment stays ``paid_late``: ``paid_amount`` shows the excess).
- Processing while a live payment is not enough or not final yet; invalid when every
  payment seen was dropped by a fork.
- Expired at ``expires_at`` unless what is in flight already covers the amount; the
  exception is ``underpaid`` when something arrived, but not enough.
- Cancelled is final: later payments are credited and listed, nothing else changes. So
  is an operator's mark (exception ``marked``): a payment that completes or drops later
  does not undo what the operator decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gateway.invoices.models import InvoiceException, InvoiceStatus, PaymentStatus, SpeedPolicy


@dataclass(frozen=True)
class PaymentFacts:
    amount: int
    status: str  # PaymentStatus
    after_monitoring: bool


@dataclass(frozen=True)
class Totals:
    live: int  # seen or final, not dropped
    final: int
    counted: int
    any_dropped: bool


def totals(payments: Sequence[PaymentFacts], *, speed_policy: str) -> Totals:
    relevant = [p for p in payments if not p.after_monitoring]
    live = sum(p.amount for p in relevant if p.status != PaymentStatus.DROPPED)
    final = sum(p.amount for p in relevant if p.status == PaymentStatus.FINAL)
    return Totals(
        live=live,
        final=final,
        counted=live if speed_policy == SpeedPolicy.SEEN else final,
        any_dropped=any(p.status == PaymentStatus.DROPPED for p in relevant),
    )


def required(amount: int | None, tolerance: int) -> int:
    """What must arrive for the invoice to be paid (at least one base unit)."""
    return 1 if amount is None else max(amount - tolerance, 1)


def next_state(
    *,
    status: str,
    exception: str,
    amount: int | None,
    tolerance: int,
    sums: Totals,
) -> tuple[str, str]:
    """(status, exception) after the payments changed."""
    if status == InvoiceStatus.CANCELLED or exception == InvoiceException.MARKED:
        return status, exception
    if sums.counted >= required(amount, tolerance):
        if status == InvoiceStatus.EXPIRED or exception == InvoiceException.PAID_LATE:
            return InvoiceStatus.PAID, InvoiceException.PAID_LATE
        overpaid = amount is not None and sums.counted > amount
        return InvoiceStatus.PAID, InvoiceException.OVERPAID if overpaid else InvoiceException.NONE
    if sums.live > 0:
        if status == InvoiceStatus.EXPIRED:
            return status, _expired_exception(amount, tolerance, sums)
        return InvoiceStatus.PROCESSING, InvoiceException.NONE
    if sums.any_dropped and status in (InvoiceStatus.PROCESSING, InvoiceStatus.PAID):
        return InvoiceStatus.INVALID, InvoiceException.NONE
    if status == InvoiceStatus.EXPIRED:
        return status, _expired_exception(amount, tolerance, sums)
    return status, exception


def expiry_state(*, amount: int | None, tolerance: int, sums: Totals) -> tuple[str, str] | None:
    """(status, exception) of an open invoice reaching its expiry, or None when it stays
    open because the payments in flight already cover it (it is paid when they are final)."""
    if sums.live >= required(amount, tolerance):
        return None
    return InvoiceStatus.EXPIRED, _expired_exception(amount, tolerance, sums)


def _expired_exception(amount: int | None, tolerance: int, sums: Totals) -> str:
    if 0 < sums.live < required(amount, tolerance):
        return InvoiceException.UNDERPAID
    return InvoiceException.NONE
