"""The outbox rows: one delivery per subscribed endpoint, written with the event."""

from __future__ import annotations

from django.db import transaction

from gateway.webhooks.models import WebhookDelivery, WebhookEndpoint
from gateway.webhooks.queue import deliveries_enqueue
from lucid_payments.events.models import Event
from lucid_payments.events.types import event_matches


def deliveries_for_event(event: Event) -> None:
    """Event subscriber (runs inside the event's transaction): a delivery row for every
    enabled endpoint of the event's client whose patterns match, then, once committed, a
    task per delivery. If the enqueue is lost (a crash right after the commit), the sweep
    still finds the rows: nothing is lost, and a rolled-back change leaves no row to send."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(client_id=event.client_id, enabled=True)
        if event_matches(event.type, list(endpoint.events))
    ]
    if not endpoints:
        return
    created = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                event_type=event.type,
                next_attempt_at=event.created_at,
                # Enqueued once committed; the sweep steps in only if that was lost.
                enqueued_at=event.created_at,
            )
            for endpoint in endpoints
        ]
    )
    # Subscribers see each event once (a re-published key returns the first event without
    # calling them), so there is no conflict to ignore here.
    ids = [delivery.pk for delivery in created]
    transaction.on_commit(lambda: deliveries_enqueue(ids), robust=True)
