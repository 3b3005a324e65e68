"""manage.py redeliver_webhooks — send an endpoint's deliveries again.

After a receiver's outage longer than the retry schedule (3 days), or a bug on its side:
every chosen delivery starts a new round of the retry schedule, with the same webhook-id
(the event's id), so a receiver that already processed one can recognise the duplicate.
Each redelivery is audited (actor: system "redeliver_webhooks"). Safe to run twice: a
delivery is sent again, never lost, and receivers deduplicate on webhook-id.

  manage.py redeliver_webhooks --endpoint we_… [--since 2026-01-31T00:00Z] [--failed-only]
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_naive, make_aware
from rich.console import Console
from rich.progress import Progress

from gateway.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from gateway.webhooks.services import delivery_redeliver
from lucid_payments.core.audit import AuditActor


class Command(BaseCommand):
    help = (
        "Redeliver an endpoint's webhook deliveries (same webhook-id, a new retry schedule), "
        "optionally only those created since a time and/or only the failed ones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--endpoint", required=True, help="the endpoint's id (we_…)")
        parser.add_argument(
            "--since",
            help="only deliveries created at or after this ISO 8601 time (UTC when no offset)",
        )
        parser.add_argument(
            "--failed-only", action="store_true", help="only deliveries that failed for good"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=self.stdout)  # type: ignore[arg-type]
        endpoint = WebhookEndpoint.objects.filter(public_id=options["endpoint"]).first()
        if endpoint is None:
            raise CommandError(f"No webhook endpoint {options['endpoint']!r}.")
        deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
        if options["since"]:
            try:
                since = parse_datetime(options["since"])
            except ValueError:  # well formed, but no such time (month 13)
                since = None
            if since is None:
                raise CommandError(f"--since {options['since']!r} is not an ISO 8601 time.")
            deliveries = deliveries.filter(
                created_at__gte=make_aware(since) if is_naive(since) else since
            )
        if options["failed_only"]:
            deliveries = deliveries.filter(status=DeliveryStatus.FAILED)
        chosen = list(deliveries.order_by("id"))
        actor = AuditActor.system("redeliver_webhooks")
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(f"Redelivering to {endpoint.public_id}", total=len(chosen))
            for delivery in chosen:
                delivery_redeliver(delivery=delivery, actor=actor)
                progress.advance(task)
        console.print(f"Queued {len(chosen)} deliveries to {endpoint.public_id} again.")
        if not endpoint.enabled:
            console.print(
                "[yellow]The endpoint is disabled: its deliveries wait until it is "
                "enabled again.[/yellow]"
            )
