"""The tron-client process (port 8091)."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "tron-client"
SERVICE_PORT = 8091
ROOT_URLCONF = "lucid_payments.urls.tron_client"
