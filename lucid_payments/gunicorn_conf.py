"""Gunicorn settings for every HTTP process: ``-c python:lucid_payments.gunicorn_conf``.

The process is chosen by DJANGO_SETTINGS_MODULE; its standard port is the default bind.
Everything else comes from the environment so that one image serves every process:

GUNICORN_BIND              full bind address, overrides the two below
LUCID_BIND_HOST            interface to bind (default 127.0.0.1; the image sets 0.0.0.0)
GUNICORN_WORKERS           worker processes (default 2)
GUNICORN_THREADS           threads per worker (default 4)
GUNICORN_TIMEOUT           seconds a silent worker may live (default 30)
GUNICORN_READ_TIMEOUT      seconds to send one request (default 20; read by the worker class)
GUNICORN_GRACEFUL_TIMEOUT  seconds to finish requests on SIGTERM (default 20)
GUNICORN_ACCESS_LOG        access log target, "-" = stdout (default), "" = off
GUNICORN_CONTROL_SOCKET    path of gunicorn's control socket (default: none)
PROMETHEUS_MULTIPROC_DIR   where workers share their metrics (cleared when gunicorn starts)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from lucid_payments.stack.services import service_for_settings


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from None


def _default_bind() -> str:
    service = service_for_settings(os.environ.get("DJANGO_SETTINGS_MODULE", ""))
    port = service.port if service is not None else 8000
    return f"{os.environ.get('LUCID_BIND_HOST', '127.0.0.1')}:{port}"


bind = [os.environ.get("GUNICORN_BIND") or _default_bind()]
# gthread, except that the event loop reads each request before a thread serves it, so
# slow or stalled clients cannot hold the threads (see the module for why).
worker_class = "lucid_payments.gunicorn_worker.RequestBufferingWorker"
workers = _int_env("GUNICORN_WORKERS", 2)
threads = _int_env("GUNICORN_THREADS", 4)
timeout = _int_env("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int_env("GUNICORN_GRACEFUL_TIMEOUT", 20)
keepalive = 5
# Recycle workers now and then so a slow leak never becomes an outage; the jitter keeps
# the workers of one process from restarting together.
max_requests = _int_env("GUNICORN_MAX_REQUESTS", 5000)
max_requests_jitter = max_requests // 10

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# The access log redacts credentials a client put in the URL (?api_key=…).
logger_class = "lucid_payments.gunicorn_logger.RedactingLogger"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# The heartbeat file of each worker; /dev/shm keeps it off a possibly read-only or slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# gunicorn >= 25 opens a control socket under $HOME by default; seven processes on one
# host would fight over it and the image's home is not writable, so it is opt-in.
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
if _control_socket:
    control_socket = _control_socket
else:
    control_socket_disable = True

# Trust X-Forwarded-* only from the proxies that are said to be in front of us.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def _multiproc_dir() -> Path | None:
    value = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return Path(value) if value else None


def on_starting(server: Any) -> None:
    """Start with an empty metrics directory: files left by a previous run's workers
    would otherwise be summed into this run's counters."""
    directory = _multiproc_dir()
    if directory is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker is gone: let prometheus_client drop its live gauges."""
    if _multiproc_dir() is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
