"""The watched-address registry: domain apps say which addresses the scanner must report.

Adding an address writes its row and nothing else: the row carries its transaction's id,
and the scanner's in-memory ``WatchSet`` asks only for rows of transactions it may not
have seen (an indexed read per batch, usually of nothing), so concurrent additions (one per
new invoice) never wait for each other. A removal also bumps ``WatchListVersion``, which
makes the scanner reload the whole set.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import connection, models, transaction

from lucid_payments.core.transaction_ids import OldestRunningTransactionId
from lucid_payments.tron.addresses import base58_to_hex, normalize_address, remember_address
from lucid_payments.tron.models import WatchedAddress, WatchListVersion


def _owner_fields(owner: models.Model | tuple[str, str] | None) -> tuple[str, str]:
    if owner is None:
        return "", ""
    if isinstance(owner, tuple):
        return owner
    return owner._meta.label_lower, str(owner.pk)


def _bump_version(network: str) -> None:
    # Upsert so that two first-ever writers do not collide on the primary key. Removals
    # only: they are rare, and an addition needs no signal (see WatchSet).
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
        watched, _ = WatchedAddress.objects.get_or_create(
            network=network,
            address=normalize_address(address),
            defaults={"purpose": purpose, "owner_type": owner_type, "owner_id": owner_id},
        )
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
        return WatchedAddress.objects.filter(network=network).count() - before


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
        self.addresses: set[str] = set()
        # Every transaction below this id had ended when we last read: all rows we have
        # not seen belong to transactions at or above it.
        self._unseen_from = 0

    def refresh(self) -> bool:
        """Bring the set up to date; True if it changed.

        Additions load by transaction id: a row committed after our last read, in any
        order, belongs to a transaction at or above the oldest one still running at that
        read, so asking for rows at or above it misses none (those already held are read
        again and change nothing). A long transaction elsewhere keeps that bound back and
        makes the read longer, never wrong. A removal bumps the version: reload all.
        """
        with connection.cursor() as cursor:
            # Both in one statement, before the rows are read: whatever that read does not
            # see is at or above ``oldest``, and a removal it misses moves ``version``.
            cursor.execute(
                f"SELECT {OldestRunningTransactionId.template}, COALESCE((SELECT version "  # noqa: S608 - our own table and expression
                f"FROM {WatchListVersion._meta.db_table} WHERE network = %s), 0)",
                [self.network],
            )
            oldest, version = cursor.fetchone()
        rows = WatchedAddress.objects.filter(network=self.network)
        reload = version != self.version
        if reload:
            self.addresses, self.version = set(), version
        else:
            rows = rows.filter(xact__gte=self._unseen_from)
        held = len(self.addresses)
        for address in rows.values_list("address", flat=True).iterator():
            address_hex = base58_to_hex(address)
            self.addresses.add(address_hex)
            remember_address(address_hex, address)
        self._unseen_from = oldest
        return reload or len(self.addresses) != held

    def __contains__(self, address_hex: object) -> bool:
        return address_hex in self.addresses
