"""The admin process (port 8098)."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "admin"
SERVICE_PORT = 8098
ROOT_URLCONF = "lucid_payments.urls.admin"
