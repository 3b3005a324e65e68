"""The invoices API (payment-gateway, 8097). One view per operation; services do the
work, selectors scope every lookup to the caller's client."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.invoices.api.serializers import (
    InvoiceCreateInput,
    InvoiceFilter,
    InvoiceOutput,
    InvoicePageOutput,
    RefundCreateInput,
    RefundListOutput,
    RefundOutput,
    invoice_body,
    invoice_output,
    refund_output,
)
from gateway.invoices.refunds import refund_create
from gateway.invoices.selectors import (
    InvoiceView,
    invoice_get,
    invoice_page,
    invoice_view,
    refund_list,
)
from gateway.invoices.services import invoice_cancel, invoice_create
from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.cancel_views import CancelView
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.money import Asset, MoneySerializer
from lucid_payments.core.paging import NewestFirstList, Page, Window
from lucid_payments.core.parsers import StrictJSONParser
from lucid_payments.core.schema import Operations

TAGS = ["invoices"]
API = Operations(*TAGS)
JSON_BODY_ONLY = [StrictJSONParser]
INVOICE_LIST = NewestFirstList(
    InvoiceFilter, InvoicePageOutput, key="invoices", tags=TAGS, item=invoice_body
)


class InvoiceListCreateView(IdempotentMixin, APIView):
    required_scope = Scope.GATEWAY
    parser_classes = JSON_BODY_ONLY
    idempotency_effect_model = "invoices.Invoice"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(invoice_output(invoice_view(obj)), status=201)

    @INVOICE_LIST.get(operation_id="invoice_list", summary="The caller's invoices, newest first")
    def get(self, request: Request, window: Window, filters: dict[str, Any]) -> Page[InvoiceView]:
        return invoice_page(
            client_id=request_principal(request).client_id, window=window, **filters
        )

    @API(
        "invoice_create",
        "Create an invoice on a fresh address (amount left out: a top-up invoice)",
        {201: InvoiceOutput},
        request=InvoiceCreateInput,
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        payload = InvoiceCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        wanted = payload.validated_data
        created = invoice_create(
            client=principal.client,
            asset=Asset(wanted["asset"]),
            amount=wanted["amount_units"],
            actor=AuditActor.api_key(principal.api_key),
            customer_id=wanted.get("customer_id"),
            order_id=wanted["order_id"],
            description=wanted["description"],
            metadata=wanted["metadata"],
            redirect_url=wanted["redirect_url"],
            expires_in=wanted.get("expires_in"),
        )
        return Response(created.body, status=201)


class InvoiceDetailView(APIView):
    required_scope = Scope.GATEWAY

    @API.retrieve("invoice_retrieve", "One invoice with its payments and settlement", InvoiceOutput)
    def get(self, request: Request, invoice_id: str) -> Response:
        principal = request_principal(request)
        invoice = invoice_get(client_id=principal.client_id, invoice_id=invoice_id)
        return Response(invoice_output(invoice_view(invoice)))


@API.cancel(
    "invoice_cancel", "Cancel an invoice no payment has reached yet (only while new)", InvoiceOutput
)
class InvoiceCancelView(CancelView):
    required_scope = Scope.GATEWAY

    def cancelled(self, request: Request, invoice_id: str) -> dict[str, Any]:
        principal = request_principal(request)
        invoice = invoice_get(client_id=principal.client_id, invoice_id=invoice_id)
        return invoice_output(invoice_view(invoice_cancel(invoice=invoice, actor=principal.actor)))


class RefundListCreateView(IdempotentMixin, APIView):
    required_scope = Scope.GATEWAY
    parser_classes = JSON_BODY_ONLY
    idempotency_effect_model = "invoices.Refund"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(refund_output(obj), status=202)

    @API(
        "invoice_refund_list",
        "The invoice's refunds, oldest first",
        RefundListOutput,
        errors=(404,),
    )
    def get(self, request: Request, invoice_id: str) -> Response:
        principal = request_principal(request)
        invoice = invoice_get(client_id=principal.client_id, invoice_id=invoice_id)
        refunds = [refund_output(refund) for refund in refund_list(invoice=invoice)]
        return Response(RefundListOutput({"refunds": refunds}).data)

    @API(
        "invoice_refund_create",
        "Refund part or all of what was paid, from your hot wallet (held on your "
        "balance; settled when final)",
        {202: RefundOutput},
        errors=(404,),
        request=RefundCreateInput,
    )
    def post(self, request: Request, invoice_id: str) -> Response:
        principal = request_principal(request)
        invoice = invoice_get(client_id=principal.client_id, invoice_id=invoice_id)
        payload = RefundCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        amount = MoneySerializer().run_validation(
            {"amount": payload.validated_data["amount"], "asset": invoice.asset}
        )
        refund = refund_create(
            invoice=invoice,
            amount=amount.units,
            to_address=payload.validated_data["to_address"],
            actor=AuditActor.api_key(principal.api_key),
        )
        return Response(refund_output(refund), status=202)
