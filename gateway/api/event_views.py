"""The events API (payment-gateway): a client catches up on what happened by polling."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.api.event_serializers import EventFilter, EventOutput, EventPageOutput
from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.schema import error_responses
from lucid_payments.events.selectors import event_get, event_page

TAGS = ["events"]


class EventListView(APIView):
    required_scope = Scope.GATEWAY

    @extend_schema(
        operation_id="event_list",
        tags=TAGS,
        summary="The caller's events, newest first",
        parameters=[EventFilter],
        responses={200: EventPageOutput, **error_responses(400, 401, 403, 429)},
    )
    def get(self, request: Request) -> Response:
        principal = request_principal(request)
        filters = EventFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        page = event_page(
            client_id=principal.client_id,
            limit=wanted["limit"],
            type_pattern=wanted.get("type"),
            object_id=wanted.get("object_id"),
            created_gte=wanted.get("created_gte"),
            created_lt=wanted.get("created_lt"),
            starting_after=wanted.get("starting_after"),
        )
        body = {
            "events": page.events,
            "has_more": page.has_more,
            "next_starting_after": page.events[-1].public_id if page.has_more else None,
        }
        return Response(EventPageOutput(body).data)


class EventDetailView(APIView):
    required_scope = Scope.GATEWAY

    @extend_schema(
        operation_id="event_retrieve",
        tags=TAGS,
        summary="One event",
        responses={200: EventOutput, **error_responses(401, 403, 404, 429)},
    )
    def get(self, request: Request, event_id: str) -> Response:
        principal = request_principal(request)
        event = event_get(client_id=principal.client_id, event_id=event_id)
        return Response(EventOutput(event).data)
