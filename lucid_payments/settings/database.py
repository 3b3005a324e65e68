"""Database configuration: PostgreSQL only, external or local.

With ``DATABASE_URL`` set we use it. Without it a private PostgreSQL runs under
``LUCID_HOME/pg`` (see ``lucid_payments.localdb``: the embedded package's server, or this
machine's own binaries), so that a fresh clone works with nothing else to set up. SQLite
is refused: the ledger relies on PostgreSQL's row locks, deferred constraint triggers and
advisory locks.
"""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured


def database_settings(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        raise ImproperlyConfigured(
            "SQLite is not supported: Lucid Payments needs PostgreSQL (row locks, deferred "
            "constraint triggers, advisory locks). Unset DATABASE_URL to use the local "
            "PostgreSQL, or point it at a postgres:// server."
        )
    config: dict[str, Any] = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_URL must be PostgreSQL, got {config['ENGINE']}.")
    # A Unix socket given as ``?host=/dir`` (the local server's form, and libpq's) lands
    # in OPTIONS; HOST is where Django, tools and tests look for the server, so move it
    # there. Left in OPTIONS, anything reading HOST silently reaches the default socket,
    # which on a developer machine may be another PostgreSQL altogether.
    options = config.setdefault("OPTIONS", {})
    if not config.get("HOST") and "host" in options:
        config["HOST"] = options.pop("host")
    config["ATOMIC_REQUESTS"] = False
    config["CONN_MAX_AGE"] = 60
    config["CONN_HEALTH_CHECKS"] = True
    config.setdefault("TEST", {})["NAME"] = f"test_{config['NAME']}"
    return config
