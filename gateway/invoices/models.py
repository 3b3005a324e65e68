"""Invoices, the payments that reach them, refunds, and each client's invoice settings.

Amounts are integer base units of the invoice's asset; costs are SUN (every cost of
collecting a payment on TRON is paid in TRX).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lucid_payments.core.money import Asset
from lucid_payments.core.public_ids import public_id

INVOICE_ID_PREFIX = "inv"
REFUND_ID_PREFIX = "rf"


def new_invoice_id() -> str:
    return public_id(INVOICE_ID_PREFIX)


def new_refund_id() -> str:
    return public_id(REFUND_ID_PREFIX)


class SpeedPolicy(models.TextChoices):
    # Paid when the payments are final (the solidified chain, about a minute).
    FINAL = "final", "Final (solidified)"
    # Paid as soon as the payments are in a block; for small invoices only. The ledger is
    # still credited only when final.
    SEEN = "seen", "Seen (in a block)"


class InvoiceSettings(models.Model):
    """A client's invoice settings (a client without a row gets the defaults)."""

    client = models.OneToOneField(
        "accounts.Client", on_delete=models.CASCADE, related_name="invoice_settings"
    )
    default_expires_in = models.PositiveIntegerField(
        default=15 * 60, help_text="seconds an invoice is payable when the request names none"
    )
    monitoring_window = models.PositiveIntegerField(
        default=24 * 3600, help_text="seconds after expiry that late payments still count"
    )
    tolerance_bps = models.PositiveIntegerField(
        default=0, help_text="underpayment tolerated, in hundredths of a percent of the amount"
    )
    tolerance_trx_sun = models.BigIntegerField(default=0, help_text="and at most this (SUN)")
    tolerance_usdt_units = models.BigIntegerField(default=0, help_text="and at most this (μUSDT)")
    speed_policy = models.CharField(
        max_length=8, choices=SpeedPolicy.choices, default=SpeedPolicy.FINAL
    )
    seen_max_trx_sun = models.BigIntegerField(
        default=0, help_text="the seen policy applies to TRX invoices up to this amount (SUN)"
    )
    seen_max_usdt_units = models.BigIntegerField(
        default=0, help_text="the seen policy applies to USDT invoices up to this amount"
    )
    qr_uri_form = models.BooleanField(
        default=False,
        help_text="QR code as a tron: URI with the amount instead of the bare address "
        "(TronLink's scanner refuses URIs)",
    )

    class Meta:
        verbose_name_plural = "invoice settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(tolerance_bps__lte=10_000), name="invoice_settings_tolerance_bps"
            ),
            models.CheckConstraint(
                condition=Q(tolerance_trx_sun__gte=0, tolerance_usdt_units__gte=0),
                name="invoice_settings_tolerance_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"invoice settings of client {self.client_id}"


class InvoiceStatus(models.TextChoices):
    NEW = "new", "New"
    PROCESSING = "processing", "Processing"
    PAID = "paid", "Paid"
    EXPIRED = "expired", "Expired"
    INVALID = "invalid", "Invalid"
    CANCELLED = "cancelled", "Cancelled"


class InvoiceException(models.TextChoices):
    NONE = "none", "None"
    UNDERPAID = "underpaid", "Underpaid"
    OVERPAID = "overpaid", "Overpaid"
    PAID_LATE = "paid_late", "Paid late"
    # An operator decided the status by hand: the payments no longer change it.
    MARKED = "marked", "Marked by an operator"


class Invoice(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_invoice_id, editable=False)
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    network = models.CharField(max_length=16)
    asset = models.CharField(max_length=8, choices=Asset.choices)
    # Null: a top-up invoice, paid by any amount.
    amount = models.BigIntegerField(null=True, blank=True)
    customer = models.ForeignKey(
        "accounts.Customer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    order_id = models.CharField(max_length=128, blank=True)
    description = models.CharField(max_length=500, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    # An http(s) URL; the API checks it.
    redirect_url = models.CharField(max_length=2000, blank=True)
    # One fresh address per invoice, never reused (one-to-one).
    address = models.OneToOneField(
        "wallets.WalletAddress", on_delete=models.PROTECT, related_name="invoice"
    )
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.NEW
    )
    exception = models.CharField(
        max_length=16, choices=InvoiceException.choices, default=InvoiceException.NONE
    )
    # Fixed at creation from the client's settings, so a later change of the settings does
    # not change what an invoice already shown to a customer asks for.
    speed_policy = models.CharField(max_length=8, choices=SpeedPolicy.choices)
    tolerance = models.BigIntegerField(default=0, help_text="underpayment tolerated (units)")
    paid_amount = models.BigIntegerField(default=0, help_text="final payments (units)")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    monitoring_until = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    # The checkout page's QR code (inline SVG), drawn once at creation: choosing the most
    # readable mask takes ~20 ms of pure Python, too much for every page load.
    qr_svg = models.TextField(blank=True, editable=False)
    # What collecting this invoice cost us, in SUN: filled by the sweep of its address.
    cost_activation_sun = models.BigIntegerField(default=0)
    cost_energy_sun = models.BigIntegerField(default=0)
    cost_bandwidth_sun = models.BigIntegerField(default=0)
    cost_sweep_sun = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["client", "-id"], name="invoice_client_newest"),
            models.Index(fields=["client", "order_id"], name="invoice_client_order"),
            models.Index(fields=["client", "customer"], name="invoice_client_customer"),
            models.Index(
                fields=["expires_at"],
                condition=Q(status__in=["new", "processing"]),
                name="invoice_open_expiry",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="invoice_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0, tolerance__gte=0),
                name="invoice_paid_tolerance_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def cost_total_sun(self) -> int:
        return (
            self.cost_activation_sun
            + self.cost_energy_sun
            + self.cost_bandwidth_sun
            + self.cost_sweep_sun
        )


class PaymentStatus(models.TextChoices):
    SEEN = "seen", "Seen"
    FINAL = "final", "Final"
    DROPPED = "dropped", "Dropped"


class InvoicePayment(models.Model):
    """A transfer of the invoice's asset to its address, as the scanner reported it."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    txid = models.CharField(max_length=64)
    index = models.IntegerField()
    from_address = models.CharField(max_length=34)
    amount = models.BigIntegerField()
    status = models.CharField(max_length=8, choices=PaymentStatus.choices)
    block_number = models.BigIntegerField()
    seen_at = models.DateTimeField()
    final_at = models.DateTimeField(null=True, blank=True)
    # Seen after the invoice expired (inside the monitoring window), or after the window:
    # then it is credited to the client but changes nothing on the invoice.
    late = models.BooleanField(default=False)
    after_monitoring = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["txid", "index"], name="invoice_payment_transfer"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.txid}:{self.index}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # held on the ledger, transaction not broadcast yet
    SENT = "sent", "Sent"  # broadcast / in a block, not final
    CONFIRMED = "confirmed", "Confirmed"  # final on chain, the hold settled
    FAILED = "failed", "Failed"  # nothing left; the hold released


class Refund(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_refund_id, editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="refunds")
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    asset = models.CharField(max_length=8, choices=Asset.choices)
    amount = models.BigIntegerField()
    to_address = models.CharField(max_length=34)
    # The ledger hold's and the outgoing transaction's reference.
    reference = models.CharField(max_length=120, unique=True)
    # The chain app's outgoing transaction that sends it (its id; the chain app owns the row).
    outgoing_id = models.BigIntegerField(unique=True)
    status = models.CharField(
        max_length=16, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    txid = models.CharField(max_length=64, blank=True)
    failure_code = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.public_id
