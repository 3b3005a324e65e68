"""Which of the platform's records about the chain a client may see.

Chain facts (blocks, transactions, balances) are public and shown to every caller. What the
platform *knows* is not: that it sent or relayed a transaction, and which addresses it
watches (a deposit address of one tenant must not be discoverable by another). Those are
shown only to the client they belong to:

- an outgoing transaction belongs to its ``client`` (the relaying client, or the client a
  domain app sent it for); the platform's own have none and are shown to nobody;
- a watched address belongs to the client of its owner row: the ``Client`` itself, or any
  model with a ``client`` foreign key (a customer, a client's wallet). Owners without one
  (platform wallets, or no owner) belong to nobody.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError

from lucid_payments.accounts.models import Client
from lucid_payments.tron.models import WatchedAddress


def owner_client_id(owner_type: str, owner_id: str) -> int | None:
    """The client an owner row (``app_label.model_name``, primary key) belongs to."""
    if not owner_type or not owner_id:
        return None
    try:
        model = apps.get_model(owner_type)
    except (LookupError, ValueError):
        return None
    try:
        if model is Client:
            return int(owner_id)
        model._meta.get_field("client")
        client_id = (
            model._default_manager.filter(pk=owner_id).values_list("client_id", flat=True).first()
        )
    except (FieldDoesNotExist, ValueError, ValidationError):
        return None
    return int(client_id) if client_id is not None else None


def addresses_of_client(*, network: str, addresses: Iterable[str], client_id: int) -> set[str]:
    """Those of ``addresses`` (base58) that the platform watches for ``client_id``."""
    wanted = {address for address in addresses if address}
    if not wanted:
        return set()
    rows = WatchedAddress.objects.filter(network=network, address__in=wanted).values_list(
        "address", "owner_type", "owner_id"
    )
    return {
        address
        for address, owner_type, owner_id in rows
        if owner_client_id(owner_type, owner_id) == client_id
    }
