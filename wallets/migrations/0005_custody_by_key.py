"""Custody is decided by what we can sign for: a WalletAddress records whether the money on
it is ours to answer for, and watch-only addresses become unique per client instead of
platform-wide (so registering one tells nothing about other tenants)."""

from django.db import migrations, models
from django.db.models import Q


def mark_custody(apps, schema_editor):  # type: ignore[no-untyped-def]
    WalletAddress = apps.get_model("wallets", "WalletAddress")
    # Keyed wallets and the platform's own (operator-added) cold wallets hold custody; a
    # client's watch-only address is the client's business.
    WalletAddress.objects.filter(
        wallet__key_source="watch_only", wallet__client__isnull=False
    ).update(in_custody=False)


class Migration(migrations.Migration):
    dependencies = [
        ("wallets", "0004_network_fees"),
    ]

    operations = [
        migrations.AddField(
            model_name="walletaddress",
            name="in_custody",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
        migrations.RunPython(mark_custody, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="walletaddress", name="wallet_address_unique"),
        migrations.AddConstraint(
            model_name="walletaddress",
            constraint=models.UniqueConstraint(
                condition=Q(in_custody=True),
                fields=("address",),
                name="wallet_address_custody_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="wallet",
            constraint=models.UniqueConstraint(
                condition=Q(key_source="watch_only"),
                fields=("client", "network", "address"),
                name="wallet_watch_only_unique_per_client",
            ),
        ),
    ]
