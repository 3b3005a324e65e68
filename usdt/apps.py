from django.apps import AppConfig


class UsdtConfig(AppConfig):
    """USDT (TRC20) operations of the usdt-manager, and the energy policy that pays for
    every USDT send of ours with staked energy."""

    name = "usdt"
    label = "usdt"
    verbose_name = "USDT and energy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A transfer's end settles its hold and releases its energy; the energy policy
        # follows its own transactions (activation, delegation, reclaim) by the same hook.
        from lucid_payments.core.schedules import schedules_register
        from lucid_payments.tron.outgoing.hooks import outgoing_subscribe
        from usdt.energy.hooks import energy_on_outgoing
        from usdt.energy.policy import delegated_energy_for_txid, energy_ready_subscribe
        from usdt.events import register_usdt_event_types
        from usdt.schedules import SCHEDULES
        from usdt.transfers import (
            REFERENCE_PREFIX,
            usdt_transfer_on_energy_ready,
            usdt_transfer_on_outgoing,
        )
        from wallets.fee_receipts import register_delegated_energy_source

        outgoing_subscribe(energy_on_outgoing)
        outgoing_subscribe(usdt_transfer_on_outgoing)
        register_delegated_energy_source(delegated_energy_for_txid)
        energy_ready_subscribe(REFERENCE_PREFIX, usdt_transfer_on_energy_ready)
        register_usdt_event_types()
        schedules_register(self, *SCHEDULES)
