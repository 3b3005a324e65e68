from django.apps import AppConfig
from django.db.models.signals import post_migrate


class GatewayConfig(AppConfig):
    """Invoices, checkout, sweeps and refunds (to come); webhook endpoints and deliveries."""

    name = "gateway"
    label = "gateway"
    verbose_name = "Payment gateway"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every new event gets its delivery rows in the event's own transaction (the
        # outbox); the sweep picks up due deliveries whose task was lost.
        from gateway.webhooks.fanout import deliveries_for_event
        from gateway.webhooks.schedules import ensure_webhook_schedules
        from lucid_payments.events.hooks import event_subscribe

        event_subscribe(deliveries_for_event)
        post_migrate.connect(
            ensure_webhook_schedules, sender=self, dispatch_uid="gateway.webhooks.schedules"
        )
