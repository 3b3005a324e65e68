"""Joins the energy wallet and transaction fees, written beside the staked bucket and webhook secrets."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wallets", "0006_energy_wallet_and_transaction_fees"),
        ("wallets", "0007_merge_staked_bucket_and_webhook_secret_kind"),
    ]

    operations = []
