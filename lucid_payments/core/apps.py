from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lucid_payments.core"
    label = "core"
    verbose_name = "Core"
