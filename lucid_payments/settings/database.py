"""Database configuration: PostgreSQL only, external or embedded.

With ``DATABASE_URL`` set we use it. Without it we run an embedded PostgreSQL under
``LUCID_HOME`` (the ``pgserver`` package ships the binaries), so that a fresh clone with
only Python works. SQLite is refused: the ledger relies on PostgreSQL's row locks,
deferred constraint triggers and advisory locks.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote

import environ
from django.core.exceptions import ImproperlyConfigured

EMBEDDED_DB_NAME = "lucid"


def embedded_database_url(home: Path) -> str:
    """Start (or join) the embedded server under ``home/pg`` and return its URL.

    pgserver counts the processes holding a handle and stops the server when the last one
    exits, so a management command run beside ``make up`` shares the running server.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp, which
        # is what we want for pgserver's lock file; the warning is noise on every command.
        warnings.simplefilter("ignore")
        import pgserver  # imported lazily: only the embedded path needs it

    home.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(home / "pg", cleanup_mode="stop")
    # A fixed, trusted name: psql takes no bind parameters here.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql://postgres@/{EMBEDDED_DB_NAME}?host={quote(str(socket_dir), safe='')}"


def database_settings(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        raise ImproperlyConfigured(
            "SQLite is not supported: Lucid Payments needs PostgreSQL (row locks, deferred "
            "constraint triggers, advisory locks). Unset DATABASE_URL to use the embedded "
            "PostgreSQL, or point it at a postgres:// server."
        )
    config: dict[str, Any] = environ.Env.db_url_config(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"DATABASE_URL must be PostgreSQL, got {config['ENGINE']}.")
    # A Unix socket given as ``?host=/dir`` (the embedded server's form, and libpq's) lands
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
