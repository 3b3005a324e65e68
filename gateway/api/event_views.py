"""The events API (payment-gateway): a client catches up on what happened by polling."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.api.event_serializers import EventFilter, EventOutput, EventPageOutput
from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.paging import NewestFirstList, Page, Window
from lucid_payments.core.schema import Operations
from lucid_payments.events.models import Event
from lucid_payments.events.selectors import event_get, event_page

TAGS = ["events"]
API = Operations(*TAGS)
# A cursor that is not one of the caller's events is a 400, never a 404.
EVENT_LIST = NewestFirstList(EventFilter, EventPageOutput, key="events", tags=TAGS, errors=())


class EventListView(APIView):
    required_scope = Scope.GATEWAY

    @EVENT_LIST.get(operation_id="event_list", summary="The caller's events, newest first")
    def get(self, request: Request, window: Window, filters: dict[str, Any]) -> Page[Event]:
        type_pattern = filters.pop("type", None)
        client_id = request_principal(request).client_id
        return event_page(client_id=client_id, type_pattern=type_pattern, window=window, **filters)


class EventDetailView(APIView):
    required_scope = Scope.GATEWAY

    @API.retrieve("event_retrieve", "One event", EventOutput)
    def get(self, request: Request, event_id: str) -> Response:
        principal = request_principal(request)
        event = event_get(client_id=principal.client_id, event_id=event_id)
        return Response(EventOutput(event).data)
