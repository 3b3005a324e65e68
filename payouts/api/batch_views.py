"""The payout batch API (payout-router, 8092): accept a batch, list batches, read one with
every item's result. The service does the work; selectors scope lookups to the caller."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.inputs import validated
from lucid_payments.core.paging import NewestFirstList, Page, Window
from lucid_payments.core.parsers import StrictJSONParser
from lucid_payments.core.schema import Operations
from payouts.api.batch_serializers import (
    PayoutBatchCreateInput,
    PayoutBatchDetailOutput,
    PayoutBatchFilter,
    PayoutBatchPageOutput,
    batch_items,
    payout_batch_body,
    payout_batch_detail_output,
)
from payouts.batch_models import PayoutBatch, PayoutBatchSchedule
from payouts.batch_selectors import payout_batch_get, payout_batch_page
from payouts.batches import payout_batch_create

TAGS = ["payout batches"]
API = Operations(*TAGS)
BATCH_LIST = NewestFirstList(
    PayoutBatchFilter, PayoutBatchPageOutput, key="batches", tags=TAGS, item=payout_batch_body
)


class PayoutBatchListCreateView(IdempotentMixin, APIView):
    required_scope = Scope.PAYOUTS
    parser_classes = [StrictJSONParser]
    idempotency_effect_model = "payouts.PayoutBatch"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(payout_batch_detail_output(obj), status=201)

    @BATCH_LIST.get(
        operation_id="payout_batch_list",
        summary="Your payout batches, newest first (without their items)",
    )
    def get(self, request: Request, window: Window, filters: dict[str, Any]) -> Page[PayoutBatch]:
        return payout_batch_page(
            client_id=request_principal(request).client_id, window=window, **filters
        )

    @API(
        "payout_batch_create",
        "Pay out up to 1,000 payouts at once: all accepted and held, or none",
        {201: PayoutBatchDetailOutput},
        errors=(404,),
        request=PayoutBatchCreateInput,
        description="Each item is what POST /payouts takes and becomes a payout, held at "
        "once on its funding balance. The items are checked in order; the first refused "
        "one refuses the batch with its error, naming it (fields items[3].amount). "
        "hourly and daily batches wait, held, in status scheduled until the next full "
        "UTC hour or UTC midnight, then their items are sent in order. An item above your "
        "approval threshold waits for operators, like any payout.",
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        payload = validated(PayoutBatchCreateInput, request.data)
        batch = payout_batch_create(
            client=principal.client,
            items=batch_items(payload),
            schedule=PayoutBatchSchedule(payload["schedule"]),
            actor=principal.actor,
        )
        return Response(payout_batch_detail_output(batch), status=201)


class PayoutBatchDetailView(APIView):
    required_scope = Scope.PAYOUTS

    @API.retrieve(
        "payout_batch_retrieve",
        "One payout batch, with every item's result in order",
        PayoutBatchDetailOutput,
    )
    def get(self, request: Request, batch_id: str) -> Response:
        principal = request_principal(request)
        batch = payout_batch_get(client_id=principal.client_id, batch_id=batch_id)
        return Response(payout_batch_detail_output(batch))
