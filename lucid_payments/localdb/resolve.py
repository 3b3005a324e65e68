"""Which PostgreSQL the development database runs on: the embedded package where it is
installed, else this machine's own binaries, else a message saying how to get one."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from lucid_payments.localdb.binaries import system_postgres_binaries
from lucid_payments.localdb.embedded import embedded_server_url, import_pgserver
from lucid_payments.localdb.errors import LocalPostgresError
from lucid_payments.localdb.system_server import DB_NAME, SUPERUSER, join_system_server

INSTALL_COMMAND = "sudo apt-get install postgresql"

NO_POSTGRES = (
    "No PostgreSQL to develop on. The embedded one (the pgserver package, which `make "
    "install` adds where it has a build: x86_64 Linux and macOS) is not installed, and this "
    "machine has no initdb/pg_ctl (looked on PATH and in /usr/lib/postgresql/*/bin). "
    f"Install them with\n\n    {INSTALL_COMMAND}\n\nor set DATABASE_URL to a PostgreSQL "
    "server, e.g. DATABASE_URL=postgres://user:password@localhost:5432/lucid"
)


def local_database_url(home: Path) -> str:
    """Start (or join) the private server under ``home/pg`` and return its URL."""
    pgserver = import_pgserver()
    if pgserver is not None:
        return embedded_server_url(pgserver, home)
    candidates = system_postgres_binaries()
    if not candidates:
        raise LocalPostgresError(NO_POSTGRES)
    socket_dir = join_system_server(home, candidates)
    return f"postgresql://{SUPERUSER}@/{DB_NAME}?host={quote(str(socket_dir), safe='')}"


def describe_local_postgres() -> str:
    """Which server ``local_database_url`` would run, without starting it."""
    if import_pgserver() is not None:
        return "the embedded PostgreSQL (pgserver package)"
    candidates = system_postgres_binaries()
    if not candidates:
        raise LocalPostgresError(NO_POSTGRES)
    return f"this machine's PostgreSQL {candidates[0].major} ({candidates[0].bin_dir})"
