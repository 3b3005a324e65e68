from django.apps import AppConfig


class TronConfig(AppConfig):
    name = "lucid_payments.tron"
    label = "tron"
    verbose_name = "TRON chain"
