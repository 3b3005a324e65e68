"""Book transfers between a client and its own customers: ledger money changes owner,
nothing moves on chain (the funds stay where they are in custody).

One transfer is one journal entry (``ledger_transfer``: the payer's available balance to
the payee's, under the accounts' row locks), its ``LedgerTransfer`` row, an audit row and
the ``ledger_transfer.created`` event, all in one database transaction. The client's
``reference`` makes it idempotent: the same reference with the same body answers the
transfer already booked, with another body it is a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from lucid_payments.accounts.models import Client, Customer
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset
from lucid_payments.events.services import event_publish
from wallets.api.ledger_transfer_serializers import ledger_transfer_output
from wallets.errors import LedgerConflict
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_transfer
from wallets.models.ledger_transfers import LedgerTransfer

# The journal entry's reference: unique on the whole ledger, so it names the client.
LEDGER_REFERENCE_PREFIX = "ledger-transfer:"


class LedgerTransferReferenceReused(Conflict):
    default_code = "ledger_transfer_reference_reused"


@dataclass(frozen=True)
class BookTransfer:
    """What a client asks for: ``from_customer`` pays (``None``: the client pays) and
    ``to_customer`` is credited (``None``: the client is)."""

    from_customer: Customer | None
    to_customer: Customer | None
    asset: Asset
    amount: int
    reference: str
    description: str = ""


def _owner(client: Client, customer: Customer | None) -> LedgerOwner:
    if customer is None:
        return LedgerOwner.client(client.pk)
    return LedgerOwner.customer(customer.pk, client_id=client.pk)


def _check_parties(client: Client, wanted: BookTransfer) -> None:
    customers = [c for c in (wanted.from_customer, wanted.to_customer) if c is not None]
    if len(customers) != 1:
        raise InvalidInput(
            "A book transfer is between you and one of your customers: exactly one side "
            'is {"type": "customer"}.',
            code="invalid_transfer_parties",
        )
    if any(c.client_id != client.pk for c in customers):  # callers look customers up scoped
        raise NotFound("No such customer.", code="customer_not_found")
    payer = wanted.from_customer
    if payer is not None and payer.status != Customer.Status.ACTIVE:
        raise Forbidden("The paying customer is blocked.", code="customer_blocked")


def _same_request(transfer: LedgerTransfer, wanted: BookTransfer) -> bool:
    return (
        transfer.from_customer_id == (wanted.from_customer.pk if wanted.from_customer else None)
        and transfer.to_customer_id == (wanted.to_customer.pk if wanted.to_customer else None)
        and transfer.asset == wanted.asset
        and transfer.amount == wanted.amount
        and transfer.description == wanted.description
    )


def _replay(client: Client, wanted: BookTransfer) -> LedgerTransfer | None:
    existing = LedgerTransfer.objects.filter(client=client, reference=wanted.reference).first()
    if existing is None:
        return None
    if not _same_request(existing, wanted):
        raise LedgerTransferReferenceReused(
            f"The reference {wanted.reference!r} is already used by transfer "
            f"{existing.public_id} with other details.",
            fields={"reference": ["Already used by another transfer."]},
        )
    return existing


@transaction.atomic
def ledger_transfer_create(
    *, client: Client, wanted: BookTransfer, actor: AuditActor
) -> tuple[LedgerTransfer, bool]:
    """Book ``wanted`` for ``client``; returns (transfer, created).

    Raises ``InsufficientFunds`` (nothing written) when the payer's available balance is
    short, ``LedgerTransferReferenceReused`` when the reference names another transfer.
    """
    _check_parties(client, wanted)
    existing = _replay(client, wanted)
    if existing is not None:
        return existing, False
    # A concurrent twin with the same reference waits on the client's account lock inside
    # ledger_transfer (the client is always one side) and then finds the entry booked:
    # returned, not booked again, when its postings are the same; refused otherwise.
    try:
        entry = ledger_transfer(
            source=_owner(client, wanted.from_customer),
            destination=_owner(client, wanted.to_customer),
            asset=wanted.asset,
            amount=wanted.amount,
            reference=f"{LEDGER_REFERENCE_PREFIX}{client.pk}:{wanted.reference}",
            description=wanted.description or "book transfer",
        )
    except LedgerConflict as exc:
        raise LedgerTransferReferenceReused(
            f"The reference {wanted.reference!r} was used by a concurrent transfer.",
            fields={"reference": ["Already used by another transfer."]},
        ) from exc
    try:
        with transaction.atomic():
            transfer = LedgerTransfer.objects.create(
                client=client,
                from_customer=wanted.from_customer,
                to_customer=wanted.to_customer,
                asset=wanted.asset,
                amount=wanted.amount,
                reference=wanted.reference,
                description=wanted.description,
                entry=entry,
            )
            idempotency_effect(transfer)
    except IntegrityError as exc:
        # The twin that booked this entry committed its row while we waited on its locks.
        existing = _replay(client, wanted)
        if existing is not None:
            return existing, False
        raise LedgerTransferReferenceReused(
            f"The reference {wanted.reference!r} was used by a concurrent transfer.",
            fields={"reference": ["Already used by another transfer."]},
        ) from exc
    audit_log(
        actor=actor,
        action="ledger_transfer.created",
        target=transfer,
        data={"id": transfer.public_id, "amount": transfer.amount, "asset": transfer.asset},
        client_id=client.pk,
    )
    event_publish(
        type="ledger_transfer.created",
        client_id=client.pk,
        object_id=transfer.public_id,
        data=ledger_transfer_output(transfer),
        key=f"ledger_transfer.created:{transfer.public_id}",
    )
    return transfer, True
