"""Payouts, the operators' approvals of them, and each client's payout settings.

Amounts are integer base units of the payout's asset; network costs are SUN (every cost
of a TRON transaction is paid in TRX).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from lucid_payments.core.money import Asset
from lucid_payments.core.public_ids import public_id

PAYOUT_ID_PREFIX = "po"
# A payout's ledger holds and its outgoing transaction are named "payout:<public id>".
REFERENCE_PREFIX = "payout:"


def new_payout_id() -> str:
    return public_id(PAYOUT_ID_PREFIX)


class PayoutStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"  # held; in a batch released at the next boundary
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"  # held; operators decide
    QUEUED = "queued", "Queued"  # held; waits for the worker (or for a refilled hot wallet)
    SENDING = "sending", "Sending"  # its transaction is recorded (or waits for energy)
    CONFIRMED = "confirmed", "Confirmed"  # final on chain (or booked internally); settled
    FAILED = "failed", "Failed"  # the transaction failed; the hold released
    CANCELLED = "cancelled", "Cancelled"  # by the client, or rejected by an operator


# Statuses whose amount counts against the limits: the money is, or will be, on its way.
COUNTED_STATUSES = (
    PayoutStatus.SCHEDULED,
    PayoutStatus.AWAITING_APPROVAL,
    PayoutStatus.QUEUED,
    PayoutStatus.SENDING,
    PayoutStatus.CONFIRMED,
)
CANCELLABLE_STATUSES = (
    PayoutStatus.SCHEDULED,
    PayoutStatus.AWAITING_APPROVAL,
    PayoutStatus.QUEUED,
)
ENDED_STATUSES = (PayoutStatus.CONFIRMED, PayoutStatus.FAILED, PayoutStatus.CANCELLED)


class PayoutRoute(models.TextChoices):
    V0 = "v0", "V0 (no KYC)"
    KYC = "kyc", "KYC (approved, unexpired verification)"


class PayoutFunding(models.TextChoices):
    CLIENT = "client", "The client's available balance"
    CUSTOMER = "customer", "The customer's available balance"


class Payout(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_payout_id, editable=False)
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, related_name="payouts"
    )
    network = models.CharField(max_length=16)
    destination = models.CharField(max_length=34, help_text="base58check TRON address")
    asset = models.CharField(max_length=8, choices=Asset.choices)
    amount = models.BigIntegerField(help_text="base units of the asset")
    fee = models.BigIntegerField(
        default=0, help_text="the client's payout fee, same asset, held and taken with the amount"
    )
    reference = models.CharField(max_length=128, help_text="the client's own, unique per client")
    metadata = models.JSONField(default=dict, blank=True)
    funding = models.CharField(
        max_length=16, choices=PayoutFunding.choices, default=PayoutFunding.CLIENT
    )
    route = models.CharField(max_length=8, choices=PayoutRoute.choices)
    status = models.CharField(max_length=24, choices=PayoutStatus.choices)
    approvals_required = models.PositiveSmallIntegerField(
        default=0, help_text="0, 1, or 2 (four eyes): distinct operators with the permission"
    )
    internal = models.BooleanField(
        default=False,
        help_text="The destination is in our custody: booked on the ledger, no transaction",
    )
    # The ledger hold's (and, for a chain payout, the outgoing transaction's) reference.
    ledger_reference = models.CharField(max_length=120, unique=True)
    network_cost_estimate_sun = models.BigIntegerField(
        null=True, blank=True, help_text="what the transaction should burn (SUN), if known"
    )
    fee_limit_sun = models.BigIntegerField(default=0, help_text="USDT only: the call's fee_limit")
    sender = models.CharField(max_length=34, blank=True, help_text="the hot wallet it left from")
    energy_mode = models.CharField(max_length=16, blank=True)
    outgoing_id = models.BigIntegerField(null=True, blank=True, unique=True)
    txid = models.CharField(max_length=64, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.TextField(blank=True)
    rejection_reason = models.TextField(blank=True)
    # While the hot wallet is short: when this delay began (null when not delayed), and
    # how many delays there were (each publishes payout.delayed once).
    delayed_since = models.DateTimeField(null=True, blank=True)
    delay_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        permissions = [("approve_payout", "Can approve or reject payouts")]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "reference"], name="payout_reference_unique_per_client"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="payout_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(approvals_required__lte=2), name="payout_at_most_two_approvals"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-id"], name="payout_client_newest"),
            models.Index(fields=["customer", "created_at"], name="payout_customer_window"),
            models.Index(
                fields=["client", "destination", "created_at"], name="payout_destination_window"
            ),
            models.Index(fields=["status"], name="payout_status"),
        ]

    def __str__(self) -> str:
        return self.public_id


class PayoutApproval(models.Model):
    """One operator's approval of a payout. Four eyes: one row per operator and payout."""

    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="approvals")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["payout", "operator"], name="payout_approval_once_per_operator"
            )
        ]

    def __str__(self) -> str:
        return f"approval of {self.payout_id} by {self.operator_id}"


class PayoutSettings(models.Model):
    """A client's payout settings; an empty field takes the platform default (the
    ``PAYOUT_*`` settings). Amounts are base units (μUSDT, SUN)."""

    client = models.OneToOneField(
        "accounts.Client", on_delete=models.CASCADE, related_name="payout_settings"
    )
    fee_usdt = models.BigIntegerField(default=0, help_text="payout fee per USDT payout (μUSDT)")
    fee_trx = models.BigIntegerField(default=0, help_text="payout fee per TRX payout (SUN)")
    approval_threshold_usdt = models.BigIntegerField(
        null=True, blank=True, help_text="USDT payouts above this wait for an operator"
    )
    approval_threshold_trx = models.BigIntegerField(null=True, blank=True)
    four_eyes_threshold_usdt = models.BigIntegerField(
        null=True, blank=True, help_text="USDT payouts above this need two operators"
    )
    four_eyes_threshold_trx = models.BigIntegerField(null=True, blank=True)
    v0_per_payout_usdt = models.BigIntegerField(null=True, blank=True)
    v0_daily_usdt = models.BigIntegerField(null=True, blank=True)
    kyc_per_payout_usdt = models.BigIntegerField(null=True, blank=True)
    kyc_daily_usdt = models.BigIntegerField(null=True, blank=True)
    v0_per_payout_trx = models.BigIntegerField(null=True, blank=True)
    v0_daily_trx = models.BigIntegerField(null=True, blank=True)
    kyc_per_payout_trx = models.BigIntegerField(null=True, blank=True)
    kyc_daily_trx = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "payout settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(fee_usdt__gte=0, fee_trx__gte=0), name="payout_settings_fee_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"payout settings of client {self.client_id}"


# Batches of payouts live in their own module; imported here so Django registers them.
from payouts.batch_models import PayoutBatch, PayoutBatchItem  # noqa: E402, F401
