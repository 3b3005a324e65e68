from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "lucid_payments.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from lucid_payments.core import openapi_auth  # noqa: F401 - registers the API key scheme
        from lucid_payments.core.schedules import ensure_schedules
        from lucid_payments.core.status import process_started

        process_started()
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="core.ensure_schedules")
