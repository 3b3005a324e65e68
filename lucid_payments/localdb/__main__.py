"""``python -m lucid_payments.localdb``: what ``make up`` and ``make test`` run first, so
that a machine with no PostgreSQL to develop on stops at once with the fix, rather than
inside the first process that reads the settings."""

from __future__ import annotations

import sys

from lucid_payments.localdb.errors import LocalPostgresError
from lucid_payments.localdb.resolve import describe_local_postgres
from lucid_payments.settings.environment import secret


def main() -> int:
    if secret("DATABASE_URL"):
        print("database: DATABASE_URL")
        return 0
    try:
        print(f"database: {describe_local_postgres()}")
    except LocalPostgresError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
