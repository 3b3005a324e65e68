"""Book transfers on wallet-manager (8093): ledger money between the calling client and
its own customers. One view per operation; the service books, selectors scope every
lookup to the caller's client (another tenant's customer or transfer is a 404)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.models import Client, Customer
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.selectors import customer_get
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.inputs import validated
from lucid_payments.core.money import Money
from lucid_payments.core.paging import NewestFirstList, Page, Window
from lucid_payments.core.parsers import StrictJSONParser
from lucid_payments.core.schema import Operations
from wallets.api.ledger_transfer_serializers import (
    LedgerTransferFilter,
    LedgerTransferInput,
    LedgerTransferOutput,
    LedgerTransferPageOutput,
    ledger_transfer_output,
)
from wallets.ledger_transfers import BookTransfer, ledger_transfer_create
from wallets.models.ledger_transfers import LedgerTransfer, LedgerTransferParty
from wallets.selectors import ledger_transfer_get, ledger_transfer_page

TAGS = ["ledger"]
API = Operations(*TAGS)
LEDGER_TRANSFER_LIST = NewestFirstList(
    LedgerTransferFilter,
    LedgerTransferPageOutput,
    key="transfers",
    tags=TAGS,
    item=ledger_transfer_output,
)


def _customer(client: Client, party: dict[str, Any]) -> Customer | None:
    if party["type"] == LedgerTransferParty.CLIENT:
        return None
    return customer_get(client=client, customer_id=party["customer_id"])


class LedgerTransferListCreateView(IdempotentMixin, APIView):
    required_scope = Scope.WALLETS
    parser_classes = [StrictJSONParser]
    # Only a transfer this request booked is its effect; one it found already booked under
    # the same reference is found again by a retry (and answered 200 again).
    idempotency_effect_model = "wallets.LedgerTransfer"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(ledger_transfer_output(obj), status=201)

    @LEDGER_TRANSFER_LIST.get(
        operation_id="ledger_transfer_list", summary="The caller's book transfers, newest first"
    )
    def get(
        self, request: Request, window: Window, filters: dict[str, Any]
    ) -> Page[LedgerTransfer]:
        client = request_principal(request).client
        if "customer_id" in filters:
            customer_get(client=client, customer_id=filters["customer_id"])
        return ledger_transfer_page(client=client, window=window, **filters)

    @API(
        "ledger_transfer_create",
        "Move available balance between you and one of your customers (no chain "
        "transaction): a customer pays you, or you credit a customer",
        {200: LedgerTransferOutput, 201: LedgerTransferOutput},
        errors=(404,),
        request=LedgerTransferInput,
        description="201 when booked; 200 with the transfer already booked when the same "
        "reference comes with the same body. 422 insufficient_funds when the payer's "
        "available balance is short (nothing is booked); 409 when the reference names "
        "another transfer.",
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        wanted = validated(LedgerTransferInput, request.data)
        amount: Money = wanted["amount"]
        transfer, created = ledger_transfer_create(
            client=principal.client,
            wanted=BookTransfer(
                from_customer=_customer(principal.client, wanted["from"]),
                to_customer=_customer(principal.client, wanted["to"]),
                asset=amount.asset,
                amount=amount.units,
                reference=wanted["reference"],
                description=wanted["description"],
            ),
            actor=principal.actor,
        )
        return Response(ledger_transfer_output(transfer), status=201 if created else 200)


class LedgerTransferDetailView(APIView):
    required_scope = Scope.WALLETS

    @API.retrieve("ledger_transfer_retrieve", "One book transfer", LedgerTransferOutput)
    def get(self, request: Request, transfer_id: str) -> Response:
        principal = request_principal(request)
        transfer = ledger_transfer_get(client=principal.client, transfer_id=transfer_id)
        return Response(ledger_transfer_output(transfer))
