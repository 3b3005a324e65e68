"""``reconcile`` and ``ledger_verify`` in one Django start-up (each start costs seconds on a
busy machine), against the soak's database and node:

    DATABASE_URL=... TRON_NODE_URL=... python -m bench.soak.ledger_checks

prints one JSON object: each command's exit status and output.
"""

from __future__ import annotations

import json
import os
from io import StringIO
from typing import Any

COMMANDS = ("reconcile", "ledger_verify")


def main() -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.admin")
    import django

    django.setup()
    from django.core.management import CommandError, call_command

    results: dict[str, Any] = {}
    for name in COMMANDS:
        out = StringIO()
        try:
            call_command(name, stdout=out)
        except CommandError as exc:
            results[name] = {"exit": exc.returncode, "output": f"{out.getvalue()}{exc}"}
        else:
            results[name] = {"exit": 0, "output": out.getvalue()}
    return results


if __name__ == "__main__":
    print(json.dumps(main()), flush=True)
