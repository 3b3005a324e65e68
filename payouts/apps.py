from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PayoutsConfig(AppConfig):
    """The payout router: payouts to TRON addresses on the V0 or KYC route, within limits,
    approved by operators above thresholds, sent from the client's hot wallet."""

    name = "payouts"
    label = "payouts"
    verbose_name = "Payouts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A payout follows its transaction (settled when final, released when failed) and,
        # for USDT, its energy (sent when the delegation is in a block), inside the
        # transactions that record those statuses.
        from lucid_payments.tron.outgoing.hooks import outgoing_subscribe
        from payouts.batch_events import register_payout_batch_event_types
        from payouts.events import register_payout_event_types
        from payouts.models import REFERENCE_PREFIX
        from payouts.schedules import ensure_payout_schedules
        from payouts.sending import payout_on_energy_ready, payout_on_outgoing
        from usdt.energy.policy import energy_ready_subscribe

        outgoing_subscribe(payout_on_outgoing)
        energy_ready_subscribe(REFERENCE_PREFIX, payout_on_energy_ready)
        register_payout_event_types()
        register_payout_batch_event_types()
        import payouts.batch_admin  # noqa: F401 - registers the batch admin next to payouts'

        post_migrate.connect(ensure_payout_schedules, sender=self, dispatch_uid="payouts.schedules")
