"""What each of our transactions cost on chain, to the SUN, split as the chain's receipt
splits it: one row per txid, read from the solidified ``TransactionInfo``.

The ledger books the total once per txid (``wallets.network_fees``); this row explains
it: energy used and where it came from (delegated to the sender by our energy wallet, the
sender's own stake, or burned), bandwidth used and burned, and the activation fee. The
database holds the parts to the total.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


class TransactionFee(models.Model):
    network = models.CharField(max_length=16)
    txid = models.CharField(max_length=64)
    outgoing_id = models.BigIntegerField(help_text="Our outgoing transaction (tron app)")
    reference = models.CharField(max_length=128)
    client = models.ForeignKey(
        "accounts.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The tenant it was sent for; empty for the platform's own transactions",
    )
    contract_type = models.CharField(max_length=64)
    owner_address = models.CharField(max_length=34)
    succeeded = models.BooleanField()
    block_number = models.BigIntegerField()
    block_time = models.DateTimeField()

    energy_total = models.BigIntegerField(help_text="Energy the execution used")
    energy_delegated = models.BigIntegerField(
        help_text="Of which paid from energy our energy wallet delegated to the sender"
    )
    energy_own_stake = models.BigIntegerField(help_text="Of which from the sender's own stake")
    energy_contract = models.BigIntegerField(help_text="Of which paid by the contract's deployer")
    energy_burned = models.BigIntegerField(help_text="Of which paid by burning TRX")
    energy_burned_sun = models.BigIntegerField()
    energy_price_sun = models.BigIntegerField(help_text="SUN per energy when it was recorded")
    bandwidth_used = models.BigIntegerField()
    bandwidth_burned_sun = models.BigIntegerField()
    activation_sun = models.BigIntegerField(help_text="Account creation fee, when it made one")
    fee_sun = models.BigIntegerField(help_text="Total SUN burned (the ledger's network fee)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "txid"], name="transaction_fee_once"),
            models.CheckConstraint(
                condition=Q(
                    fee_sun=F("energy_burned_sun") + F("bandwidth_burned_sun") + F("activation_sun")
                ),
                name="transaction_fee_parts_sum",
            ),
            models.CheckConstraint(
                condition=Q(
                    energy_total=F("energy_delegated")
                    + F("energy_own_stake")
                    + F("energy_contract")
                    + F("energy_burned")
                ),
                name="transaction_fee_energy_parts_sum",
            ),
        ]
        indexes = [models.Index(fields=["client", "block_time"], name="transaction_fee_client_day")]

    def __str__(self) -> str:
        return f"{self.txid}: {self.fee_sun} SUN"

    @property
    def saved_sun(self) -> int:
        """SUN burning would have cost for the energy that came from stake instead."""
        return (self.energy_delegated + self.energy_own_stake) * self.energy_price_sun
