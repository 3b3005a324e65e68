"""HD wallets keep their account's extended public key, so new addresses are derived from it
without unsealing the seed. Existing HD wallets get theirs from the sealed seed, once; each
is checked against the wallet's first address before it is stored."""

from django.db import migrations, models


def fill_account_public_keys(apps, schema_editor):  # type: ignore[no-untyped-def]
    Wallet = apps.get_model("wallets", "Wallet")
    PlatformSeed = apps.get_model("wallets", "PlatformSeed")
    wallets = list(Wallet.objects.filter(key_source="hd", account_public_key=""))
    seed = PlatformSeed.objects.filter(pk=1).select_related("secret").first()
    if not wallets or seed is None:
        return
    # The live code, not a historical copy: deriving and unsealing must be exactly what the
    # running platform does, and neither depends on the model's later shape.
    from wallets.hd import account_public_key, address_from_account_public_key
    from wallets.keystore.services import secret_reveal

    mnemonic = secret_reveal(seed.secret)
    for wallet in wallets:
        extended = account_public_key(mnemonic, account=wallet.hd_account)
        first = address_from_account_public_key(extended, index=0)
        if first != wallet.address:
            raise RuntimeError(
                f"Wallet {wallet.pk}: its account's public key derives {first}, "
                f"not its address {wallet.address}; left unchanged."
            )
        wallet.account_public_key = extended
        wallet.save(update_fields=["account_public_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("wallets", "0009_ledger_transfers"),
    ]

    operations = [
        migrations.AddField(
            model_name="wallet",
            name="account_public_key",
            field=models.CharField(blank=True, editable=False, max_length=120),
        ),
        migrations.RunPython(fill_account_public_keys, migrations.RunPython.noop),
    ]
