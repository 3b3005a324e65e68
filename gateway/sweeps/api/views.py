"""The sweeps API (payment-gateway, 8097): read-only, scoped to the caller's client."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.sweeps.api.serializers import (
    SweepFilter,
    SweepOutput,
    SweepPageOutput,
    sweep_output,
)
from gateway.sweeps.selectors import sweep_get, sweep_page
from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.schema import error_responses

TAGS = ["sweeps"]


class SweepListView(APIView):
    required_scope = Scope.GATEWAY

    @extend_schema(
        operation_id="sweep_list",
        tags=TAGS,
        summary="The caller's sweeps (deposit addresses to the hot wallet, hot-wallet excess "
        "to the cold wallet), newest first",
        parameters=[SweepFilter],
        responses={200: SweepPageOutput, **error_responses(400, 401, 403, 404, 429)},
    )
    def get(self, request: Request) -> Response:
        principal = request_principal(request)
        filters = SweepFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        page = sweep_page(
            client_id=principal.client_id,
            limit=wanted["limit"],
            status=wanted.get("status"),
            kind=wanted.get("kind"),
            asset=wanted.get("asset"),
            created_gte=wanted.get("created_gte"),
            created_lt=wanted.get("created_lt"),
            starting_after=wanted.get("starting_after"),
        )
        body = {
            "sweeps": [sweep_output(sweep) for sweep in page.sweeps],
            "has_more": page.has_more,
            "next_starting_after": page.sweeps[-1].public_id if page.has_more else None,
        }
        return Response(SweepPageOutput(body).data)


class SweepDetailView(APIView):
    required_scope = Scope.GATEWAY

    @extend_schema(
        operation_id="sweep_retrieve",
        tags=TAGS,
        summary="One sweep with its transactions and costs",
        responses={200: SweepOutput, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, sweep_id: str) -> Response:
        principal = request_principal(request)
        return Response(sweep_output(sweep_get(client_id=principal.client_id, sweep_id=sweep_id)))
