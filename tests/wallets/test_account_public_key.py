"""HD wallets hand out addresses from their account's extended public key: the addresses
are the ones the seed derives, they stay signable, and wallets made before the key was
stored get it from the sealed seed (the migration, or the first new address)."""

from __future__ import annotations

import importlib
import uuid

import pytest
from django.apps import apps

from lucid_payments.tron.signing import recover_address, signer_for
from wallets.hd import account_public_key, derive
from wallets.models.wallets import Wallet, WalletKind
from wallets.services import platform_mnemonic, wallet_address_create, wallet_create

pytestmark = pytest.mark.django_db

TXID = bytes.fromhex("22" * 32)
fill_account_public_keys = importlib.import_module(
    "wallets.migrations.0010_wallet_account_public_key"
).fill_account_public_keys


def test_new_addresses_are_the_seeds_and_sign() -> None:
    wallet = wallet_create(kind=WalletKind.DEPOSIT)
    addresses = [wallet_address_create(wallet=wallet) for _ in range(3)]

    mnemonic = platform_mnemonic()
    assert wallet.account_public_key == account_public_key(mnemonic, account=wallet.hd_account)
    for address in addresses:
        expected = derive(mnemonic, account=wallet.hd_account, index=address.index)
        assert address.address == expected.address
        signature = signer_for(address.address).sign(TXID)  # the private path, as before
        assert recover_address(TXID, signature) == address.address


def test_a_wallet_without_the_key_gets_it_from_its_first_new_address() -> None:
    wallet = wallet_create(kind=WalletKind.DEPOSIT)
    expected = wallet.account_public_key
    Wallet.objects.filter(pk=wallet.pk).update(account_public_key="")

    address = wallet_address_create(wallet=Wallet.objects.get(pk=wallet.pk))

    assert Wallet.objects.get(pk=wallet.pk).account_public_key == expected
    mnemonic = platform_mnemonic()
    assert address.address == derive(mnemonic, account=wallet.hd_account, index=1).address


def test_the_migration_fills_existing_hd_wallets_and_checks_them() -> None:
    wallets = [wallet_create(kind=WalletKind.DEPOSIT), wallet_create(kind=WalletKind.HOT)]
    expected = {w.pk: w.account_public_key for w in wallets}
    Wallet.objects.update(account_public_key="")

    fill_account_public_keys(apps, None)

    assert dict(Wallet.objects.values_list("pk", "account_public_key")) == expected

    # A wallet whose first address is not its account's index 0 stops the migration.
    Wallet.objects.filter(pk=wallets[0].pk).update(
        account_public_key="", address=wallets[1].address
    )
    with pytest.raises(RuntimeError, match="not its address"):
        fill_account_public_keys(apps, None)
    assert Wallet.objects.get(pk=wallets[0].pk).account_public_key == ""


def test_the_key_is_in_no_api_answer(wallets_api: tuple[object, object]) -> None:
    _, api = wallets_api
    created = api.post(  # type: ignore[attr-defined]
        "/api/v1/wallets", {"kind": "hot"}, format="json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
    )
    assert created.status_code == 201, created.content
    wallet = Wallet.objects.get(address=created.json()["address"])
    assert wallet.account_public_key.startswith("xpub")
    for path in ("/api/v1/wallets", f"/api/v1/wallets/{created.json()['id']}"):
        body = api.get(path).content.decode()  # type: ignore[attr-defined]
        assert "xpub" not in body and wallet.account_public_key not in body
