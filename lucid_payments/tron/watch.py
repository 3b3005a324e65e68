"""The watched-address registry: domain apps say which addresses the scanner must report.

Writes bump ``WatchListVersion`` in the same transaction, so the scanner's in-memory
``WatchSet`` reloads only when the list changed: one primary-key read per batch, never
a query per transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models, transaction

from lucid_payments.tron.addresses import normalize_address, to_hex
from lucid_payments.tron.models import WatchedAddress, WatchListVersion


def _owner_fields(owner: models.Model | tuple[str, str] | None) -> tuple[str, str]:
    if owner is None:
        return "", ""
    if isinstance(owner, tuple):
        return owner
    return owner._meta.label_lower, str(owner.pk)


def _bump_version(network: str) -> None:
    # Upsert so that two first-ever writers do not collide on the primary key.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {WatchListVersion._meta.db_table} (network, version) VALUES (%s, 1) "  # noqa: S608 - table name is ours
            "ON CONFLICT (network) DO UPDATE SET version = "
            f"{WatchListVersion._meta.db_table}.version + 1",
            [network],
        )


def watch_address(
    *,
    address: str,
    purpose: str,
    owner: models.Model | tuple[str, str] | None = None,
    network: str | None = None,
) -> WatchedAddress:
    """Start reporting transfers touching ``address`` (either form). Idempotent: watching
    an address already watched returns the existing row unchanged."""
    network = network or settings.TRON_NETWORK
    owner_type, owner_id = _owner_fields(owner)
    with transaction.atomic():
        watched, created = WatchedAddress.objects.get_or_create(
            network=network,
            address=normalize_address(address),
            defaults={"purpose": purpose, "owner_type": owner_type, "owner_id": owner_id},
        )
        if created:
            _bump_version(network)
    return watched


def watch_addresses(
    addresses: Iterable[str],
    *,
    purpose: str,
    owner: models.Model | tuple[str, str] | None = None,
    network: str | None = None,
) -> int:
    """Watch many addresses at once (address pools); returns how many were new."""
    network = network or settings.TRON_NETWORK
    owner_type, owner_id = _owner_fields(owner)
    rows = [
        WatchedAddress(
            network=network,
            address=normalize_address(address),
            purpose=purpose,
            owner_type=owner_type,
            owner_id=owner_id,
        )
        for address in addresses
    ]
    with transaction.atomic():
        before = WatchedAddress.objects.filter(network=network).count()
        WatchedAddress.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
        added = WatchedAddress.objects.filter(network=network).count() - before
        if added:
            _bump_version(network)
    return added


def unwatch_address(*, address: str, network: str | None = None) -> bool:
    """Stop reporting ``address``; transfers already recorded keep their lifecycle."""
    network = network or settings.TRON_NETWORK
    with transaction.atomic():
        deleted, _ = WatchedAddress.objects.filter(
            network=network, address=normalize_address(address)
        ).delete()
        if deleted:
            _bump_version(network)
    return bool(deleted)


def is_watched(address: str, *, network: str | None = None) -> bool:
    return WatchedAddress.objects.filter(
        network=network or settings.TRON_NETWORK, address=normalize_address(address)
    ).exists()


class WatchSet:
    """The scanner's in-memory copy of the watch list as hex ``41…`` strings."""

    def __init__(self, network: str) -> None:
        self.network = network
        self.version: int | None = None
        self.addresses: frozenset[str] = frozenset()

    def refresh(self) -> bool:
        """Reload if the list changed since the last call; True if it reloaded."""
        current = (
            WatchListVersion.objects.filter(network=self.network)
            .values_list("version", flat=True)
            .first()
        ) or 0
        if current == self.version:
            return False
        self.addresses = frozenset(
            to_hex(address)
            for address in WatchedAddress.objects.filter(network=self.network).values_list(
                "address", flat=True
            )
        )
        self.version = current
        return True

    def __contains__(self, address_hex: object) -> bool:
        return address_hex in self.addresses
