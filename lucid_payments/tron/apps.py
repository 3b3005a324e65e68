from django.apps import AppConfig


class TronConfig(AppConfig):
    name = "lucid_payments.tron"
    label = "tron"
    verbose_name = "TRON chain"

    def ready(self) -> None:
        from lucid_payments.core.schedules import schedules_register
        from lucid_payments.tron.outgoing.schedules import SCHEDULES as OUTGOING_SCHEDULES
        from lucid_payments.tron.tasks import SCANNER_SCHEDULE

        schedules_register(self, *OUTGOING_SCHEDULES, SCANNER_SCHEDULE)
