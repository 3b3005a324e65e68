"""Writes for wallets: the platform seed, wallets, addresses and imported hot keys.

Every address we can receive on is registered with the chain app's watch list in the
same transaction that creates it, so the scanner never misses a transfer to it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from lucid_payments.accounts.models import Client, Customer
from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.tron.addresses import normalize_address
from lucid_payments.tron.signing import address_of_public_key
from lucid_payments.tron.watch import watch_address
from wallets.custody import custody_addresses, custody_owner, holds_custody
from wallets.hd import account_public_key, address_from_account_public_key, mnemonic_generate
from wallets.keystore.redacted import RedactedBytes
from wallets.keystore.services import secret_reveal, secret_store
from wallets.models.keystore import SecretKind
from wallets.models.wallets import KeySource, PlatformSeed, Wallet, WalletAddress, WalletKind

WATCH_PURPOSE_WALLET = "wallet"
WATCH_PURPOSE_DEPOSIT = "deposit"
# pg_advisory_xact_lock key for creating the platform seed ("LUCIDSEE" as an int64).
SEED_CREATION_LOCK = int.from_bytes(b"LUCIDSEE", "big") - 2**63


def platform_seed_get_or_create() -> PlatformSeed:
    """The platform's seed, generating and sealing a new mnemonic the first time."""
    seed = PlatformSeed.objects.filter(pk=1).first()
    if seed is not None:
        return seed
    with transaction.atomic():
        # Two first callers must not both generate a seed: serialize on an advisory lock,
        # then look again.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEED_CREATION_LOCK])
        seed = PlatformSeed.objects.filter(pk=1).first()
        if seed is None:
            secret = secret_store(
                kind=SecretKind.SEED, plaintext=mnemonic_generate(), label="platform HD seed"
            )
            seed = PlatformSeed.objects.create(pk=1, secret=secret)
    return seed


def _allocate_hd_account() -> int:
    platform_seed_get_or_create()
    seed = PlatformSeed.objects.select_for_update().get(pk=1)
    account = seed.next_account
    seed.next_account = account + 1
    seed.save(update_fields=["next_account"])
    return account


def platform_mnemonic() -> RedactedBytes:
    return secret_reveal(platform_seed_get_or_create().secret)


def _watch(address: WalletAddress, *, purpose: str) -> None:
    owner: Customer | Wallet = address.customer or address.wallet
    watch_address(address=address.address, purpose=purpose, owner=owner)


@transaction.atomic
def wallet_create(
    *,
    kind: WalletKind,
    client: Client | None = None,
    label: str = "",
    watch_only_address: str | None = None,
) -> Wallet:
    """A new wallet. Cold wallets take the address to watch and hold no key; the other
    kinds get their own BIP44 account of the platform seed (address index 0 first)."""
    if kind == WalletKind.COLD:
        if not watch_only_address:
            raise InvalidInput(
                "A cold wallet needs the address to watch.",
                code="address_required",
                fields={"address": ["This field is required for a cold wallet."]},
            )
        wallet, first = _cold_wallet_create(
            client=client, label=label, address=normalize_address(watch_only_address)
        )
    else:
        if watch_only_address:
            raise InvalidInput(
                "Only cold wallets take an address; the others derive their own.",
                code="address_not_allowed",
                fields={"address": ["Only allowed for a cold wallet."]},
            )
        account = _allocate_hd_account()
        extended = account_public_key(platform_mnemonic(), account=account)
        address = address_from_account_public_key(extended, index=0)
        wallet = Wallet.objects.create(
            client=client,
            kind=kind,
            label=label,
            key_source=KeySource.HD,
            hd_account=account,
            account_public_key=extended,
            address=address,
            next_index=1,
        )
        first = WalletAddress.objects.create(
            wallet=wallet, address=address, index=0, in_custody=holds_custody(wallet)
        )
    idempotency_effect(wallet)
    _watch(first, purpose=WATCH_PURPOSE_WALLET)
    return wallet


def _cold_wallet_create(
    *, client: Client | None, label: str, address: str
) -> tuple[Wallet, WalletAddress]:
    """A watch-only wallet. A client's is the client's own business: unique among its own
    wallets, whatever other tenants hold, so the answer says nothing about them. The
    platform's (an operator's, no client) is in custody, so no other wallet may hold it."""
    network = str(settings.TRON_NETWORK)
    if client is not None:
        # Serializes this client's cold-wallet creations, so the check below holds.
        Client.objects.select_for_update().get(pk=client.pk)
        taken = Wallet.objects.filter(
            client=client, network=network, address=address, key_source=KeySource.WATCH_ONLY
        ).exists() or _is_own_custody_address(client, address, network)
    else:
        taken = custody_addresses(network=network).filter(address=address).exists()
    if taken:
        raise _already_registered()
    try:
        with transaction.atomic():  # a racing operator's insert must be a 400, not a 500
            wallet = Wallet.objects.create(
                client=client,
                kind=WalletKind.COLD,
                label=label,
                key_source=KeySource.WATCH_ONLY,
                address=address,
            )
            first = WalletAddress.objects.create(
                wallet=wallet, address=address, in_custody=holds_custody(wallet)
            )
    except IntegrityError:
        raise _already_registered() from None
    return wallet, first


def _already_registered() -> InvalidInput:
    return InvalidInput(
        "This address is already one of the wallets.",
        code="address_already_registered",
        fields={"address": ["Already one of the wallets."]},
    )


def _is_own_custody_address(client: Client, address: str, network: str) -> bool:
    owner = custody_owner(address, network=network)
    return owner is not None and owner.client_id == client.pk


def _account_public_key(wallet: Wallet) -> str:
    """The wallet's stored extended public key; for one that has none yet (its migration
    could not unseal the seed), derived from the seed once and stored."""
    if not wallet.account_public_key:
        assert wallet.hd_account is not None  # HD wallets always have one (DB constraint)
        wallet.account_public_key = account_public_key(
            platform_mnemonic(), account=wallet.hd_account
        )
        wallet.save(update_fields=["account_public_key"])
    return wallet.account_public_key


def wallet_index_allocate(*, wallet: Wallet) -> int:
    """Take the wallet's next address index for good (HD wallets only).

    One statement: called outside a transaction it is a transaction of its own, so the
    wallet row is locked for that statement alone, not until the caller's address (and
    invoice) commit; concurrent creations then do not queue on it. An index taken by a
    creation that fails is skipped, which is harmless for HD addresses; the increment
    never hands one index out twice (and the database refuses a reused one).
    """
    if wallet.key_source != KeySource.HD:
        raise InvalidInput(
            "Only HD wallets derive new addresses.", code="wallet_cannot_derive_addresses"
        )
    table = Wallet._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET next_index = next_index + 1 WHERE id = %s "  # noqa: S608 - our own table
            "RETURNING next_index - 1",
            [wallet.pk],
        )
        (index,) = cursor.fetchone()
    return int(index)


# No savepoint of its own: an error here fails the caller's transaction anyway, and an
# invoice creation sends two statements fewer.
@transaction.atomic(savepoint=False)
def wallet_address_create(
    *,
    wallet: Wallet,
    label: str = "",
    customer: Customer | None = None,
    index: int | None = None,
) -> WalletAddress:
    """Derive the wallet's address ``index`` (HD wallets only; by default the next one,
    taken in the caller's transaction) and start watching it. A caller that wants no lock
    held until its commit takes the index first with ``wallet_index_allocate``.

    Derived from the wallet's extended public key: no seed and no private key is needed
    to hand out an address (signing for it later derives the key from the seed)."""
    if index is None:
        index = wallet_index_allocate(wallet=wallet)
    derived = address_from_account_public_key(_account_public_key(wallet), index=index)
    address = WalletAddress.objects.create(
        wallet=wallet,
        address=derived,
        index=index,
        label=label,
        customer=customer,
        in_custody=holds_custody(wallet),
    )
    idempotency_effect(address)
    _watch(address, purpose=WATCH_PURPOSE_DEPOSIT if customer else WATCH_PURPOSE_WALLET)
    return address


def _deposit_wallet_find(client: Client) -> Wallet | None:
    return (
        Wallet.objects.filter(client=client, kind=WalletKind.DEPOSIT, key_source=KeySource.HD)
        .order_by("id")
        .first()
    )


def client_deposit_wallet(client: Client) -> Wallet:
    """The client's deposit wallet (invoices' and customers' addresses), made the first
    time. Safe outside a transaction: only the making is one."""
    # Once a client has its deposit wallet it keeps it (its addresses protect it from
    # deletion): look first without locking, so concurrent invoices do not queue on the
    # client row. Only the first creation takes the client row's lock, which makes "find
    # or create" a single step. FOR NO KEY UPDATE: it does not wait for, nor hold up, the
    # key-share locks that rows pointing at the client take (invoices created meanwhile
    # by requests that found the wallet), which FOR UPDATE would turn into deadlocks.
    wallet = _deposit_wallet_find(client)
    if wallet is not None:
        return wallet
    with transaction.atomic():
        Client.objects.select_for_update(no_key=True).get(pk=client.pk)
        wallet = _deposit_wallet_find(client)
        return wallet or wallet_create(kind=WalletKind.DEPOSIT, client=client, label="deposits")


@transaction.atomic
def customer_deposit_address(*, customer: Customer) -> tuple[WalletAddress, bool]:
    """The customer's deposit address, derived and watched the first time.

    Returns (address, created). Calling it again returns the same address.
    """
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    existing = WalletAddress.objects.filter(customer=locked).first()
    if existing is not None:
        return existing, False
    wallet = client_deposit_wallet(locked.client)
    return wallet_address_create(wallet=wallet, customer=locked, label="deposit"), True


@transaction.atomic
def wallet_import_hot_key(
    *, private_key: RedactedBytes, label: str = "", client: Client | None = None
) -> Wallet:
    """A hot wallet signing with an existing private key (32 bytes), sealed at once.

    For the ``import_hot_wallet_key`` command only: keys never travel through the API.
    """
    from coincurve import PrivateKey

    if len(private_key) != 32:
        raise InvalidInput("A private key is 32 bytes (64 hex digits).", code="invalid_key")
    try:
        address = address_of_public_key(PrivateKey(private_key.reveal()).public_key)
    except ValueError:
        raise InvalidInput(
            "That is not a valid secp256k1 private key.", code="invalid_key"
        ) from None
    if custody_addresses(network=str(settings.TRON_NETWORK)).filter(address=address).exists():
        raise InvalidInput(f"The key of {address} is already imported.", code="key_exists")
    secret = secret_store(
        kind=SecretKind.PRIVATE_KEY, plaintext=private_key, label=label or f"hot {address}"
    )
    wallet = Wallet.objects.create(
        client=client,
        kind=WalletKind.HOT,
        label=label,
        key_source=KeySource.IMPORTED,
        secret=secret,
        address=address,
    )
    first = WalletAddress.objects.create(
        wallet=wallet, address=address, in_custody=holds_custody(wallet)
    )
    _watch(first, purpose=WATCH_PURPOSE_WALLET)
    return wallet
