"""The development database on this machine: a private PostgreSQL under ``LUCID_HOME/pg``.

Used only without ``DATABASE_URL`` (production always has one). The server comes from the
``pgserver`` package where it has a build (``make install`` adds it on x86_64 Linux and
macOS), otherwise from the machine's own PostgreSQL binaries (``initdb``/``pg_ctl``, e.g.
Debian's ``postgresql`` package on a Raspberry Pi). Either way it is started on first use
and stopped when the last process using it exits.
"""

from lucid_payments.localdb.errors import LocalPostgresError
from lucid_payments.localdb.resolve import describe_local_postgres, local_database_url

__all__ = ["LocalPostgresError", "describe_local_postgres", "local_database_url"]
