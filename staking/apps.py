from django.apps import AppConfig


class StakingConfig(AppConfig):
    """Stake 2.0 on clients' hot wallets: freeze, unfreeze, withdraw, delegate, vote."""

    name = "staking"
    label = "staking"
    verbose_name = "Staking"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # An operation ends when its outgoing transaction does: the ledger moves and the
        # event commit with the status the chain app records.
        from lucid_payments.tron.outgoing.hooks import outgoing_subscribe
        from staking.events import register_staking_event_types
        from staking.outcomes import operation_on_outgoing

        outgoing_subscribe(operation_on_outgoing)
        register_staking_event_types()
