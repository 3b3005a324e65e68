"""The webhook endpoints API (payment-gateway). One view per operation; services do the
work, selectors scope every lookup to the caller's client (another client's id is 404)."""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gateway.api.webhook_serializers import (
    DeliveryFilter,
    DeliveryOutput,
    DeliveryPageOutput,
    EndpointCreateInput,
    EndpointOutput,
    EndpointUpdateInput,
    EndpointWithSecretOutput,
)
from gateway.webhooks.selectors import delivery_get, delivery_page, endpoint_get, endpoint_list
from gateway.webhooks.services import (
    EndpointWithSecret,
    delivery_redeliver,
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_update,
)
from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.inputs import validated
from lucid_payments.core.paging import Window
from lucid_payments.core.parsers import StrictJSONParser
from lucid_payments.core.schema import Operations

TAGS = ["webhooks"]
API = Operations(*TAGS)
# JSON bodies only: one body format, one set of rules (see wallets/api/views.py).
JSON_BODY_ONLY = [StrictJSONParser]
# The secret is shown once: an idempotent replay answers it as null, and the stored
# response never holds it.
SECRET_FIELDS: frozenset[str] = frozenset({"secret"})


def _with_secret(made: EndpointWithSecret) -> dict[str, Any]:
    return dict(EndpointWithSecretOutput(made.endpoint, context={"secret": made.secret}).data)


class EndpointListCreateView(IdempotentMixin, APIView):
    required_scope = Scope.GATEWAY
    parser_classes = JSON_BODY_ONLY
    idempotency_required = False  # registering an endpoint moves no money
    idempotency_redacted_fields: ClassVar[frozenset[str]] = SECRET_FIELDS
    idempotency_effect_model = "gateway.WebhookEndpoint"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        # The secret is shown once: a replay answers null, as a stored replay would.
        return Response(
            dict(EndpointWithSecretOutput(obj, context={"secret": None}).data), status=201
        )

    @API(
        "webhook_endpoint_list",
        "The caller's webhook endpoints (secrets are never listed)",
        EndpointOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        principal = request_principal(request)
        endpoints = endpoint_list(client_id=principal.client_id)
        return Response([EndpointOutput(endpoint).data for endpoint in endpoints])

    @API(
        "webhook_endpoint_create",
        "Register a webhook endpoint; the answer shows its signing secret once",
        {201: EndpointWithSecretOutput},
        request=EndpointCreateInput,
        description="The URL must be http(s) and resolve to public addresses only "
        "(`webhook_url_not_allowed` otherwise); plain http may be refused by the operator.",
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        payload = validated(EndpointCreateInput, request.data)
        made = endpoint_create(
            client=principal.client,
            actor=principal.actor,
            **payload,
        )
        return Response(_with_secret(made), status=201)


class EndpointDetailView(APIView):
    required_scope = Scope.GATEWAY
    parser_classes = JSON_BODY_ONLY

    @API.retrieve("webhook_endpoint_retrieve", "One webhook endpoint", EndpointOutput)
    def get(self, request: Request, endpoint_id: str) -> Response:
        principal = request_principal(request)
        endpoint = endpoint_get(client_id=principal.client_id, endpoint_id=endpoint_id)
        return Response(EndpointOutput(endpoint).data)

    @API(
        "webhook_endpoint_update",
        "Change the URL, the event types, the description, or enable/disable",
        EndpointOutput,
        errors=(404,),
        request=EndpointUpdateInput,
    )
    def patch(self, request: Request, endpoint_id: str) -> Response:
        principal = request_principal(request)
        endpoint = endpoint_get(client_id=principal.client_id, endpoint_id=endpoint_id)
        payload = validated(EndpointUpdateInput, request.data)
        updated = endpoint_update(
            endpoint=endpoint,
            actor=principal.actor,
            **payload,
        )
        return Response(EndpointOutput(updated).data)

    @API(
        "webhook_endpoint_delete",
        "Delete the endpoint and its delivery log (the events stay)",
        {204: None},
        errors=(404,),
    )
    def delete(self, request: Request, endpoint_id: str) -> Response:
        principal = request_principal(request)
        endpoint = endpoint_get(client_id=principal.client_id, endpoint_id=endpoint_id)
        endpoint_delete(endpoint=endpoint, actor=principal.actor)
        return Response(status=204)


class EndpointRotateSecretView(IdempotentMixin, APIView):
    required_scope = Scope.GATEWAY
    parser_classes = JSON_BODY_ONLY
    idempotency_required = False
    idempotency_redacted_fields: ClassVar[frozenset[str]] = SECRET_FIELDS

    @API(
        "webhook_endpoint_rotate_secret",
        "A new signing secret (shown once); the previous one keeps signing for 24 h",
        EndpointWithSecretOutput,
        errors=(404,),
        request=None,
        description="During the 24 h every delivery carries two signatures in "
        "webhook-signature, one per secret, so the receiver can switch at any moment.",
    )
    def post(self, request: Request, endpoint_id: str) -> Response:
        principal = request_principal(request)
        endpoint = endpoint_get(client_id=principal.client_id, endpoint_id=endpoint_id)
        made = endpoint_rotate_secret(endpoint=endpoint, actor=principal.actor)
        return Response(_with_secret(made))


class DeliveryListView(APIView):
    required_scope = Scope.GATEWAY

    @API(
        "webhook_delivery_list",
        "The endpoint's deliveries with every attempt, newest first",
        DeliveryPageOutput,
        errors=(404,),
        query=DeliveryFilter,
    )
    def get(self, request: Request, endpoint_id: str) -> Response:
        principal = request_principal(request)
        endpoint = endpoint_get(client_id=principal.client_id, endpoint_id=endpoint_id)
        # Not NewestFirstList: the endpoint is looked up (404) before the query is read.
        window, filters = Window.split(validated(DeliveryFilter, request.query_params))
        page = delivery_page(endpoint=endpoint, window=window, **filters)
        body = {
            "deliveries": page.items,
            "has_more": page.has_more,
            "next_starting_after": page.next_starting_after,
        }
        return Response(DeliveryPageOutput(body).data)


class DeliveryRedeliverView(IdempotentMixin, APIView):
    required_scope = Scope.GATEWAY
    parser_classes = JSON_BODY_ONLY
    idempotency_required = False

    @API(
        "webhook_delivery_redeliver",
        "Send a delivery again now (same webhook-id), with a fresh retry schedule",
        {202: DeliveryOutput},
        errors=(404,),
        request=None,
    )
    def post(self, request: Request, endpoint_id: str, delivery_id: str) -> Response:
        principal = request_principal(request)
        endpoint = endpoint_get(client_id=principal.client_id, endpoint_id=endpoint_id)
        delivery = delivery_get(endpoint=endpoint, delivery_id=delivery_id)
        delivery_redeliver(delivery=delivery, actor=principal.actor)
        # Read again: in a synchronous setup the attempt may already have been made.
        refreshed = delivery_get(endpoint=endpoint, delivery_id=delivery_id)
        return Response(DeliveryOutput(refreshed).data, status=202)
