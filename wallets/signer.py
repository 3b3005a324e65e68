"""Signing outgoing transactions with keys from the keystore (C2's ``Signer`` protocol).

A ``WalletSigner`` holds an address and a way to load its key, not the key: the key is
unsealed (and for HD wallets derived) for each signature and dropped right after, so a
signer can live in a long-running worker without keeping key material in memory.
"""

from __future__ import annotations

from collections.abc import Callable

from coincurve import PrivateKey

from lucid_payments.tron.signing import Signer
from wallets.errors import KeystoreError
from wallets.hd import derive
from wallets.keystore.redacted import RedactedBytes
from wallets.keystore.services import secret_reveal
from wallets.models.wallets import KeySource, WalletAddress
from wallets.services import platform_mnemonic

TXID_BYTES = 32


class WalletSigner:
    def __init__(self, *, address: str, load_key: Callable[[], RedactedBytes]) -> None:
        self._address = address
        self._load_key = load_key

    @property
    def address(self) -> str:
        return self._address

    def sign(self, txid: bytes) -> bytes:
        """65 bytes r‖s‖v (v = 0 or 1) over the 32-byte txid."""
        if len(txid) != TXID_BYTES:
            raise ValueError("a txid is 32 bytes")
        key = PrivateKey(self._load_key().reveal())
        return bytes(key.sign_recoverable(txid, hasher=None))

    def __repr__(self) -> str:
        return f"WalletSigner({self._address})"


def _key_loader(address: WalletAddress) -> Callable[[], RedactedBytes]:
    wallet = address.wallet
    if wallet.key_source == KeySource.IMPORTED:
        secret = wallet.secret
        assert secret is not None  # imported wallets always have one (DB constraint)
        return lambda: secret_reveal(secret)
    account, index = wallet.hd_account, address.index
    assert account is not None and index is not None  # HD addresses always have both

    def load() -> RedactedBytes:
        derived = derive(platform_mnemonic(), account=account, index=index)
        if derived.address != address.address:  # a different seed than the one we issued from
            raise KeystoreError(
                f"The platform seed no longer derives {address.address} at {derived.path}."
            )
        return derived.private_key

    return load


def wallet_signer(address: WalletAddress) -> WalletSigner:
    """The signer for one of our addresses; refuses watch-only (cold) wallets."""
    if not address.wallet.can_sign:
        raise KeystoreError(f"{address.address} belongs to a watch-only wallet: no key here.")
    return WalletSigner(address=address.address, load_key=_key_loader(address))


def signer_for_address(address: str) -> Signer | None:
    """Signer lookup for the chain app (registered with ``register_signer_source``)."""
    found = (
        WalletAddress.objects.select_related("wallet", "wallet__secret")
        .filter(address=address, in_custody=True)
        .first()
    )
    if found is None or not found.wallet.can_sign:
        return None
    return wallet_signer(found)
