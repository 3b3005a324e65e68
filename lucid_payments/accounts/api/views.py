"""Customers and KYC submission (payout-router). One view per operation; the work is done
by services and selectors, every lookup scoped to the caller's client."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.api.serializers import (
    CustomerCreateInput,
    CustomerOutput,
    KycApplicationOutput,
    KycSubmitInput,
)
from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.kyc_services import KycIdentity, kyc_submit
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.selectors import customer_get
from lucid_payments.accounts.services import customer_create
from lucid_payments.core.errors import RequestTooLarge
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.schema import Operations

API = Operations("customers")


class CustomerCreateView(IdempotentMixin, APIView):
    required_scope = Scope.PAYOUTS
    idempotency_effect_model = "accounts.Customer"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(CustomerOutput(obj).data, status=201)

    @API(
        "customer_create",
        "Register a customer",
        {201: CustomerOutput},
        request=CustomerCreateInput,
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        payload = CustomerCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        customer = customer_create(
            client=principal.client,
            actor=principal.actor,
            **payload.validated_data,
        )
        return Response(CustomerOutput(customer).data, status=201)


class CustomerDetailView(APIView):
    required_scope = Scope.PAYOUTS

    @API.retrieve("customer_retrieve", "A customer and the state of its KYC", CustomerOutput)
    def get(self, request: Request, customer_id: int) -> Response:
        principal = request_principal(request)
        customer = customer_get(client=principal.client, customer_id=customer_id)
        return Response(CustomerOutput(customer).data)


class CustomerKycSubmitView(APIView):
    required_scope = Scope.PAYOUTS
    parser_classes = [MultiPartParser]

    @API(
        "customer_kyc_submit",
        "Submit identity data and documents for review",
        {201: KycApplicationOutput},
        errors=(404, 409),
        request={"multipart/form-data": KycSubmitInput},
        description="multipart/form-data. Each file must be JPEG, PNG or PDF (recognised from "
        "its content, which must match the declared type) and at most "
        "KYC_DOCUMENT_MAX_BYTES. Level 'full' also needs 'selfie' and 'proof_of_address'.",
    )
    def post(self, request: Request, customer_id: int) -> Response:
        principal = request_principal(request)
        # Refuse oversized bodies before the parser spools them to disk.
        if _content_length(request) > _max_kyc_request_bytes():
            raise RequestTooLarge(
                f"The upload is larger than the {_max_kyc_request_bytes()} bytes accepted."
            )
        customer = customer_get(client=principal.client, customer_id=customer_id)
        payload = KycSubmitInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        application = kyc_submit(
            customer=customer,
            level=data["level"],
            identity=KycIdentity(
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                country=data["country"],
                document_type=data["document_type"],
                document_number=data["document_number"],
            ),
            documents=payload.document_uploads(),
            actor=principal.actor,
        )
        return Response(KycApplicationOutput(application).data, status=201)


def _content_length(request: Request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _max_kyc_request_bytes() -> int:
    # Four documents at the limit plus room for the text fields and multipart framing.
    return 4 * int(settings.KYC_DOCUMENT_MAX_BYTES) + 64 * 1024
