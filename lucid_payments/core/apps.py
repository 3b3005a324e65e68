from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lucid_payments.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from lucid_payments.core import openapi_auth  # noqa: F401 - registers the API key scheme
        from lucid_payments.core.schedules import SCHEDULES, schedules_register
        from lucid_payments.core.status import process_started

        process_started()
        schedules_register(self, *SCHEDULES)
