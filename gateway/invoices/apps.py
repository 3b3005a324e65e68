from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    """Invoices: a fresh address per payment request, the hosted checkout page, refunds."""

    name = "gateway.invoices"
    label = "invoices"
    verbose_name = "Invoices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Payments are recorded from the scanner's hook, in the transaction that records
        # the transfer (wallets credits the client there too; the deposit event of an
        # invoice's address is ours to publish); refunds settle from the outgoing hook.
        from gateway.invoices.events import register_invoice_event_types
        from gateway.invoices.payments import invoice_addresses_claimed, payments_on_transfers
        from gateway.invoices.refunds import refund_on_outgoing
        from gateway.invoices.schedules import SCHEDULES
        from lucid_payments.core.schedules import schedules_register
        from lucid_payments.tron.hooks import transfer_subscribe_batch
        from lucid_payments.tron.outgoing.hooks import outgoing_subscribe
        from wallets.deposits import deposit_events_claim

        transfer_subscribe_batch(payments_on_transfers)
        deposit_events_claim(invoice_addresses_claimed)
        outgoing_subscribe(refund_on_outgoing)
        register_invoice_event_types()
        schedules_register(self, *SCHEDULES)
