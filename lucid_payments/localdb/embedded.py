"""The embedded server: the ``pgserver`` package's own PostgreSQL build."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path
from types import ModuleType
from urllib.parse import quote

EMBEDDED_DB_NAME = "lucid"


def import_pgserver() -> ModuleType | None:
    """The package, or None where it is not installed (no build for this platform)."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset and falls back to /tmp, which
        # is what we want for pgserver's lock file; the warning is noise on every command.
        warnings.simplefilter("ignore")
        try:
            return importlib.import_module("pgserver")
        except ImportError:
            return None


def embedded_server_url(pgserver: ModuleType, home: Path) -> str:
    """Start (or join) the embedded server under ``home/pg`` and return its URL.

    pgserver counts the processes holding a handle and stops the server when the last one
    exits, so a management command run beside ``make up`` shares the running server.
    """
    home.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(home / "pg", cleanup_mode="stop")
    # A fixed, trusted name: psql takes no bind parameters here.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{EMBEDDED_DB_NAME}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgresql://postgres@/{EMBEDDED_DB_NAME}?host={quote(str(socket_dir), safe='')}"
