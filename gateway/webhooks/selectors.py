"""Reads of webhook endpoints and deliveries, always scoped to one client: another
client's id is a 404 exactly as a missing one."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from gateway.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from lucid_payments.core.errors import InvalidInput, NotFound
from lucid_payments.core.paging import Page, Window


def endpoint_list(*, client_id: int) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(client_id=client_id).order_by("-id")


def endpoint_get(*, client_id: int, endpoint_id: str) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(client_id=client_id, public_id=endpoint_id).first()
    if endpoint is None:
        raise NotFound("No such webhook endpoint.", code="webhook_endpoint_not_found")
    return endpoint


def _with_attempts(deliveries: QuerySet[WebhookDelivery]) -> QuerySet[WebhookDelivery]:
    return deliveries.select_related("event").prefetch_related(
        Prefetch("attempts", queryset=WebhookAttempt.objects.order_by("id"))
    )


def delivery_get(*, endpoint: WebhookEndpoint, delivery_id: str) -> WebhookDelivery:
    delivery = (
        _with_attempts(WebhookDelivery.objects.filter(endpoint=endpoint))
        .filter(public_id=delivery_id)
        .first()
    )
    if delivery is None:
        raise NotFound("No such delivery for this endpoint.", code="webhook_delivery_not_found")
    return delivery


def delivery_page(
    *, endpoint: WebhookEndpoint, window: Window, status: str | None = None
) -> Page[WebhookDelivery]:
    """The endpoint's deliveries with their attempts, newest first; ``starting_after`` (a
    delivery id of the previous page) continues with older ones."""
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    if status is not None:
        deliveries = deliveries.filter(status=status)

    def cursor(public_id: str) -> WebhookDelivery:
        delivery = WebhookDelivery.objects.filter(endpoint=endpoint, public_id=public_id).first()
        if delivery is None:
            raise InvalidInput(
                "starting_after is not a delivery of this endpoint.",
                code="invalid_cursor",
                fields={"starting_after": ["Not a delivery of this endpoint."]},
            )
        return delivery

    return window.page(_with_attempts(deliveries), cursor)
