"""Accepting and cancelling payouts.

``payout_create`` decides the route (``kyc`` for a customer with an approved, unexpired
KYC, else ``v0``), reads what the node says the transaction should cost (outside any
database transaction), then, in one transaction: checks the limits under a lock per
customer and per destination, holds the amount and the client's payout fee on the funding
balance, records the payout and its events. Above the client's approval threshold it
waits for operators (``payouts.approvals``); otherwise it is queued and the worker sends
it (``payouts.sending``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Required, TypedDict, Unpack

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from lucid_payments.accounts.models import Client, Customer
from lucid_payments.accounts.selectors import customer_is_kyc_verified
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, Forbidden, Unprocessable
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset
from payouts.api.serializers import payout_output
from payouts.chain_reads import CostEstimator, network_cost_estimate
from payouts.events import payout_event_publish
from payouts.ledger import payout_hold, payout_release
from payouts.limits import payout_limits_check, payout_limits_lock
from payouts.models import (
    CANCELLABLE_STATUSES,
    REFERENCE_PREFIX,
    Payout,
    PayoutFunding,
    PayoutRoute,
    PayoutStatus,
    new_payout_id,
)
from payouts.policy import ClientPayoutPolicy, client_payout_policy
from payouts.queue import payout_send_enqueue
from payouts.selectors import payout_hot_wallet
from wallets.custody import custody_owner


def payout_route(*, customer: Customer, now: datetime | None = None) -> PayoutRoute:
    """``kyc`` when the customer has an approved, unexpired KYC verification, else ``v0``."""
    if customer_is_kyc_verified(customer=customer, now=now):
        return PayoutRoute.KYC
    return PayoutRoute.V0


def _reference_taken(client_id: int, reference: str) -> Conflict:
    return Conflict(
        f"You already have a payout with reference {reference!r}.",
        code="reference_in_use",
        fields={"reference": ["Already used by another payout."]},
    )


@dataclass(frozen=True)
class CreatedPayout:
    payout: Payout
    # The payout as the API shows it, built once: the created event's data and the answer.
    body: dict[str, Any]


class PayoutWanted(TypedDict, total=False):
    """What a caller asks of a payout: the parameters of ``payout_create`` and
    ``payout_prepare`` (which see)."""

    client: Required[Client]
    customer: Required[Customer]
    destination: Required[str]
    asset: Required[Asset]
    amount: Required[int]
    reference: Required[str]
    metadata: dict[str, Any] | None
    funding: PayoutFunding
    now: datetime | None
    route: PayoutRoute | None


def payout_create(*, actor: AuditActor, **wanted: Unpack[PayoutWanted]) -> CreatedPayout:
    """Accept a payout of ``amount`` (base units of ``asset``) to ``destination``.

    Refuses (and changes nothing): a blocked customer (403 ``customer_blocked``), an
    amount over the route's limits (403 ``kyc_required`` on V0, ``limit_exceeded`` on
    KYC), a used reference (409 ``reference_in_use``), a client without a hot wallet for
    a destination outside custody (422 ``no_hot_wallet``), a funding balance short of the
    amount plus the fee (422 ``insufficient_funds``). Call it outside any transaction: it
    asks the node for the cost estimate first. ``route``: what ``payout_route`` answered
    the caller, which checked its permission (found again when not given).
    """
    payout = payout_prepare(**wanted)
    with transaction.atomic():
        return payout_record(payout, actor=actor, now=wanted.get("now"))


def payout_prepare(
    *,
    client: Client,
    customer: Customer,
    destination: str,
    asset: Asset,
    amount: int,
    reference: str,
    metadata: dict[str, Any] | None = None,
    funding: PayoutFunding = PayoutFunding.CLIENT,
    now: datetime | None = None,
    estimate: CostEstimator = network_cost_estimate,
    route: PayoutRoute | None = None,
) -> Payout:
    """The checks of ``payout_create`` that need no lock, and the node's cost estimate
    (``estimate``; a batch passes a memo of it): an unsaved payout for ``payout_record``.
    Outside any transaction."""
    if customer.client_id != client.pk:
        raise Forbidden("The customer belongs to another client.", code="customer_not_found")
    if customer.status != Customer.Status.ACTIVE:
        raise Forbidden("The customer is blocked.", code="customer_blocked")
    if Payout.objects.filter(client=client, reference=reference).exists():
        raise _reference_taken(client.pk, reference)
    network = settings.TRON_NETWORK
    route = route or payout_route(customer=customer, now=now)
    internal = custody_owner(destination, network=network) is not None
    cost: int | None = 0
    if not internal:
        wallet = payout_hot_wallet(client_id=client.pk)
        if wallet is None:
            raise Unprocessable(
                "Payouts are sent from your hot wallet; create one and fund it first.",
                code="no_hot_wallet",
            )
        cost = estimate(asset=asset, sender=wallet.address, destination=destination, amount=amount)
    public_id = new_payout_id()
    return Payout(
        public_id=public_id,
        client=client,
        customer=customer,
        network=network,
        destination=destination,
        asset=asset,
        amount=amount,
        reference=reference,
        metadata=metadata or {},
        funding=funding,
        route=route,
        internal=internal,
        ledger_reference=f"{REFERENCE_PREFIX}{public_id}",
        network_cost_estimate_sun=cost,
    )


def payout_record(
    payout: Payout,
    *,
    actor: AuditActor,
    now: datetime | None,
    scheduled: bool = False,
    policy: ClientPayoutPolicy | None = None,
) -> CreatedPayout:
    """Check the limits under the locks, hold, save, audit and publish a prepared payout,
    inside the caller's transaction. ``scheduled``: a batch item that waits (held) for its
    batch's release instead of being queued now; approvals come first all the same.
    ``policy``: the client's, read once for many payouts (a batch)."""
    policy = policy or client_payout_policy(payout.client_id)
    payout_limits_lock(
        client_id=payout.client_id, customer_id=payout.customer_id, destination=payout.destination
    )
    asset = Asset(payout.asset)
    payout_limits_check(
        client_id=payout.client_id,
        customer_id=payout.customer_id,
        route=PayoutRoute(payout.route),
        asset=asset,
        destination=payout.destination,
        amount=payout.amount,
        now=now,
        policy=policy,
    )
    terms = policy.for_asset(asset)
    payout.fee = terms.fee
    payout.approvals_required = terms.approvals_required(payout.amount)
    payout.status = (
        PayoutStatus.AWAITING_APPROVAL
        if payout.approvals_required
        else PayoutStatus.SCHEDULED
        if scheduled
        else PayoutStatus.QUEUED
    )
    try:
        with transaction.atomic():  # a concurrent twin's reference must not abort us blindly
            payout.save(force_insert=True)
    except IntegrityError as exc:
        if Payout.objects.filter(client_id=payout.client_id, reference=payout.reference).exists():
            raise _reference_taken(payout.client_id, payout.reference) from exc
        raise
    idempotency_effect(payout)
    audit_log(
        actor=actor,
        action="payout.created",
        target=payout,
        client_id=payout.client_id,
        data={
            "payout": payout.public_id,
            "asset": payout.asset,
            "amount": payout.amount,
            "fee": payout.fee,
            "to": payout.destination,
            "route": payout.route,
            "funding": payout.funding,
        },
    )
    body = payout_output(payout, approvals=0)
    payout_event_publish(payout=payout, what="created", data=body)
    if payout.status == PayoutStatus.AWAITING_APPROVAL:
        payout_event_publish(payout=payout, what="awaiting_approval", data=body)
    elif payout.status == PayoutStatus.QUEUED:
        payout_send_enqueue(payout.pk)
    # Last: the hold locks the funding balance, which every payout of that client (or
    # customer) needs, until commit. Taken here, the others wait for the hold and the
    # commit only, not for the audit row and events too; a refused hold rolls all back.
    payout_hold(payout)
    return CreatedPayout(payout, body)


@transaction.atomic
def payout_cancel(*, payout: Payout, actor: AuditActor) -> Payout:
    """Cancel a payout that is not sent yet (scheduled, awaiting approval or queued; else 409
    ``payout_not_cancellable``): the amount and fee are available again."""
    locked = Payout.objects.select_for_update().get(pk=payout.pk)
    if locked.status not in CANCELLABLE_STATUSES:
        raise Conflict(
            f"The payout is {locked.status}: only a payout scheduled, awaiting approval or "
            "queued can be cancelled.",
            code="payout_not_cancellable",
        )
    previous = locked.status
    payout_release(locked, why="payout cancelled", data={"payout": locked.public_id})
    locked.status = PayoutStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.delayed_since = None
    locked.save(update_fields=["status", "cancelled_at", "delayed_since", "updated_at"])
    audit_log(
        actor=actor,
        action="payout.cancelled",
        target=locked,
        client_id=locked.client_id,
        data={"from": previous},
    )
    payout_event_publish(payout=locked, what="cancelled")
    return locked
