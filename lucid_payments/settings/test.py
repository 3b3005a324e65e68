"""Settings for the test suite: every service's URLs in one URLconf, fast hashing."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "test"
SERVICE_PORT = 0
ROOT_URLCONF = "lucid_payments.urls.all_services"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405 - tasks run inline in tests
MEDIA_ROOT = LUCID_HOME / "test-media"  # noqa: F405
# The tests mine blocks on demand, many chain-seconds per real second: a reference kept for
# a real second could be a minute old on their chains. Every copy reads its heads here.
TRON_TX_REFERENCE_REUSE_S = 0.0
