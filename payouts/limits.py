"""Payout limits: per payout, and per rolling 24 hours for one customer and for one
destination address across all the client's customers (so one withdrawal split across
several customers to the same address is counted as one).

Every payout that is not failed or cancelled counts, whatever its route. A V0 payout over
a V0 limit is refused with ``kyc_required`` (verifying the customer raises the limits), a
KYC payout over its limits with ``limit_exceeded``; both say what may still be sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from lucid_payments.core.errors import Forbidden
from lucid_payments.core.money import Asset, format_amount
from payouts.models import COUNTED_STATUSES, Payout, PayoutRoute
from payouts.policy import ClientPayoutPolicy, RouteLimits, client_payout_policy

WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Allowance:
    """What one customer may still send on one route in one asset (base units)."""

    route: PayoutRoute
    asset: Asset
    limits: RouteLimits
    customer_used: int  # in the last 24 h
    destination_used: int | None  # to the destination, across customers; None: not asked
    remaining: int  # the largest payout accepted now

    def explain(self) -> str:
        return (
            f"{self.route.upper()} payouts of {self.asset.value} are limited to "
            f"{format_amount(self.limits.per_payout, self.asset)} per payout and "
            f"{format_amount(self.limits.daily, self.asset)} per 24 h, per customer and per "
            f"destination address; at most {format_amount(self.remaining, self.asset)} "
            f"{self.asset.value} can still be sent now."
        )


def _used(payouts: object) -> int:
    total = payouts.aggregate(total=Sum("amount"))["total"]  # type: ignore[attr-defined]
    return int(total or 0)


def payout_allowance(
    *,
    client_id: int,
    customer_id: int,
    route: PayoutRoute,
    asset: Asset,
    destination: str | None = None,
    now: datetime | None = None,
    policy: ClientPayoutPolicy | None = None,
) -> Allowance:
    """What ``customer_id`` may still send on ``route`` (to ``destination`` when given).
    ``policy``: the client's, when the caller has read it already."""
    limits = (policy or client_payout_policy(client_id)).limits(route, asset)
    since = (now or timezone.now()) - WINDOW
    counted = Payout.objects.filter(
        client_id=client_id, asset=asset, status__in=COUNTED_STATUSES, created_at__gt=since
    )
    if destination is None:
        customer_used, destination_used = _used(counted.filter(customer_id=customer_id)), None
    else:  # both sums in one statement
        mine, theirs = Q(customer_id=customer_id), Q(destination=destination)
        used = counted.filter(mine | theirs).aggregate(
            customer=Sum("amount", filter=mine), destination=Sum("amount", filter=theirs)
        )
        customer_used, destination_used = int(used["customer"] or 0), int(used["destination"] or 0)
    remaining = min(limits.per_payout, limits.daily - customer_used)
    if destination_used is not None:
        remaining = min(remaining, limits.daily - destination_used)
    return Allowance(route, asset, limits, customer_used, destination_used, max(0, remaining))


def payout_limits_lock(*, client_id: int, customer_id: int, destination: str) -> None:
    """Serialize the limit checks of one customer and of one destination until the
    caller's transaction ends, so two concurrent payouts cannot both fit in what is left.
    Always customer first, then destination: no two checks wait for each other in a
    circle."""
    _advisory_locks([f"customer:{customer_id}", f"destination:{client_id}:{destination}"])


def payout_limits_lock_many(*, client_id: int, pairs: Iterable[tuple[int, str]]) -> None:
    """The locks of many (customer, destination) pairs at once (a batch): every customer
    first, then every destination, each group sorted, so a batch and a single payout (or
    two batches) never wait for each other in a circle. Taken again per item, they are
    already held (PostgreSQL's advisory locks are re-entrant)."""
    wanted = list(pairs)
    customers = sorted({customer for customer, _ in wanted})
    destinations = sorted({destination for _, destination in wanted})
    _advisory_locks(
        [f"customer:{customer}" for customer in customers]
        + [f"destination:{client_id}:{destination}" for destination in destinations]
    )


def payout_sender_lock(*, sender: str, asset: str) -> None:
    """Serialize the starts of one hot wallet's payouts of ``asset`` until the caller's
    transaction ends: each starts against what the others already in flight will take.
    Taken alone (no limit lock is held while a payout starts)."""
    _advisory_locks([f"sender:{sender}:{asset}"])


def _advisory_locks(names: list[str]) -> None:
    with connection.cursor() as cursor:
        for name in names:
            digest = hashlib.sha256(f"payout-limit\0{name}".encode()).digest()
            lock_id = int.from_bytes(digest[:8], "big", signed=True)
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def payout_limits_check(
    *,
    client_id: int,
    customer_id: int,
    route: PayoutRoute,
    asset: Asset,
    destination: str,
    amount: int,
    now: datetime | None = None,
    policy: ClientPayoutPolicy | None = None,
) -> None:
    """Refuse ``amount`` if it is over what the route still allows (403)."""
    allowance = payout_allowance(
        client_id=client_id,
        customer_id=customer_id,
        route=route,
        asset=asset,
        destination=destination,
        now=now,
        policy=policy,
    )
    if amount <= allowance.remaining:
        return
    still = f"At most {format_amount(allowance.remaining, asset)} {asset.value} now."
    if route == PayoutRoute.V0:
        raise Forbidden(
            f"Over the V0 limits: {allowance.explain()} An approved KYC verification of the "
            "customer raises them.",
            code="kyc_required",
            fields={"amount": [still]},
        )
    raise Forbidden(
        f"Over the KYC limits: {allowance.explain()}",
        code="limit_exceeded",
        fields={"amount": [still]},
    )
