"""The usdt-manager process (port 8094)."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "usdt-manager"
SERVICE_PORT = 8094
ROOT_URLCONF = "lucid_payments.urls.usdt_manager"
