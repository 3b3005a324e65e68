"""Book transfers: ledger money moved between a client and one of its customers, with no
chain transaction (a customer paying the client from its balance, the client crediting a
customer). The journal entry is the booking; this row is what the API shows of it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lucid_payments.core.money import Asset
from lucid_payments.core.public_ids import public_id
from wallets.models.ledger import JournalEntry

LEDGER_TRANSFER_ID_PREFIX = "ltr"
LEDGER_TRANSFER_REFERENCE_MAX_LENGTH = 128


def new_ledger_transfer_id() -> str:
    return public_id(LEDGER_TRANSFER_ID_PREFIX)


class LedgerTransferParty(models.TextChoices):
    CLIENT = "client", "Client"
    CUSTOMER = "customer", "Customer"


class LedgerTransfer(models.Model):
    """``amount`` of ``asset`` from one side's available balance to the other's. Exactly
    one side is a customer of ``client``; the other is the client itself."""

    public_id = models.CharField(
        max_length=32, unique=True, default=new_ledger_transfer_id, editable=False
    )
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, related_name="ledger_transfers"
    )
    from_customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The paying customer; empty when the client pays",
    )
    to_customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The credited customer; empty when the client is credited",
    )
    asset = models.CharField(max_length=8, choices=Asset.choices)
    amount = models.BigIntegerField(help_text="Base units of the asset")
    reference = models.CharField(
        max_length=LEDGER_TRANSFER_REFERENCE_MAX_LENGTH,
        help_text="The client's own reference, unique per client",
    )
    description = models.CharField(max_length=255, blank=True)
    entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="ledger_transfer"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "reference"], name="ledger_transfer_reference_unique_per_client"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="ledger_transfer_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(from_customer__isnull=True, to_customer__isnull=False)
                | Q(from_customer__isnull=False, to_customer__isnull=True),
                name="ledger_transfer_one_side_is_a_customer",
            ),
        ]
        indexes = [models.Index(fields=["client", "-id"], name="ledger_transfer_client_idx")]

    def __str__(self) -> str:
        return f"{self.public_id} {self.amount} {self.asset}"
