"""The payout-router process (port 8092)."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "payout-router"
SERVICE_PORT = 8092
ROOT_URLCONF = "lucid_payments.urls.payout_router"
