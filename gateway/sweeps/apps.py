from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SweepsConfig(AppConfig):
    """Sweeps: funds on deposit addresses to the client's hot wallet, a hot wallet's
    excess to its cold wallet, each with its transactions and exact costs."""

    name = "gateway.sweeps"
    label = "sweeps"
    verbose_name = "Sweeps"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A final deposit marks its address due (the scanner's hook, in its transaction);
        # a sweep follows its transaction through the outgoing hook and its energy through
        # the energy policy's ready hook.
        from gateway.sweeps.detection import sweep_addresses_on_transfers
        from gateway.sweeps.events import register_sweep_event_types
        from gateway.sweeps.schedules import register_sweep_schedules
        from gateway.sweeps.services import (
            REFERENCE_PREFIX,
            sweep_on_energy_ready,
            sweep_on_outgoing,
        )
        from lucid_payments.tron.hooks import transfer_subscribe_batch
        from lucid_payments.tron.outgoing.hooks import outgoing_subscribe
        from usdt.energy.policy import energy_ready_subscribe

        transfer_subscribe_batch(sweep_addresses_on_transfers)
        outgoing_subscribe(sweep_on_outgoing)
        energy_ready_subscribe(REFERENCE_PREFIX, sweep_on_energy_ready)
        register_sweep_event_types()
        post_migrate.connect(register_sweep_schedules, sender=self)
