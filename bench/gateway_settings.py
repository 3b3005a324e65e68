"""payment-gateway's settings plus one bare view (see ``bench.gateway_urls``): the
benchmark's yardstick runs in the same process, middleware and server as the real pages."""

from lucid_payments.settings.payment_gateway import *  # noqa: F403

ROOT_URLCONF = "bench.gateway_urls"
