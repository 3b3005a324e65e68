"""TRC20 contracts the platform handles, with what their contract says about itself."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

__all__ = ["TokenContract"]


class TokenContract(models.Model):
    """One token contract on one network, as read from the contract the first time it was
    needed. Decimals never change once a contract is deployed, so they are read once."""

    network = models.CharField(max_length=16)
    asset = models.CharField(max_length=16, help_text="Our asset code, e.g. USDT")
    contract = models.CharField(max_length=34, help_text="base58check contract address, T…")
    symbol = models.CharField(max_length=64, help_text="as the contract's symbol() returns it")
    decimals = models.PositiveSmallIntegerField(help_text="as the contract's decimals() returns it")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["network", "contract"], name="tron_token_contract_unique"
            ),
            models.CheckConstraint(condition=Q(decimals__lte=77), name="tron_token_decimals"),
        ]

    def __str__(self) -> str:
        return f"{self.asset} {self.contract} ({self.network})"
