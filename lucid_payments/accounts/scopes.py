"""API key scopes: one per service area, so a key can be limited to what its holder needs."""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    TRON = "tron", "TRON node access (tron-client)"
    PAYOUTS = "payouts", "Payouts, customers and KYC (payout-router)"
    WALLETS = "wallets", "Wallets and ledger (wallet-manager)"
    USDT = "usdt", "USDT-TRC20 operations (usdt-manager)"
    STAKING = "staking", "Stake 2.0 (trx-staking)"
    GATEWAY = "gateway", "Invoices and webhooks (payment-gateway)"


ALL_SCOPES: tuple[str, ...] = tuple(Scope.values)
