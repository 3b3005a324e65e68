"""The image's runtime contract, proven without a Docker engine: the project installed
from its wheel (not the checkout) runs the Dockerfile's own command as UID 65532, with an
empty environment plus the image's ENV and the documented variables, and no shell on
PATH; and production settings refuse insecure defaults and pass `check --deploy`."""

from __future__ import annotations

import base64
import json
import os
import secrets
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from lucid_payments.stack.health import http_status
from lucid_payments.stack.services import SERVICES
from tests.deploy.docker_files import (
    compose_service_environment,
    exec_form,
    healthcheck_command,
    image_environment,
    runtime_stage,
)
from tests.deploy.support import REPO, database_url, free_port, world_reachable

NONROOT_UID = 65532
DEV_SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])
# What a `COPY . /src` would leave out: nothing here belongs in a wheel.
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "var", "build", "dist", "node_modules", "__pycache__", "*.egg-info",
    ".*_cache", ".hypothesis", "tests", "bench", "docker",
)  # fmt: skip


def _interpreter() -> Path:
    """A CPython 3.11 the non-root user can run; Debian's matches the distroless runtime."""
    for candidate in (Path("/usr/bin/python3.11"), Path(sys._base_executable)):
        if candidate.exists() and world_reachable(candidate):
            return candidate
    pytest.skip("no Python 3.11 interpreter that a non-root user can execute")


@pytest.fixture(scope="module")
def installed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The project built as a wheel and installed (non-editable) into a plain directory,
    as the Dockerfile does into /opt/lucid/site-packages. Dependencies come from the dev
    venv, appended to PYTHONPATH after it."""
    if not world_reachable(DEV_SITE_PACKAGES):
        pytest.skip(f"{DEV_SITE_PACKAGES} is not readable by a non-root user")
    root = Path(tempfile.mkdtemp(prefix="lucid-runtime-"))
    root.chmod(0o755)  # the non-root user must reach the installed files
    try:
        source, wheels, site = root / "src", root / "wheels", root / "site-packages"
        shutil.copytree(REPO, source, ignore=NOT_SOURCE)
        pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run(
            [*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", wheels, source],
            check=True,
            cwd=root,
        )
        (wheel,) = wheels.glob("lucid_payments-*.whl")
        subprocess.run(
            [*pip, "install", "--no-deps", "--no-index", "--target", site, wheel],
            check=True,
            cwd=root,
        )
        shutil.rmtree(source)
        yield site
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _bare_environment(site: Path, bin_dir: Path) -> dict[str, str]:
    """The image's ENV, with its paths swapped for this machine's; nothing inherited."""
    env = image_environment(runtime_stage())
    env["PYTHONPATH"] = f"{site}{os.pathsep}{DEV_SITE_PACKAGES}"
    env["PATH"] = str(bin_dir)
    return env


def _documented_production_variables(home: Path) -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "LUCID_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(settings.DATABASES["default"]["NAME"]),
        "LUCID_HOME": str(home),
        "PROMETHEUS_MULTIPROC_DIR": str(home / "metrics"),
    }


def _as_nonroot() -> dict[str, object]:
    if os.geteuid() != 0:
        return {}  # already an unprivileged user: that is the contract
    return {"user": NONROOT_UID, "group": NONROOT_UID, "extra_groups": []}


def test_installed_package_serves_health_as_uid_65532_without_shell_or_inherited_env(
    installed_site: Path, tmp_path_factory: pytest.TempPathFactory, django_db_setup: None
) -> None:
    python = _interpreter()
    work = installed_site.parent
    bin_dir = work / "bin"  # only a python3 on PATH: no sh, no bash, no coreutils
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(python)
    home = work / "home"
    home.mkdir()
    if os.geteuid() == 0:
        os.chown(home, NONROOT_UID, NONROOT_UID)
    port = free_port()
    env = _bare_environment(installed_site, bin_dir)
    env.update(_documented_production_variables(home))
    env["DJANGO_SETTINGS_MODULE"] = "lucid_payments.settings.payout_router"
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["GUNICORN_WORKERS"] = "1"
    assert shutil.which("sh", path=env["PATH"]) is None
    assert shutil.which("bash", path=env["PATH"]) is None

    # The package really comes from the wheel, not from the checkout.
    where = subprocess.run(
        [python, "-c", "import lucid_payments; print(lucid_payments.__file__)"],
        env=env, cwd=home, capture_output=True, text=True, check=True, **_as_nonroot(),
    )  # fmt: skip
    assert where.stdout.startswith(str(installed_site)), where.stdout

    # ENTRYPOINT is the image's interpreter; here it is this machine's.
    command = [str(python), *exec_form(runtime_stage(), "CMD")]
    server = subprocess.Popen(
        command, env=env, cwd=home, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        **_as_nonroot(),
    )  # fmt: skip
    try:
        live = f"http://127.0.0.1:{port}/health/live"
        deadline = time.monotonic() + 60
        while http_status(live) != 200 and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
        with urllib.request.urlopen(live, timeout=5) as response:
            assert response.status == 200
            assert json.load(response) == {"status": "ok", "service": "payout-router"}
        # Metrics work in gunicorn's multiprocess mode with the directory it was given.
        assert http_status(f"http://127.0.0.1:{port}/metrics") == 200
        # The image's HEALTHCHECK, as the container runtime would run it.
        healthcheck = healthcheck_command(runtime_stage())
        check = subprocess.run(
            [python, *healthcheck[1:]], env=env, cwd=home, capture_output=True, text=True,
            **_as_nonroot(),
        )  # fmt: skip
        assert check.returncode == 0, check.stderr
    finally:
        server.terminate()
        server.wait(timeout=30)


def _compose_production_environment(service: str, secrets_dir: Path) -> dict[str, str]:
    """The compose file's environment for ``service``, its secrets as real files."""
    secret_key = secrets_dir / "secret_key"
    master_key = secrets_dir / "master_key"
    secret_key.write_text(secrets.token_urlsafe(64))
    master_key.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    env = compose_service_environment(service, {"POSTGRES_PASSWORD": "compose-password"})
    assert env["SECRET_KEY_FILE"].startswith("/run/secrets/")
    env["SECRET_KEY_FILE"] = str(secret_key)
    env["LUCID_MASTER_KEY_FILE"] = str(master_key)
    return env


def test_check_deploy_is_clean_for_every_process_with_the_compose_environment(
    tmp_path: Path,
) -> None:
    runs = {}
    for service in SERVICES:
        env = _compose_production_environment(service.name, tmp_path)
        assert env["DJANGO_SETTINGS_MODULE"] == service.settings_module
        env.update(PATH=os.path.dirname(sys.executable), LUCID_HOME=str(tmp_path / "home"))
        runs[service.name] = subprocess.Popen(
            [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
            env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    for name, run in runs.items():
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 0, f"{name}: {output}"
        assert "no issues" in output, f"{name}: {output}"


_PRODUCTION_BASE = {
    "LUCID_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "lucid_payments.settings.payout_router",
    "SECRET_KEY": "k" * 20 + secrets.token_urlsafe(40),
    "LUCID_MASTER_KEY": base64.b64encode(b"\x01" * 32).decode(),
    "ALLOWED_HOSTS": "payments.example.com",
    "DATABASE_URL": "postgres://lucid:pw@db.example.com:5432/lucid",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": None}, "Production needs SECRET_KEY"),
        ({"SECRET_KEY": "short-and-weak"}, "Production needs SECRET_KEY"),
        ({"ALLOWED_HOSTS": None}, "Production needs ALLOWED_HOSTS"),
        ({"DATABASE_URL": None}, "Production needs DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///lucid.db"}, "SQLite is not supported"),
        ({"LUCID_MASTER_KEY": None}, "Production needs LUCID_MASTER_KEY"),
    ],
    ids=["no-secret-key", "weak-secret-key", "no-hosts", "no-database", "sqlite", "no-master-key"],
)
def test_production_refuses_insecure_defaults_with_a_clear_message(
    change: dict[str, str | None], message: str, tmp_path: Path
) -> None:
    env = {**_PRODUCTION_BASE, "PATH": os.path.dirname(sys.executable)}
    env["LUCID_HOME"] = str(tmp_path)
    for name, value in change.items():
        if value is None:
            env.pop(name)
        else:
            env[name] = value
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_the_production_baseline_itself_is_accepted(tmp_path: Path) -> None:
    """So that each refusal above is caused by its one change."""
    env = {**_PRODUCTION_BASE, "PATH": os.path.dirname(sys.executable), "LUCID_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
