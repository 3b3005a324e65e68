from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lucid_payments.accounts"
    label = "accounts"
    verbose_name = "Accounts and KYC"

    def ready(self) -> None:
        from lucid_payments.accounts.events import register_kyc_event_types
        from lucid_payments.accounts.schedules import SCHEDULES
        from lucid_payments.core.schedules import schedules_register

        schedules_register(self, *SCHEDULES)
        register_kyc_event_types()
