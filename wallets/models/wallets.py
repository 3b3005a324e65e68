"""Wallets and their addresses.

Kinds: ``hot`` signs payouts and sweeps; ``deposit`` hands out one address per customer
(or invoice) and is swept; ``cold`` is watch-only (an address, no key); ``fee`` holds TRX
for account activation and energy; ``energy`` is the platform's own (no client): it
stakes TRX for energy and delegates it to whichever of our addresses sends USDT
(``usdt.energy``). Keys come from the platform's one HD seed (BIP44
account per wallet, address index per address) or, for an imported hot wallet, from a
sealed private key. Which addresses hold money we answer for is decided in
``wallets.custody``: a client's cold wallet is never one of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from wallets.models.keystore import SealedSecret


class WalletKind(models.TextChoices):
    HOT = "hot", "Hot"
    DEPOSIT = "deposit", "Deposit"
    COLD = "cold", "Cold (watch-only)"
    FEE = "fee", "Fee"
    ENERGY = "energy", "Energy (platform)"


# What a tenant may create; the energy wallet is the operator's (admin, manage.py).
TENANT_WALLET_KINDS = [(kind.value, kind.label) for kind in WalletKind if kind != WalletKind.ENERGY]


class KeySource(models.TextChoices):
    HD = "hd", "Derived from the platform seed"
    IMPORTED = "imported", "Imported private key"
    WATCH_ONLY = "watch_only", "No key (watch-only)"


def _current_network() -> str:
    return str(settings.TRON_NETWORK)


class PlatformSeed(models.Model):
    """The platform's one BIP39 mnemonic (sealed), generated once. ``next_account`` hands
    out BIP44 accounts to wallets under this row's lock."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    secret = models.OneToOneField(SealedSecret, on_delete=models.PROTECT, related_name="+")
    next_account = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="platform_seed_singleton")]

    def __str__(self) -> str:
        return f"platform seed ({self.next_account} accounts used)"


class Wallet(models.Model):
    # None: the platform's own wallet (operator-managed); otherwise the tenant's.
    client = models.ForeignKey(
        "accounts.Client", on_delete=models.PROTECT, null=True, blank=True, related_name="wallets"
    )
    kind = models.CharField(max_length=16, choices=WalletKind.choices)
    label = models.CharField(max_length=200, blank=True)
    network = models.CharField(max_length=16, default=_current_network)
    key_source = models.CharField(max_length=16, choices=KeySource.choices)
    hd_account = models.PositiveIntegerField(null=True, blank=True, unique=True)
    # HD wallets: the extended public key of m/44'/195'/hd_account', from which new
    # addresses are derived without the seed. Cannot sign, but links all the wallet's
    # addresses: never shown by the API or the admin.
    account_public_key = models.CharField(max_length=120, blank=True, editable=False)
    secret = models.OneToOneField(
        SealedSecret, on_delete=models.PROTECT, null=True, blank=True, related_name="wallet"
    )
    # The wallet's first address: index 0, the imported key's, or the watched one.
    address = models.CharField(max_length=34)
    next_index = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(key_source=KeySource.HD, hd_account__isnull=False, secret__isnull=True)
                    | Q(
                        key_source=KeySource.IMPORTED, hd_account__isnull=True, secret__isnull=False
                    )
                    | Q(
                        key_source=KeySource.WATCH_ONLY,
                        hd_account__isnull=True,
                        secret__isnull=True,
                    )
                ),
                name="wallet_key_source_shape",
            ),
            # Cold means no key here, and only cold wallets are keyless.
            models.CheckConstraint(
                condition=Q(kind=WalletKind.COLD, key_source=KeySource.WATCH_ONLY)
                | (~Q(kind=WalletKind.COLD) & ~Q(key_source=KeySource.WATCH_ONLY)),
                name="wallet_cold_is_watch_only",
            ),
            # The energy wallet stakes the platform's TRX: it never belongs to a tenant.
            models.CheckConstraint(
                condition=~Q(kind="energy") | Q(client__isnull=True),
                name="wallet_energy_is_platform_owned",
            ),
            # A client watches an address once; other clients may watch the same one (it
            # is theirs to watch), so the answer never depends on another tenant's wallets.
            models.UniqueConstraint(
                fields=["client", "network", "address"],
                condition=Q(key_source=KeySource.WATCH_ONLY),
                name="wallet_watch_only_unique_per_client",
            ),
        ]
        indexes = [models.Index(fields=["client", "kind"], name="wallet_client_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} wallet {self.pk} {self.address}"

    @property
    def can_sign(self) -> bool:
        return self.key_source != KeySource.WATCH_ONLY


class WalletAddress(models.Model):
    """An address of a wallet. ``index`` is the BIP44 address index (null when the wallet
    has a single non-derived key). ``customer`` is set for a customer's deposit address.
    ``in_custody`` is fixed when the row is created (``wallets.custody.holds_custody``):
    whether the money on it is money we answer for."""

    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="addresses")
    address = models.CharField(max_length=34)
    index = models.PositiveIntegerField(null=True, blank=True)
    customer = models.ForeignKey(
        "accounts.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deposit_addresses",
    )
    label = models.CharField(max_length=200, blank=True)
    in_custody = models.BooleanField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # One owner per address we hold money on; watch-only rows of clients are
            # unique per client (on Wallet) and never collide with these.
            models.UniqueConstraint(
                fields=["address"],
                condition=Q(in_custody=True),
                name="wallet_address_custody_unique",
            ),
            models.UniqueConstraint(fields=["wallet", "index"], name="wallet_address_index_unique"),
            # One deposit address per customer.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(customer__isnull=False),
                name="wallet_address_one_per_customer",
            ),
        ]
        verbose_name_plural = "wallet addresses"

    def __str__(self) -> str:
        return self.address
