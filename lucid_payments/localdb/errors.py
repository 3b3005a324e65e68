"""The one error of the local development database: raised while settings load, so it is
an ``ImproperlyConfigured`` and its message says what to do."""

from django.core.exceptions import ImproperlyConfigured


class LocalPostgresError(ImproperlyConfigured):
    """No PostgreSQL to run here, or it would not start; the message names the fix."""
