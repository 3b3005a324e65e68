"""Outgoing transactions: what we asked the chain to do, and every signed copy we made of it.

``OutgoingTransaction`` is the intent ("send 5 TRX from A to B for payout 42"): stable id,
one row per caller ``reference``, one status the domain apps follow. ``OutgoingAttempt``
is one signed copy of it (txid, raw data, signature, expiration), stored *before* it is
broadcast so that a crash can never lose a transaction that may already be on the chain.

An intent gets a second attempt only after the first is proven dead: the solidified chain
has passed its expiration and does not hold its txid. A partial unique index makes "at most
one attempt that is not proven dead" a database rule, which is what makes "on chain exactly
once" hold even when two workers race.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

__all__ = [
    "AttemptStatus",
    "OutgoingAttempt",
    "OutgoingOrigin",
    "OutgoingStatus",
    "OutgoingTransaction",
]


class OutgoingStatus(models.TextChoices):
    # Recorded; no signed copy is stored yet (new, or the last copy expired: rebuild due).
    PENDING = "pending"
    # A signed copy is stored; no node has acknowledged it yet.
    SIGNED = "signed"
    # A node accepted it (or already had it); not in a block we know of yet.
    BROADCAST = "broadcast"
    # In a block that is not solidified yet; a fork can still take it out.
    CONFIRMED = "confirmed"
    # In a solidified block and executed successfully. Terminal.
    FINAL = "final"
    # Terminal without success: failed on chain, or refused by the node until it expired,
    # or too many copies expired. Nothing of it is (or can ever be) on chain, except for
    # an on-chain failure, whose fee was burned.
    FAILED = "failed"


ACTIVE_STATUSES = (
    OutgoingStatus.PENDING,
    OutgoingStatus.SIGNED,
    OutgoingStatus.BROADCAST,
    OutgoingStatus.CONFIRMED,
)


class OutgoingOrigin(models.TextChoices):
    # Built and signed by the platform (wallets, USDT, staking, payouts): can be rebuilt.
    PLATFORM = "platform"
    # Signed by a client and relayed through POST /transactions/broadcast: we hold no key,
    # so an expired copy cannot be rebuilt.
    RELAY = "relay", "Relayed"


class OutgoingTransaction(models.Model):
    network = models.CharField(max_length=16)
    reference = models.CharField(
        max_length=128,
        help_text="Caller's idempotency reference, e.g. 'payout:42'; one intent per reference.",
    )
    origin = models.CharField(
        max_length=16, choices=OutgoingOrigin.choices, default=OutgoingOrigin.PLATFORM
    )
    # The tenant this transaction is for: the client that relayed it, or the client a
    # domain app sends it on behalf of. Only that client's API keys see our status of it;
    # empty for the platform's own housekeeping (fee top-ups, sweeps), shown to no client.
    client = models.ForeignKey(
        "accounts.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contract_type = models.CharField(max_length=64, help_text="e.g. TransferContract")
    # The contract's parameter value as the node's JSON has it (hex 41… addresses).
    parameters = models.JSONField()
    owner_address = models.CharField(max_length=34, help_text="base58check signer, T…")
    fee_limit = models.BigIntegerField(default=0, help_text="SUN; smart-contract calls only")
    memo = models.CharField(max_length=256, blank=True, default="")

    status = models.CharField(
        max_length=16, choices=OutgoingStatus.choices, default=OutgoingStatus.PENDING
    )
    txid = models.CharField(max_length=64, blank=True, default="", help_text="current copy")
    block_number = models.BigIntegerField(null=True, blank=True)
    fee = models.BigIntegerField(null=True, blank=True, help_text="SUN burned, once final")
    # What the contract paid onto the owner's balance, once final (rewards; unfrozen TRX).
    withdraw_amount = models.BigIntegerField(default=0, help_text="SUN of rewards paid out")
    withdraw_expire_amount = models.BigIntegerField(
        default=0, help_text="SUN of expired unfreezes paid out"
    )
    failure_code = models.CharField(max_length=64, blank=True, default="")
    failure_message = models.TextField(blank=True, default="")
    attempt_count = models.PositiveIntegerField(default=0)

    # Work claim: a worker sets this by compare-and-set and owns the row until it passes,
    # so a worker killed mid-step only delays the row by one lease.
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "reference"], name="tron_outgoing_reference_unique"
            ),
            models.CheckConstraint(
                condition=Q(fee_limit__gte=0), name="tron_outgoing_fee_limit_non_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["network", "status"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="tron_outgoing_active",
            ),
            models.Index(fields=["network", "txid"], name="tron_outgoing_txid"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.contract_type} [{self.status}]"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AttemptStatus(models.TextChoices):
    # Stored, never acknowledged by a node.
    SIGNED = "signed"
    # A node accepted it or answered DUP_TRANSACTION_ERROR (it already had it).
    BROADCAST = "broadcast"
    # The last node answer was a refusal (code in last_node_code). It may still be in
    # some node's pool, so it is tracked like any other copy until proven dead.
    REJECTED = "rejected"
    # In a block that is not solidified yet.
    INCLUDED = "included"
    # In a solidified block: succeeded (FINAL) or failed on chain (FAILED). Terminal.
    FINAL = "final"
    FAILED = "failed", "Failed on chain"
    # The solidified chain passed its expiration without it: it can never be included.
    EXPIRED = "expired"


class OutgoingAttempt(models.Model):
    outgoing = models.ForeignKey(
        OutgoingTransaction, on_delete=models.PROTECT, related_name="attempts"
    )
    network = models.CharField(max_length=16)
    txid = models.CharField(max_length=64)
    raw_data = models.JSONField()
    raw_data_hex = models.TextField()
    signature = models.CharField(max_length=130, help_text="r‖s‖v, lower hex")
    expiration_ms = models.BigIntegerField(help_text="chain time (ms) after which it is void")

    status = models.CharField(
        max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.SIGNED
    )
    broadcast_count = models.PositiveIntegerField(default=0)
    last_broadcast_at = models.DateTimeField(null=True, blank=True)
    last_node_code = models.CharField(max_length=64, blank=True, default="")
    last_node_message = models.TextField(blank=True, default="")
    block_number = models.BigIntegerField(null=True, blank=True)
    block_timestamp_ms = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "txid"], name="tron_attempt_txid_unique"),
            # The exactly-once rule: an intent never has two copies that could both land.
            models.UniqueConstraint(
                fields=["outgoing"],
                condition=~Q(status="expired"),
                name="tron_attempt_one_live_per_outgoing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.txid} [{self.status}]"

    def signed_transaction(self) -> dict[str, object]:
        """The JSON a node's ``broadcasttransaction`` takes (the same every time)."""
        return {
            "txID": self.txid,
            "raw_data": self.raw_data,
            "raw_data_hex": self.raw_data_hex,
            "signature": [self.signature],
            "visible": False,
        }
