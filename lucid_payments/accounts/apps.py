from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lucid_payments.accounts"
    label = "accounts"
    verbose_name = "Accounts and KYC"
