"""The trx-staking process (port 8096)."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "trx-staking"
SERVICE_PORT = 8096
ROOT_URLCONF = "lucid_payments.urls.trx_staking"
