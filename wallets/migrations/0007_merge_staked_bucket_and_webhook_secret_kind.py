"""Joins two migrations written side by side: the staked ledger bucket and the webhook secret kind."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wallets", "0006_staked_bucket"),
        ("wallets", "0006_webhook_secret_kind"),
    ]

    operations = []
