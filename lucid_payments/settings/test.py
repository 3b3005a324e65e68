"""Settings for the test suite: every service's URLs in one URLconf, fast hashing."""

from lucid_payments.settings.base import *  # noqa: F403

SERVICE_NAME = "test"
SERVICE_PORT = 0
ROOT_URLCONF = "lucid_payments.urls.all_services"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
Q_CLUSTER = {**Q_CLUSTER, "sync": True}  # noqa: F405 - tasks run inline in tests
MEDIA_ROOT = LUCID_HOME / "test-media"  # noqa: F405
