"""A delivery worker in its own process, for the kill test:
``python -m tests.gateway.worker_process DELIVERY_ID CLOCK_OFFSET_SECONDS``.

The offset moves the worker's clock forward (time is injected, never waited for), so a
restarted worker can find the killed one's lease already run out."""

from __future__ import annotations

import os
import sys
from datetime import timedelta


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.test")
    import django

    django.setup()
    from django.utils import timezone

    from gateway.webhooks.delivery import delivery_drain

    offset = timedelta(seconds=float(sys.argv[2]))
    made = delivery_drain(delivery_id=int(sys.argv[1]), now=lambda: timezone.now() + offset)
    print(made)


if __name__ == "__main__":
    main()
