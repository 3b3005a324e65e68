"""The wallet-manager process (port 8093)."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "wallet-manager"
SERVICE_PORT = 8093
ROOT_URLCONF = "lucid_payments.urls.wallet_manager"
