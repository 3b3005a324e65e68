"""wallet-manager API (8093). One view per operation; services do the work, selectors
scope every lookup to the caller's client. No view ever touches key material."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.selectors import customer_get
from lucid_payments.core.errors import Unavailable
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.inputs import validated
from lucid_payments.core.money import Asset, Money, format_amount
from lucid_payments.core.parsers import StrictJSONParser
from lucid_payments.core.schema import Operations
from lucid_payments.tron.adapter.errors import NodeRejected
from lucid_payments.tron.selectors import outgoing_view
from wallets.api.pagination import LedgerEntryPagination
from wallets.api.serializers import (
    AddressCreateInput,
    BalancesFilter,
    BalancesOutput,
    LedgerEntryFilter,
    LedgerEntryOutput,
    TransferInput,
    TransferOutput,
    WalletAddressOutput,
    WalletCreateInput,
    WalletDetailOutput,
    WalletOutput,
    money,
    transfer_body,
)
from wallets.chain_reads import address_chain_view
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import AssetBalance, ledger_entries_for_client, owner_balances
from wallets.models.ledger import JournalEntry
from wallets.models.wallets import Wallet, WalletKind
from wallets.selectors import wallet_get, wallet_list
from wallets.services import customer_deposit_address, wallet_address_create, wallet_create
from wallets.transfers import wallet_trx_transfer

TAGS = ["wallets"]
API = Operations(*TAGS)
logger = logging.getLogger(__name__)
# Wallet bodies are JSON only. They carry no files, and in a form an empty value can
# vanish: Django's multipart parser drops a part sent without a body section (as
# werkzeug's encoder writes an empty field), so address="" would arrive as "no address".
# One body format, one set of rules; the document lists only application/json.
JSON_BODY_ONLY = [StrictJSONParser]

CHAIN_ERROR_MESSAGES = {
    "node_unavailable": "The TRON node did not answer; on-chain balances are unknown right now.",
    "node_bad_response": "The TRON node answered something unreadable; on-chain balances are "
    "unknown right now.",
    "node_rejected": "The TRON node refused the balance query.",
}


def _balances(balances: list[AssetBalance]) -> list[dict[str, Any]]:
    return [
        {
            "asset": b.asset.value,
            "available": money(b.available, b.asset),
            "held": money(b.held, b.asset),
        }
        for b in balances
    ]


def _chain(wallet: Wallet) -> tuple[dict[str, Any] | None, dict[str, str] | None]:
    """(chain view, None), or (None, why not) when the node cannot tell us right now: the
    wallet and its ledger view are still answered, and the caller sees why the chain part
    is missing instead of a bare null."""
    try:
        view = address_chain_view(wallet.address)
    except (Unavailable, NodeRejected) as exc:
        # The node's own message names the node's URL: logged for us, not shown to clients.
        logger.warning("wallet %s: chain view unavailable: %s", wallet.pk, exc.message)
        reason = CHAIN_ERROR_MESSAGES.get(exc.code, CHAIN_ERROR_MESSAGES["node_unavailable"])
        return None, {"code": exc.code, "message": reason}
    chain = {
        "activated": view["activated"],
        "trx": money(view["trx_sun"], Asset.TRX),
        "usdt": money(view["usdt_units"], Asset.USDT),
        "resources": view["resources"],
    }
    return chain, None


class WalletListCreateView(IdempotentMixin, APIView):
    required_scope = Scope.WALLETS
    parser_classes = JSON_BODY_ONLY
    idempotency_required = False  # creating a wallet moves no money; the key is optional
    idempotency_effect_model = "wallets.Wallet"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(WalletOutput(obj).data, status=201)

    @API("wallet_list", "The caller's wallets", WalletOutput(many=True))
    def get(self, request: Request) -> Response:
        principal = request_principal(request)
        return Response(WalletOutput(wallet_list(client=principal.client), many=True).data)

    @API(
        "wallet_create",
        "Create a wallet (hot, deposit, fee: derived from the platform seed; cold: watch-only)",
        {201: WalletOutput},
        request=WalletCreateInput,
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        payload = validated(WalletCreateInput, request.data)
        wallet = wallet_create(
            kind=WalletKind(payload["kind"]),
            client=principal.client,
            label=payload["label"],
            watch_only_address=payload.get("address"),
        )
        return Response(WalletOutput(wallet).data, status=201)


class WalletDetailView(APIView):
    required_scope = Scope.WALLETS

    @API.retrieve(
        "wallet_retrieve",
        "A wallet with its on-chain TRX and USDT balances, resources and ledger view",
        WalletDetailOutput,
    )
    def get(self, request: Request, wallet_id: int) -> Response:
        principal = request_principal(request)
        wallet = wallet_get(client=principal.client, wallet_id=wallet_id)
        body = dict(WalletOutput(wallet).data)
        # A network call: no transaction is open here.
        body["chain"], body["chain_error"] = _chain(wallet)
        body["ledger"] = _balances(owner_balances(owner=LedgerOwner.client(principal.client_id)))
        # The wallet's fields, already rendered, plus the parts read beside it: a dict,
        # which a model serializer renders as well as the model (its stubs want the model).
        return Response(WalletDetailOutput(body).data)  # type: ignore[arg-type]


class WalletAddressCreateView(IdempotentMixin, APIView):
    required_scope = Scope.WALLETS
    parser_classes = JSON_BODY_ONLY
    idempotency_required = False
    idempotency_effect_model = "wallets.WalletAddress"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(WalletAddressOutput(obj).data, status=201)

    @API(
        "wallet_address_create",
        "Derive the wallet's next address",
        {201: WalletAddressOutput},
        errors=(404,),
        request=AddressCreateInput,
    )
    def post(self, request: Request, wallet_id: int) -> Response:
        principal = request_principal(request)
        wallet = wallet_get(client=principal.client, wallet_id=wallet_id)
        payload = validated(AddressCreateInput, request.data)
        address = wallet_address_create(wallet=wallet, label=payload["label"])
        return Response(WalletAddressOutput(address).data, status=201)


class CustomerDepositAddressView(APIView):
    required_scope = Scope.WALLETS

    @API(
        "customer_deposit_address",
        "The customer's deposit address (created on first call, then the same one)",
        {200: WalletAddressOutput, 201: WalletAddressOutput},
        errors=(404,),
        request=None,
    )
    def post(self, request: Request, customer_id: int) -> Response:
        principal = request_principal(request)
        customer = customer_get(client=principal.client, customer_id=customer_id)
        address, created = customer_deposit_address(customer=customer)
        return Response(WalletAddressOutput(address).data, status=201 if created else 200)


class WalletTransferView(IdempotentMixin, APIView):
    required_scope = Scope.WALLETS
    parser_classes = JSON_BODY_ONLY
    idempotency_effect_model = "tron.OutgoingTransaction"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(TransferOutput(transfer_body(outgoing_view(obj))).data, status=202)

    @API(
        "wallet_transfer_create",
        "Send TRX from a hot wallet (held on the ledger; settled when final)",
        {202: TransferOutput},
        errors=(404,),
        request=TransferInput,
    )
    def post(self, request: Request, wallet_id: int) -> Response:
        principal = request_principal(request)
        wallet = wallet_get(client=principal.client, wallet_id=wallet_id)
        payload = validated(TransferInput, request.data)
        amount: Money = payload["amount"]
        outgoing = wallet_trx_transfer(
            wallet=wallet,
            to=payload["to"],
            amount_sun=amount.units,
            actor=principal.actor,
        )
        return Response(TransferOutput(transfer_body(outgoing)).data, status=202)


class BalancesView(APIView):
    required_scope = Scope.WALLETS

    @API.read(
        "balances_retrieve",
        "Available and held balances per asset: the caller's client, or one customer",
        BalancesOutput,
        errors=(404,),
        query=BalancesFilter,
    )
    def get(self, request: Request, filters: dict[str, Any]) -> Response:
        principal = request_principal(request)
        customer_id = filters.get("customer")
        if customer_id is None:
            owner = LedgerOwner.client(principal.client_id)
        else:
            customer = customer_get(client=principal.client, customer_id=customer_id)
            owner = LedgerOwner.customer(customer.pk, client_id=customer.client_id)
        body = {
            "owner": str(owner.type),
            "owner_id": owner.id,
            "balances": _balances(owner_balances(owner=owner)),
        }
        return Response(BalancesOutput(body).data)


def _entry_body(entry: JournalEntry) -> dict[str, Any]:
    postings = []
    for posting in entry.visible_postings:  # type: ignore[attr-defined]
        account = posting.account
        postings.append(
            {
                "owner": account.owner_type,
                "owner_id": account.owner_id,
                "asset": account.asset,
                "bucket": account.bucket,
                "amount": format_amount(posting.amount, account.asset),
                "balance_after": format_amount(posting.balance_after, account.asset),
            }
        )
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "reference": entry.reference,
        "description": entry.description,
        "created_at": entry.created_at,
        "postings": postings,
    }


class LedgerEntryListView(APIView):
    required_scope = Scope.WALLETS
    # Read by drf-spectacular too: the 200 is documented as the paginated envelope.
    pagination_class = LedgerEntryPagination

    @API.read(
        "ledger_entry_list",
        "Ledger entries on the caller's and its customers' accounts, newest first",
        LedgerEntryOutput(many=True),
        errors=(404,),
        query=LedgerEntryFilter,
    )
    def get(self, request: Request, wanted: dict[str, Any]) -> Response:
        principal = request_principal(request)
        if "customer" in wanted:
            # Another client's customer is 404 exactly as a non-existent one: ids reveal nothing.
            customer_get(client=principal.client, customer_id=wanted["customer"])
        entries = ledger_entries_for_client(
            client_id=principal.client_id,
            asset=wanted.get("asset"),
            kind=wanted.get("kind"),
            customer_id=wanted.get("customer"),
            created_after=wanted.get("created_after"),
            created_before=wanted.get("created_before"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(entries, request, view=self) or []
        bodies = [_entry_body(entry) for entry in page]
        return paginator.get_paginated_response(LedgerEntryOutput(bodies, many=True).data)
