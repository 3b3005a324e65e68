#!/usr/bin/env python
"""Django's command-line utility for Lucid Payments."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.admin")
    from django.core.management import execute_from_command_line

    from lucid_payments.localdb.errors import LocalPostgresError

    try:
        execute_from_command_line(sys.argv)
    except LocalPostgresError as error:
        # No PostgreSQL to develop on: the message says what to install; a traceback
        # would only bury it.
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
