"""Custody: which addresses hold money we answer for, and which transfers change whose it is.

The rule is decided by what we can sign for, never by what someone declared:

- An address is in custody only if its key is in our keystore (a hot, deposit or fee
  wallet, derived from the platform seed or imported), or it is a platform cold wallet that
  an operator added in the admin (no client). A client's watch-only ("cold") address is
  the client's own business: money sent to it leaves custody like money sent anywhere
  else, and money sent from it is as external as a stranger's.
- Every address in custody has one ledger owner: the customer for a customer's deposit
  address, otherwise the wallet's client, otherwise the platform.
- A final transfer to an address in custody credits that owner, once, unless it is an
  internal movement: a transaction we sent that does not change whose money it is (sweeps,
  fee top-ups, delegations, a client moving TRX between its own wallets). Whether a
  transaction is one is decided when it is created and written into its outgoing
  reference (``internal_reference``), so the sending side (release the hold: still in
  custody) and the receiving side (no credit) read one decision, whenever each runs.
- Any other transaction we send for a client changes owner: the sender's hold is settled
  and, if it went to an address in custody, that address's owner is credited. One
  tenant's withdrawal to another tenant's deposit address is a deposit for the second.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from lucid_payments.accounts.models import Customer
from lucid_payments.tron.selectors import (
    outgoing_references_by_txid,
    outgoing_txids_with_reference_prefix,
)
from wallets.ledger.owners import LedgerOwner
from wallets.models.wallets import Wallet, WalletAddress

INTERNAL_PREFIX = "internal:"


def holds_custody(wallet: Wallet) -> bool:
    """Whether money on ``wallet``'s addresses is money we answer for (see the module)."""
    return wallet.can_sign or wallet.client_id is None


def custody_owners(addresses: Collection[str], *, network: str) -> dict[str, LedgerOwner]:
    """address → its ledger owner, for those of ``addresses`` that are in custody.

    One array parameter: while the scanner catches up this runs for a block's ~150
    addresses, and an ``__in`` costs Django a prepared parameter each."""
    if not addresses:
        return {}
    table = connection.ops.quote_name
    sql = (
        "SELECT a.address, a.customer_id, c.client_id, w.client_id "  # noqa: S608 - our identifiers only
        f"FROM {table(WalletAddress._meta.db_table)} a "
        f"JOIN {table(Wallet._meta.db_table)} w ON w.id = a.wallet_id "
        f"LEFT JOIN {table(Customer._meta.db_table)} c ON c.id = a.customer_id "
        "WHERE a.address = ANY(%s) AND a.in_custody AND w.network = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(addresses), network])
        return {
            address: _owner(customer_id, customer_client_id, wallet_client_id)
            for address, customer_id, customer_client_id, wallet_client_id in cursor.fetchall()
        }


def _owner(
    customer_id: int | None, customer_client_id: int | None, wallet_client_id: int | None
) -> LedgerOwner:
    if customer_id is not None and customer_client_id is not None:
        return LedgerOwner.customer(customer_id, client_id=customer_client_id)
    if wallet_client_id is not None:
        return LedgerOwner.client(wallet_client_id)
    return LedgerOwner.platform()


def custody_owner(address: str, *, network: str) -> LedgerOwner | None:
    return custody_owners([address], network=network).get(address)


def custody_addresses(*, network: str) -> QuerySet[WalletAddress]:
    """Every address in custody on ``network``."""
    return WalletAddress.objects.filter(in_custody=True, wallet__network=network)


def internal_reference(reference: str) -> str:
    """``reference`` marked as an internal movement (see the module)."""
    return f"{INTERNAL_PREFIX}{reference}"


def is_internal_reference(reference: str) -> bool:
    return reference.startswith(INTERNAL_PREFIX)


def internal_movement_txids(*, network: str, txids: Collection[str]) -> set[str]:
    """Those of ``txids`` that are our own internal movements."""
    references = outgoing_references_by_txid(network=network, txids=txids)
    return {txid for txid, reference in references.items() if is_internal_reference(reference)}


def internal_movement_txids_query(*, network: str) -> QuerySet[Any, Any]:
    """The txids of every internal movement, as a subquery for ``txid__in``."""
    return outgoing_txids_with_reference_prefix(network=network, prefix=INTERNAL_PREFIX)
