"""Container health check: ``python -m lucid_payments.stack.healthcheck`` exits 0 when
this container's process answers 200 on /health/live (the image has no shell or curl).

The port is the one gunicorn binds (GUNICORN_BIND, else the standard port of the process
named by DJANGO_SETTINGS_MODULE); HEALTHCHECK_URL overrides the whole URL.
"""

from __future__ import annotations

import os
import sys

from lucid_payments.stack.health import http_status
from lucid_payments.stack.services import service_for_settings


def health_url() -> str:
    explicit = os.environ.get("HEALTHCHECK_URL")
    if explicit:
        return explicit
    bind = os.environ.get("GUNICORN_BIND", "")
    if bind.rpartition(":")[2].isdigit():
        port = int(bind.rpartition(":")[2])
    else:
        service = service_for_settings(os.environ.get("DJANGO_SETTINGS_MODULE", ""))
        port = service.port if service is not None else 8000
    return f"http://127.0.0.1:{port}/health/live"


def main() -> int:
    url = health_url()
    status = http_status(url, timeout=4.0)
    if status == 200:
        return 0
    print(f"unhealthy: {url} answered {status or 'nothing'}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
