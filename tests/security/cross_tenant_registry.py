"""Where the cross-tenant matrix finds an object of the first tenant for each path with an
id in it (path template, as the services' OpenAPI documents spell it → what to call it with).

Every path of the six documents that takes a path parameter must be listed here: the matrix
fails for any that is not, so an endpoint cannot be added without cross-tenant coverage.
To add one, give the path a ``Owned`` entry naming the ids of the first tenant's object (the
keys of ``TenantWorld.ids``, extended in ``tenant_world.py`` if the object is new) and, for
a write, a body that passes validation, so the 404 is the lookup's and not the parser's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.security.tenant_world import kyc_form

Ids = Mapping[str, Any]


@dataclass(frozen=True)
class Owned:
    """A tenant's object: another client must get 404, exactly as for an id that does not
    exist, and nothing may change."""

    path_ids: Callable[[Ids], dict[str, Any]]
    # A valid body per method (upper case) for writes; "multipart" sends it as a form.
    bodies: dict[str, Callable[[Ids], dict[str, Any]]] = field(default_factory=dict)
    multipart: bool = False


@dataclass(frozen=True)
class PublicChain:
    """A fact of the public chain (an account, a block, a transaction): every caller may read
    it, so another client gets the answer a stranger gets, never what the platform knows
    about the first tenant's part in it."""

    path_ids: Callable[[Ids], dict[str, Any]]
    why: str


Entry = Owned | PublicChain


def _same(*names: str) -> Callable[[Ids], dict[str, Any]]:
    return lambda ids: {name: ids[name] for name in names}


REGISTRY: dict[str, Entry] = {
    # tron-client: the chain itself
    "/api/v1/accounts/{address}": PublicChain(
        lambda ids: {"address": ids["wallet_address"]}, "an account on the public chain"
    ),
    "/api/v1/blocks/{number}": PublicChain(lambda ids: {"number": 1}, "a block of the chain"),
    "/api/v1/transactions/{txid}": PublicChain(
        lambda ids: {"txid": ids["trx_txid"]}, "a transaction on the public chain"
    ),
    # payout-router
    "/api/v1/customers/{customer_id}": Owned(_same("customer_id")),
    "/api/v1/customers/{customer_id}/kyc": Owned(
        _same("customer_id"),
        bodies={"POST": lambda ids: kyc_form()},
        multipart=True,
    ),
    "/api/v1/payouts/{payout_id}": Owned(_same("payout_id")),
    "/api/v1/payouts/{payout_id}/cancel": Owned(_same("payout_id")),
    "/api/v1/payouts/batches/{batch_id}": Owned(lambda ids: {"batch_id": ids["payout_batch_id"]}),
    # wallet-manager
    "/api/v1/ledger/transfers/{transfer_id}": Owned(
        lambda ids: {"transfer_id": ids["ledger_transfer_id"]}
    ),
    "/api/v1/customers/{customer_id}/deposit-address": Owned(_same("customer_id")),
    "/api/v1/wallets/{wallet_id}": Owned(_same("wallet_id")),
    "/api/v1/wallets/{wallet_id}/addresses": Owned(
        _same("wallet_id"), bodies={"POST": lambda ids: {"label": "theirs"}}
    ),
    "/api/v1/wallets/{wallet_id}/transfers": Owned(
        _same("wallet_id"),
        bodies={
            "POST": lambda ids: {
                "to": ids["receiver"],
                "amount": {"amount": "1", "asset": "TRX"},
            }
        },
    ),
    # usdt-manager
    "/api/v1/usdt/allowances/{owner}/{spender}": PublicChain(
        lambda ids: {"owner": ids["wallet_address"], "spender": ids["receiver"]},
        "an allowance is contract state on the public chain",
    ),
    "/api/v1/usdt/balances/{address}": PublicChain(
        lambda ids: {"address": ids["wallet_address"]}, "a token balance on the public chain"
    ),
    "/api/v1/usdt/transactions/{txid}": PublicChain(
        lambda ids: {"txid": ids["usdt_txid"]}, "a transaction on the public chain"
    ),
    "/api/v1/usdt/transfers/{transfer_id}": Owned(_same("transfer_id")),
    # trx-staking
    "/api/v1/staking/delegations/{delegation_id}/undelegate": Owned(_same("delegation_id")),
    "/api/v1/staking/operations/{operation_id}": Owned(_same("operation_id")),
    "/api/v1/staking/resources/{wallet_id}": Owned(_same("wallet_id")),
    # payment-gateway
    "/api/v1/events/{event_id}": Owned(_same("event_id")),
    "/api/v1/invoices/{invoice_id}": Owned(_same("invoice_id")),
    "/api/v1/invoices/{invoice_id}/cancel": Owned(_same("invoice_id")),
    "/api/v1/sweeps/{sweep_id}": Owned(_same("sweep_id")),
    "/api/v1/invoices/{invoice_id}/refunds": Owned(
        _same("invoice_id"),
        bodies={"POST": lambda ids: {"amount": "1", "to_address": ids["receiver"]}},
    ),
    "/api/v1/webhook-endpoints/{endpoint_id}": Owned(
        _same("endpoint_id"), bodies={"PATCH": lambda ids: {"description": "taken over"}}
    ),
    "/api/v1/webhook-endpoints/{endpoint_id}/deliveries": Owned(_same("endpoint_id")),
    "/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver": Owned(
        _same("endpoint_id", "delivery_id")
    ),
    "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret": Owned(_same("endpoint_id")),
}
