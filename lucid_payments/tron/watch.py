"""The watched-address registry: domain apps say which addresses the scanner must report.

Writes bump ``WatchListVersion`` in the same transaction, so the scanner's in-memory
``WatchSet`` reloads only when the list changed: one primary-key read per batch, never
a query per transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet

from lucid_payments.tron.addresses import base58_to_hex, normalize_address, remember_address
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


FULL_RELOAD_S = 300.0


class WatchSet:
    """The scanner's in-memory copy of the watch list as hex ``41…`` strings."""

    def __init__(self, network: str, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.network = network
        self.version: int | None = None
        self.addresses: set[str] = set()
        self._max_id = 0
        self._clock = clock
        self._full_reload_at = -FULL_RELOAD_S - 1.0

    def refresh(self) -> bool:
        """Reload if the list changed since the last call; True if it reloaded.

        Additions (the common case: new deposit addresses) load incrementally by id; if
        the row count then disagrees with ours, something was removed or committed out of
        id order and we reload all. A full reload every ``FULL_RELOAD_S`` covers the rare
        case where a late commit and a removal cancel out in the count.
        """
        current = (
            WatchListVersion.objects.filter(network=self.network)
            .values_list("version", flat=True)
            .first()
        ) or 0
        stale = self._clock() - self._full_reload_at > FULL_RELOAD_S
        if current == self.version and not stale:
            return False
        rows = WatchedAddress.objects.filter(network=self.network)
        if not stale:
            self._add(rows.filter(id__gt=self._max_id))
        if stale or rows.count() != len(self.addresses):
            self.addresses = set()
            self._max_id = 0
            self._add(rows)
            self._full_reload_at = self._clock()
        self.version = current
        return True

    def _add(self, rows: QuerySet[WatchedAddress]) -> None:
        for pk, address in rows.order_by("id").values_list("id", "address").iterator():
            address_hex = base58_to_hex(address)
            self.addresses.add(address_hex)
            remember_address(address_hex, address)
            self._max_id = max(self._max_id, pk)

    def __contains__(self, address_hex: object) -> bool:
        return address_hex in self.addresses
