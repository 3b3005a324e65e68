"""USDT transfers out of a client's hot wallet, and the energy delegations that pay for
them (and for any other USDT send of ours: sweeps, payouts).

A ``UsdtTransfer`` is accepted (the amount held on the client's ledger) before anything is
on chain; it waits for its energy (``awaiting_energy``) when the energy wallet delegates
it, then becomes an outgoing transaction (``sending``) and ends ``confirmed`` or
``failed``. An ``EnergyDelegation`` walks activating → delegating → delegated →
reclaiming → reclaimed (or failed, when the sender burns TRX instead).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from wallets.models.wallets import Wallet


def _current_network() -> str:
    return str(settings.TRON_NETWORK)


class EnergyMode(models.TextChoices):
    # Our energy wallet delegates the estimate to the sender just for this send.
    DELEGATED = "delegated", "Delegated by the energy wallet"
    # The sender already has the energy (its own stake).
    OWN = "own", "The sender's own energy"
    # No energy to delegate: the sender burns TRX for it.
    BURN = "burn", "Burned by the sender"


class UsdtTransferStatus(models.TextChoices):
    AWAITING_ENERGY = "awaiting_energy", "Awaiting energy"
    SENDING = "sending"
    CONFIRMED = "confirmed"
    FAILED = "failed"


class UsdtTransfer(models.Model):
    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey("wallets.Wallet", on_delete=models.PROTECT, related_name="+")
    network = models.CharField(max_length=16, default=_current_network)
    sender = models.CharField(max_length=34)
    recipient = models.CharField(max_length=34)
    amount = models.BigIntegerField(help_text="USDT base units")
    token_contract = models.CharField(max_length=34)
    reference = models.CharField(
        max_length=128, unique=True, help_text="The ledger hold's and the outgoing's reference"
    )
    energy_estimate = models.BigIntegerField()
    energy_price_sun = models.BigIntegerField()
    fee_limit_sun = models.BigIntegerField()
    energy_mode = models.CharField(max_length=16, choices=EnergyMode.choices)
    status = models.CharField(max_length=16, choices=UsdtTransferStatus.choices)
    outgoing_id = models.BigIntegerField(null=True, blank=True, unique=True)
    txid = models.CharField(max_length=64, blank=True, default="")
    failure_code = models.CharField(max_length=64, blank=True, default="")
    failure_message = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "USDT transfer"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="usdt_transfer_amount_positive"),
            models.CheckConstraint(
                condition=Q(fee_limit_sun__gt=0), name="usdt_transfer_fee_limit_positive"
            ),
        ]
        indexes = [models.Index(fields=["client", "-created_at"], name="usdt_transfer_client")]

    def __str__(self) -> str:
        return f"USDT transfer {self.pk} [{self.status}]"


class DelegationStatus(models.TextChoices):
    ACTIVATING = "activating", "Activating the receiver"
    DELEGATING = "delegating"
    DELEGATED = "delegated", "Delegated (in a block)"
    RECLAIMING = "reclaiming"
    RECLAIMED = "reclaimed"
    # The delegation never reached the chain: nothing to reclaim; the sender burned.
    FAILED = "failed"


OPEN_DELEGATION_STATUSES = (
    DelegationStatus.ACTIVATING,
    DelegationStatus.DELEGATING,
    DelegationStatus.DELEGATED,
    DelegationStatus.RECLAIMING,
)


class EnergyDelegation(models.Model):
    network = models.CharField(max_length=16, default=_current_network)
    energy_wallet = models.ForeignKey("wallets.Wallet", on_delete=models.PROTECT, related_name="+")
    receiver = models.CharField(max_length=34, help_text="Our address that sends the USDT")
    purpose = models.CharField(
        max_length=128, unique=True, help_text="Reference of the send it pays for"
    )
    energy = models.BigIntegerField(help_text="Energy delegated")
    amount_sun = models.BigIntegerField(help_text="Staked TRX (SUN) delegated for that energy")
    activation_sun = models.BigIntegerField(
        default=0, help_text="TRX sent to activate the receiver first (0: it existed)"
    )
    status = models.CharField(max_length=16, choices=DelegationStatus.choices)
    activation_outgoing_id = models.BigIntegerField(null=True, blank=True)
    delegate_outgoing_id = models.BigIntegerField(null=True, blank=True)
    reclaim_outgoing_id = models.BigIntegerField(null=True, blank=True)
    reclaim_attempts = models.PositiveIntegerField(default=0)
    send_txid = models.CharField(
        max_length=64, blank=True, default="", help_text="The send it paid for, once it ended"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delegated_at = models.DateTimeField(null=True, blank=True)
    release_requested_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(energy__gte=0, amount_sun__gt=0), name="energy_delegation_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["network", "status"],
                condition=Q(status__in=[s.value for s in OPEN_DELEGATION_STATUSES]),
                name="energy_delegation_open",
            ),
            models.Index(fields=["network", "send_txid"], name="energy_delegation_send_txid"),
        ]

    def __str__(self) -> str:
        return f"{self.energy} energy to {self.receiver} [{self.status}]"


class UsdtApproval(models.Model):
    """``approve(spender, amount)`` sent from a client's hot wallet (moves no USDT; its
    status is its outgoing transaction's)."""

    client = models.ForeignKey("accounts.Client", on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey("wallets.Wallet", on_delete=models.PROTECT, related_name="+")
    network = models.CharField(max_length=16, default=_current_network)
    owner = models.CharField(max_length=34)
    spender = models.CharField(max_length=34)
    amount = models.BigIntegerField(help_text="USDT base units")
    token_contract = models.CharField(max_length=34)
    fee_limit_sun = models.BigIntegerField()
    outgoing_id = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "USDT approval"

    def __str__(self) -> str:
        return f"approval {self.pk} of {self.spender}"


class EnergyWallet(Wallet):
    """The admin's view of the energy wallet: ``wallets.Wallet`` rows of kind energy."""

    class Meta:
        proxy = True
        verbose_name = "energy wallet"


class TopUpStatus(models.TextChoices):
    SENDING = "sending"
    DONE = "done", "In a block"
    FAILED = "failed"


class TrxTopUp(models.Model):
    """TRX sent from the client's fee wallet to one of our senders that must burn for a
    USDT send and holds too little (the energy policy's fallback)."""

    network = models.CharField(max_length=16, default=_current_network)
    fee_wallet = models.ForeignKey("wallets.Wallet", on_delete=models.PROTECT, related_name="+")
    receiver = models.CharField(max_length=34)
    purpose = models.CharField(max_length=128, unique=True, help_text="The send it pays for")
    amount_sun = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=TopUpStatus.choices)
    outgoing_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "TRX top-up"
        constraints = [
            models.CheckConstraint(condition=Q(amount_sun__gt=0), name="trx_topup_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount_sun} SUN to {self.receiver} [{self.status}]"
