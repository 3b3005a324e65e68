"""What the block scanner stores: watched addresses, its cursor, the hashes of the blocks it
scanned (to notice forks) and the transfers it found.

Every row carries ``network`` so one database can follow several networks (devnet in
tests, nile in staging) without the rows mixing.
"""

from __future__ import annotations

from django.db import models

from lucid_payments.core.transaction_ids import CurrentTransactionId


class Asset(models.TextChoices):
    TRX = "TRX", "TRX"
    TRC20 = "TRC20", "TRC20 token"


class TransferStatus(models.TextChoices):
    # In a block the scanner walked; a fork can still remove it.
    SEEN = "seen", "Seen"
    # Its block is solidified (19 of 27 producers built on it): irreversible.
    FINAL = "final", "Final"
    # A fork replaced its block before it was solidified.
    DROPPED = "dropped", "Dropped"


class WatchedAddress(models.Model):
    """An address some domain app wants to hear about (a deposit address, a hot wallet).

    Written through ``lucid_payments.tron.watch``; the scanner holds the whole set in memory
    and adds the rows of transactions it may not have seen yet (by ``xact``), reloading
    all only when ``WatchListVersion`` moves (a removal).
    """

    network = models.CharField(max_length=16)
    address = models.CharField(max_length=34, help_text="base58check, T…")
    purpose = models.CharField(max_length=32)
    owner_type = models.CharField(max_length=64, blank=True, default="")
    owner_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # The inserting transaction's id: how the scanner finds rows committed after its last
    # look, in any order, without a counter every new address would have to lock.
    xact = models.BigIntegerField(db_default=CurrentTransactionId(), editable=False)

    class Meta:
        verbose_name_plural = "watched addresses"
        indexes = [models.Index(fields=["network", "xact"], name="tron_watched_network_xact")]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "address"], name="tron_watched_address_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.purpose})"


class WatchListVersion(models.Model):
    """One counter per network, bumped in the same transaction as a removal from the watch
    list, so the scanner knows to reload its in-memory set. Additions do not bump it (they
    are found by ``WatchedAddress.xact``): a new deposit address locks no shared row."""

    network = models.CharField(max_length=16, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.network} v{self.version}"


class ScanCursor(models.Model):
    """The last block the scanner recorded completely, per network.

    Advanced in the same transaction as the transfers of that block, so a crash leaves
    either the block and its transfers or neither.
    """

    network = models.CharField(max_length=16, primary_key=True)
    block_number = models.BigIntegerField()
    block_id = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.network} @ {self.block_number}"


class ScannedBlock(models.Model):
    """The id and parent of each block scanned and not yet known final: a new block whose
    parent differs from the stored id at ``number - 1`` means the chain forked under us."""

    network = models.CharField(max_length=16)
    number = models.BigIntegerField()
    block_id = models.CharField(max_length=64)
    parent_id = models.CharField(max_length=64)
    timestamp_ms = models.BigIntegerField()
    solidified = models.BooleanField(default=False)
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="tron_scanned_block_unique")
        ]

    def __str__(self) -> str:
        return f"{self.network} #{self.number} {self.block_id[:16]}"


class ChainTransfer(models.Model):
    """A TRX transfer or a successful TRC20 ``Transfer`` log touching a watched address.

    ``index`` tells transfers of one transaction apart: 0 is the transaction's own
    TransferContract, 1 + i is the i-th log of its TransactionInfo.
    """

    network = models.CharField(max_length=16)
    txid = models.CharField(max_length=64)
    index = models.IntegerField()
    block_number = models.BigIntegerField()
    block_id = models.CharField(max_length=64)
    block_timestamp_ms = models.BigIntegerField()
    asset = models.CharField(max_length=8, choices=Asset.choices)
    # base58check of the TRC20 contract; empty for TRX.
    token_contract = models.CharField(max_length=34, blank=True, default="")
    from_address = models.CharField(max_length=34)
    to_address = models.CharField(max_length=34)
    # SUN for TRX, token base units for TRC20.
    amount = models.BigIntegerField()
    status = models.CharField(
        max_length=8, choices=TransferStatus.choices, default=TransferStatus.SEEN
    )
    seen_at = models.DateTimeField()
    final_at = models.DateTimeField(null=True, blank=True)
    dropped_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "txid", "index"], name="tron_chain_transfer_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="tron_chain_transfer_amount_nonnegative"
            ),
        ]
        indexes = [
            # Finality and fork handling walk unsettled transfers by block.
            models.Index(fields=["network", "status", "block_number"]),
            models.Index(fields=["to_address"]),
            models.Index(fields=["from_address"]),
        ]

    def __str__(self) -> str:
        return f"{self.txid}:{self.index} {self.amount} {self.asset} {self.status}"
