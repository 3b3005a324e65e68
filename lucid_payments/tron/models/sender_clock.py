"""The last ``raw_data.timestamp`` handed to a transaction of each sending address.

A txid is sha256 of the raw transaction, and two transfers of the same amount from one
address to another differ in nothing but ``timestamp`` and ``expiration``. Building both
against the same head block would make them one transaction: one lands, the other is a
``DUP_TRANSACTION_ERROR`` and never pays. ``outgoing.timestamps`` allocates from this row
so that every transaction a sender builds gets a timestamp no other one of its got.
"""

from __future__ import annotations

from django.db import models

__all__ = ["SenderClock"]


class SenderClock(models.Model):
    network = models.CharField(max_length=16)
    owner_address = models.CharField(max_length=34, help_text="base58check sender, T…")
    last_timestamp_ms = models.BigIntegerField(
        help_text="the raw_data.timestamp of the sender's newest transaction (ms)"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "owner_address"], name="tron_sender_clock_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_address} @ {self.last_timestamp_ms}"
