"""Sweeps: moving collected funds off deposit addresses, and a hot wallet's excess to cold.

``SweepSettings`` are a client's thresholds and hot-wallet caps (defaults in settings).
``SweepAddress`` is the queue of addresses to look at: a final deposit to one of a
client's deposit addresses marks it due; the periodic task reads its balances and sweeps
what is over the threshold. ``Sweep`` is one movement, its steps' txids and its costs.

Amounts are integer base units of the sweep's asset; costs are SUN.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lucid_payments.core.money import Asset
from lucid_payments.core.public_ids import public_id

SWEEP_ID_PREFIX = "swp"


def new_sweep_id() -> str:
    return public_id(SWEEP_ID_PREFIX)


class SweepSettings(models.Model):
    """A client's sweep settings; empty fields (and a client without a row) take the
    defaults from settings (``SWEEP_THRESHOLD_*``, ``SWEEP_HOT_CAP_*``)."""

    client = models.OneToOneField(
        "accounts.Client", on_delete=models.CASCADE, related_name="sweep_settings"
    )
    threshold_trx_sun = models.BigIntegerField(
        null=True, blank=True, help_text="sweep an address once it holds this much TRX (SUN)"
    )
    threshold_usdt_units = models.BigIntegerField(
        null=True, blank=True, help_text="sweep an address once it holds this much USDT (μUSDT)"
    )
    hot_cap_trx_sun = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="TRX above this on the hot wallet goes to the cold wallet (SUN; 0: no cap)",
    )
    hot_cap_usdt_units = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="USDT above this on the hot wallet goes to the cold wallet (μUSDT; 0: no cap)",
    )

    class Meta:
        verbose_name_plural = "sweep settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_trx_sun__gt=0) | Q(threshold_trx_sun__isnull=True),
                name="sweep_settings_trx_threshold_positive",
            ),
            models.CheckConstraint(
                condition=Q(threshold_usdt_units__gt=0) | Q(threshold_usdt_units__isnull=True),
                name="sweep_settings_usdt_threshold_positive",
            ),
            models.CheckConstraint(
                condition=(Q(hot_cap_trx_sun__gte=0) | Q(hot_cap_trx_sun__isnull=True))
                & (Q(hot_cap_usdt_units__gte=0) | Q(hot_cap_usdt_units__isnull=True)),
                name="sweep_settings_caps_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"sweep settings of client {self.client_id}"


class SweepAddress(models.Model):
    """A deposit address the sweeper looks at when it is ``due`` (a final deposit arrived
    since the last look)."""

    network = models.CharField(max_length=16)
    address = models.CharField(max_length=34)
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    due = models.BooleanField(default=True)
    due_since = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "sweep addresses"
        constraints = [
            models.UniqueConstraint(fields=["network", "address"], name="sweep_address_unique")
        ]
        indexes = [
            models.Index(fields=["network", "due_since"], condition=Q(due=True), name="sweep_due")
        ]

    def __str__(self) -> str:
        return self.address


class SweepKind(models.TextChoices):
    DEPOSIT = "deposit", "Deposit address to hot wallet"
    EXCESS = "excess", "Hot wallet excess to cold wallet"


class SweepStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # recorded, nothing asked of the chain yet
    FUNDING = "funding", "Funding"  # activation, energy or TRX top-up on its way
    SENDING = "sending", "Sending"  # the sweep's own transaction is out (or final, uncosted)
    COMPLETED = "completed", "Completed"  # final on chain, its costs recorded
    FAILED = "failed", "Failed"


OPEN_STATUSES = (SweepStatus.PENDING, SweepStatus.FUNDING, SweepStatus.SENDING)


class Sweep(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_sweep_id, editable=False)
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    network = models.CharField(max_length=16)
    kind = models.CharField(max_length=8, choices=SweepKind.choices, default=SweepKind.DEPOSIT)
    asset = models.CharField(max_length=8, choices=Asset.choices)
    source_address = models.CharField(max_length=34)
    destination_address = models.CharField(max_length=34)
    # The invoice whose address this is (its costs are the invoice's), if any.
    invoice = models.ForeignKey(
        "invoices.Invoice", on_delete=models.PROTECT, null=True, blank=True, related_name="sweeps"
    )
    amount = models.BigIntegerField()
    status = models.CharField(
        max_length=16, choices=SweepStatus.choices, default=SweepStatus.PENDING
    )
    # The outgoing reference of the sweep's transaction, and the energy policy's purpose.
    reference = models.CharField(max_length=120, unique=True)
    energy_mode = models.CharField(max_length=16, blank=True, help_text="USDT sweeps only")
    fee_limit_sun = models.BigIntegerField(default=0)
    outgoing_id = models.BigIntegerField(null=True, blank=True, unique=True)
    txid = models.CharField(max_length=64, blank=True, help_text="the sweep's own transaction")
    activation_txid = models.CharField(max_length=64, blank=True)
    topup_txid = models.CharField(max_length=64, blank=True, help_text="TRX from the fee wallet")
    delegation_txid = models.CharField(max_length=64, blank=True)
    reclaim_txid = models.CharField(max_length=64, blank=True)
    cost_activation_sun = models.BigIntegerField(default=0)
    cost_energy_sun = models.BigIntegerField(default=0)
    cost_bandwidth_sun = models.BigIntegerField(default=0)
    cost_sweep_sun = models.BigIntegerField(default=0)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    final_at = models.DateTimeField(null=True, blank=True, help_text="its transaction final")
    completed_at = models.DateTimeField(null=True, blank=True)
    # When the costs were recorded: at completion, or after a failure once every
    # transaction sent for it ended (what a failed sweep burned was ours too).
    costed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="sweep_amount_positive"),
            # One open sweep per address and asset: a task run twice, or two workers at
            # once, cannot sweep the same funds twice.
            models.UniqueConstraint(
                fields=["network", "source_address", "asset"],
                condition=Q(status__in=["pending", "funding", "sending"]),
                name="sweep_one_open_per_address",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-id"], name="sweep_client_newest"),
            models.Index(
                fields=["status"],
                condition=Q(status__in=["pending", "funding", "sending"]),
                name="sweep_open",
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


# Every transaction a sweep may need, its own last: what its costs add up.
TXID_FIELDS = ("activation_txid", "topup_txid", "delegation_txid", "reclaim_txid", "txid")
