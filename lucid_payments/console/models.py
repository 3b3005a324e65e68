"""What the dashboard reads instead of asking the node on every page load.

``ReconcileRun``: each run of ``wallets.reconcile`` (the ``reconcile`` command or the
console's schedule), with its figures per asset. ``NodeReading``: the node's head and
solid block and the platform's own wallets (balances, resources, stake) as the node
reported them, or the error it gave. Both are append-only records with their time.
"""

from __future__ import annotations

from django.db import models


class ReconcileRun(models.Model):
    class Verdict(models.TextChoices):
        AGREE = "agree", "Agree"
        DIFFER = "differ", "Differ"
        INCONCLUSIVE = "inconclusive", "Inconclusive"
        FAILED = "failed", "Could not compare"

    finished_at = models.DateTimeField(db_index=True)
    source = models.CharField(max_length=32, help_text="command or schedule")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    head_block = models.BigIntegerField(null=True, blank=True)
    scanned_block = models.BigIntegerField(null=True, blank=True)
    # One object per asset: asset, addresses, on_chain, ledger_custody, pending_in,
    # pending_out, expected, difference (integer base units).
    lines = models.JSONField(default=list, blank=True)
    # Clients' stake against their staked ledger accounts (SUN), when compared.
    staked = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ("-finished_at", "-id")
        verbose_name = "reconcile run"
        permissions = [
            ("export_accounting", "Can export accounting CSVs"),
            ("mark_invoice", "Can mark an invoice paid or invalid"),
            ("operate_energy_wallet", "Can freeze or unfreeze the energy wallet's TRX"),
            ("disable_client", "Can disable or enable a client"),
            ("revoke_api_key", "Can revoke API keys"),
            ("redeliver_webhook", "Can redeliver webhooks"),
            ("retry_sweep", "Can retry a failed sweep"),
        ]

    def __str__(self) -> str:
        return f"reconcile {self.finished_at:%Y-%m-%d %H:%M:%S} {self.verdict}"


class NodeReading(models.Model):
    read_at = models.DateTimeField(db_index=True)
    network = models.CharField(max_length=16)
    head_block = models.BigIntegerField(null=True, blank=True)
    solid_block = models.BigIntegerField(null=True, blank=True)
    # One object per platform-relevant wallet: wallet_id, kind, label, client, address,
    # trx_sun, usdt_units, staked_sun, energy_available, energy_limit, bandwidth_available,
    # bandwidth_limit, unfreezing_sun, unfreezing_count.
    wallets = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True, default="", help_text="the node's error, if any")

    class Meta:
        ordering = ("-read_at", "-id")
        verbose_name = "node reading"

    def __str__(self) -> str:
        return f"node reading {self.read_at:%Y-%m-%d %H:%M:%S}"
