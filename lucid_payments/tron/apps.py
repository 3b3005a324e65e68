from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TronConfig(AppConfig):
    name = "lucid_payments.tron"
    label = "tron"
    verbose_name = "TRON chain"

    def ready(self) -> None:
        from lucid_payments.tron.outgoing.schedules import ensure_outgoing_schedules
        from lucid_payments.tron.tasks import ensure_scanner_schedule

        post_migrate.connect(
            ensure_outgoing_schedules, sender=self, dispatch_uid="tron.outgoing.schedules"
        )
        post_migrate.connect(
            ensure_scanner_schedule, sender=self, dispatch_uid="tron.scanner.schedule"
        )
