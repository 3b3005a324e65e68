"""Staking operations and the delegations they create.

Each operation is one transaction sent from a client's hot wallet through the chain app's
outgoing machinery (``outgoing_id``, ``reference``): the operation's status follows that
transaction's, and its ledger effect is booked when it ends (``staking.outcomes``).
Amounts are SUN.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lucid_payments.accounts.models import Client
from wallets.models.wallets import Wallet


class Resource(models.TextChoices):
    ENERGY = "ENERGY"
    BANDWIDTH = "BANDWIDTH"


class OperationKind(models.TextChoices):
    FREEZE = "freeze"
    UNFREEZE = "unfreeze"
    WITHDRAW_EXPIRED = "withdraw_expired", "Withdraw expired unfreezes"
    CANCEL_UNFREEZES = "cancel_unfreezes", "Cancel all unfreezes"
    DELEGATE = "delegate"
    UNDELEGATE = "undelegate"
    VOTE = "vote"
    CLAIM_REWARDS = "claim_rewards", "Claim rewards"


class OperationStatus(models.TextChoices):
    PENDING = "pending"  # accepted; being sent or waiting to be final
    CONFIRMED = "confirmed"  # final on chain, booked
    FAILED = "failed"  # refused or failed on chain; anything held is released


class StakingOperation(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=24, choices=OperationKind.choices)
    status = models.CharField(
        max_length=16, choices=OperationStatus.choices, default=OperationStatus.PENDING
    )
    resource = models.CharField(max_length=16, choices=Resource.choices, blank=True)
    amount = models.BigIntegerField(default=0, help_text="SUN frozen, unfrozen or delegated")
    receiver = models.CharField(max_length=34, blank=True, help_text="base58, delegations")
    lock_period = models.BigIntegerField(null=True, blank=True, help_text="blocks (3 s each)")
    votes = models.JSONField(default=list, blank=True, help_text='[{"witness", "count"}]')
    delegation = models.ForeignKey(
        "Delegation", on_delete=models.PROTECT, null=True, blank=True, related_name="operations"
    )
    # The chain app's outgoing transaction (an id, not a foreign key: its rows are the
    # chain app's own, read through tron.selectors).
    outgoing_id = models.BigIntegerField(unique=True)
    reference = models.CharField(max_length=128, unique=True)
    txid = models.CharField(max_length=64, blank=True)
    fee = models.BigIntegerField(null=True, blank=True, help_text="SUN burned, once final")
    # SUN the chain paid onto the wallet's balance: unfrozen TRX whose wait was over, and
    # claimed rewards.
    withdrawn_unstaked = models.BigIntegerField(default=0)
    withdrawn_reward = models.BigIntegerField(default=0)
    failure_code = models.CharField(max_length=64, blank=True)
    failure_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["client", "-id"], name="staking_op_client_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="staking_op_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"


class DelegationStatus(models.TextChoices):
    PENDING = "pending"  # the delegate transaction is not final yet
    ACTIVE = "active"
    UNDELEGATING = "undelegating"
    UNDELEGATED = "undelegated"
    FAILED = "failed"  # the delegate transaction failed


class Delegation(models.Model):
    """Resources a client's hot wallet delegated to ``receiver``, until undelegated."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="+")
    receiver = models.CharField(max_length=34)
    resource = models.CharField(max_length=16, choices=Resource.choices)
    amount = models.BigIntegerField(help_text="SUN of stake delegated")
    lock_period = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=DelegationStatus.choices, default=DelegationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="staking_delegation_positive")
        ]

    def __str__(self) -> str:
        return f"delegation #{self.pk} {self.resource} to {self.receiver} ({self.status})"
