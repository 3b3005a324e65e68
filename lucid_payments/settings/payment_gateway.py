"""The payment-gateway process (port 8097)."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "payment-gateway"
SERVICE_PORT = 8097
ROOT_URLCONF = "lucid_payments.urls.payment_gateway"
