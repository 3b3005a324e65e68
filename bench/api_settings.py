"""payment-gateway's settings with the URLconf of ``bench.api``: the gateway's routes,
wallet-manager's and the bare view, all in one gunicorn (see ``bench.api_urls``)."""

from bench.gateway_settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
