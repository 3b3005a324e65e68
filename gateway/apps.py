from django.apps import AppConfig


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
        from gateway.webhooks.schedules import SCHEDULES
        from lucid_payments.core.schedules import schedules_register
        from lucid_payments.events.hooks import event_subscribe

        event_subscribe(deliveries_for_event)
        schedules_register(self, *SCHEDULES)
