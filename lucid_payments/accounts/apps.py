from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "lucid_payments.accounts"
    label = "accounts"
    verbose_name = "Accounts and KYC"

    def ready(self) -> None:
        from lucid_payments.accounts.events import register_kyc_event_types
        from lucid_payments.accounts.schedules import register_schedules

        post_migrate.connect(register_schedules, sender=self)
        register_kyc_event_types()
