"""The sweeps API (payment-gateway, 8097): read-only, scoped to the caller's client."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.sweeps.api.serializers import (
    SweepFilter,
    SweepOutput,
    SweepPageOutput,
    sweep_output,
)
from gateway.sweeps.models import Sweep
from gateway.sweeps.selectors import sweep_get, sweep_page
from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.paging import NewestFirstList, Page, Window
from lucid_payments.core.schema import Operations

TAGS = ["sweeps"]
API = Operations(*TAGS)
SWEEP_LIST = NewestFirstList(
    SweepFilter, SweepPageOutput, key="sweeps", tags=TAGS, item=sweep_output
)


class SweepListView(APIView):
    required_scope = Scope.GATEWAY

    @SWEEP_LIST.get(
        operation_id="sweep_list",
        summary="The caller's sweeps (deposit addresses to the hot wallet, hot-wallet excess "
        "to the cold wallet), newest first",
    )
    def get(self, request: Request, window: Window, filters: dict[str, Any]) -> Page[Sweep]:
        return sweep_page(client_id=request_principal(request).client_id, window=window, **filters)


class SweepDetailView(APIView):
    required_scope = Scope.GATEWAY

    @API.retrieve("sweep_retrieve", "One sweep with its transactions and costs", SweepOutput)
    def get(self, request: Request, sweep_id: str) -> Response:
        principal = request_principal(request)
        return Response(sweep_output(sweep_get(client_id=principal.client_id, sweep_id=sweep_id)))
