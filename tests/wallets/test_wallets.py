"""Wallets: HD wallets from the one platform seed, cold watch-only wallets, imported hot
keys, customer deposit addresses, and signing through the chain app's Signer protocol."""

from __future__ import annotations

import pytest
from coincurve import PrivateKey

from lucid_payments.core.errors import InvalidInput
from lucid_payments.tron.models import WatchedAddress
from lucid_payments.tron.signing import Signer, recover_address, signer_for
from tests.wallets.factories import make_client, make_customer
from wallets.errors import KeystoreError
from wallets.hd import derive
from wallets.keystore.redacted import RedactedBytes
from wallets.models.keystore import SealedSecret, SecretKind
from wallets.models.wallets import KeySource, PlatformSeed, WalletKind
from wallets.services import (
    customer_deposit_address,
    platform_mnemonic,
    wallet_address_create,
    wallet_create,
    wallet_import_hot_key,
)
from wallets.signer import wallet_signer

pytestmark = pytest.mark.django_db

HOT_KEY = bytes.fromhex("8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63")
TXID = bytes.fromhex("11" * 32)


def test_one_platform_seed_is_generated_once_and_sealed() -> None:
    first = wallet_create(kind=WalletKind.HOT, label="payouts")
    second = wallet_create(kind=WalletKind.FEE, label="energy")

    assert PlatformSeed.objects.count() == 1
    assert SealedSecret.objects.filter(kind=SecretKind.SEED).count() == 1
    assert (first.hd_account, second.hd_account) == (0, 1)
    assert first.key_source == KeySource.HD
    assert first.address == derive(platform_mnemonic(), account=0, index=0).address


def test_addresses_are_derived_in_order_and_watched() -> None:
    wallet = wallet_create(kind=WalletKind.DEPOSIT)
    second = wallet_address_create(wallet=wallet, label="shop")
    third = wallet_address_create(wallet=wallet)

    mnemonic = platform_mnemonic()
    assert (second.index, third.index) == (1, 2)
    assert second.address == derive(mnemonic, account=wallet.hd_account, index=1).address
    watched = set(WatchedAddress.objects.values_list("address", flat=True))
    assert {wallet.address, second.address, third.address} <= watched


def test_a_cold_wallet_watches_an_address_and_has_no_key() -> None:
    cold = wallet_create(
        kind=WalletKind.COLD, watch_only_address="TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH"
    )

    assert cold.key_source == KeySource.WATCH_ONLY and cold.secret is None
    assert not cold.can_sign
    with pytest.raises(KeystoreError):
        wallet_signer(cold.addresses.get())
    with pytest.raises(InvalidInput):
        wallet_address_create(wallet=cold)


def test_a_cold_wallet_needs_a_valid_address() -> None:
    with pytest.raises(InvalidInput):
        wallet_create(kind=WalletKind.COLD)
    with pytest.raises(InvalidInput):
        wallet_create(kind=WalletKind.COLD, watch_only_address="TNotAnAddress")


def test_a_customer_gets_one_deposit_address_in_the_clients_deposit_wallet() -> None:
    client = make_client()
    alice, bob = make_customer(client), make_customer(client)

    first, created = customer_deposit_address(customer=alice)
    again, created_again = customer_deposit_address(customer=alice)
    other, _ = customer_deposit_address(customer=bob)

    assert created and not created_again and again.pk == first.pk
    assert first.wallet_id == other.wallet_id
    assert first.wallet.client_id == client.pk and first.wallet.kind == WalletKind.DEPOSIT
    watched = WatchedAddress.objects.get(address=first.address)
    assert watched.purpose == "deposit"


def test_the_wallet_signer_implements_the_signer_protocol_for_hd_addresses() -> None:
    wallet = wallet_create(kind=WalletKind.HOT)
    signer = signer_for(wallet.address)  # found through the source the app registered

    signature = signer.sign(TXID)

    assert isinstance(signer, Signer)
    assert len(signature) == 65 and signature[64] in (0, 1)
    assert recover_address(TXID, signature) == wallet.address
    assert wallet.address in repr(signer)


def test_an_imported_hot_key_is_sealed_and_signs() -> None:
    wallet = wallet_import_hot_key(private_key=RedactedBytes(HOT_KEY), label="legacy")

    assert wallet.key_source == KeySource.IMPORTED and wallet.kind == WalletKind.HOT
    signature = signer_for(wallet.address).sign(TXID)
    assert recover_address(TXID, signature) == wallet.address
    assert PrivateKey(HOT_KEY).sign_recoverable(TXID, hasher=None) == signature


def test_importing_the_same_key_twice_is_refused() -> None:
    wallet_import_hot_key(private_key=RedactedBytes(HOT_KEY))
    with pytest.raises(InvalidInput) as caught:
        wallet_import_hot_key(private_key=RedactedBytes(HOT_KEY))
    assert HOT_KEY.hex() not in str(caught.value)


def test_there_is_no_signer_for_an_unknown_address() -> None:
    from lucid_payments.core.errors import Unprocessable

    with pytest.raises(Unprocessable):
        signer_for("TUEZSdKsoDHQMeZwihtdoBiN46zxhGWYdH")
