"""The Dockerfile and compose.yaml keep the promises the README makes about them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lucid_payments.stack.services import SERVICES
from tests.deploy.docker_files import (
    DOCKERFILE,
    compose,
    dockerfile_instructions,
    exec_form,
    healthcheck_command,
    image_environment,
    runtime_stage,
    stages,
)

HADOLINT = Path(sys.executable).parent / "hadolint"
LUCID_SERVICES = {service.name for service in SERVICES}


def test_hadolint_finds_nothing_in_the_dockerfile() -> None:
    result = subprocess.run(
        [HADOLINT, "--failure-threshold", "style", str(DOCKERFILE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_built_on_python_311_slim_and_runs_distroless_as_65532() -> None:
    builder, runtime = stages(dockerfile_instructions())
    assert builder[0].value.startswith("python:3.11-slim-bookworm AS ")
    assert runtime[0].value == "gcr.io/distroless/python3-debian12:nonroot"
    assert [i.value for i in runtime if i.keyword == "USER"] == ["65532:65532"]


def test_nothing_in_the_runtime_stage_needs_a_shell() -> None:
    stage = runtime_stage()
    assert not [i for i in stage if i.keyword in {"RUN", "SHELL", "ONBUILD"}]
    entrypoint = exec_form(stage, "ENTRYPOINT")
    assert entrypoint == ["/usr/bin/python3.11"]
    assert exec_form(stage, "CMD")[:2] == ["-m", "gunicorn"]
    assert healthcheck_command(stage)[:3] == [
        "/usr/bin/python3.11",
        "-m",
        "lucid_payments.stack.healthcheck",
    ]


def test_the_image_defaults_to_production_and_binds_every_interface() -> None:
    env = image_environment(runtime_stage())
    assert env["LUCID_ENV"] == "production"
    assert env["LUCID_BIND_HOST"] == "0.0.0.0"
    assert env["PYTHONPATH"] == "/opt/lucid/site-packages"


def test_compose_runs_each_process_with_its_settings_and_port_from_one_image() -> None:
    services = compose()["services"]
    images = set()
    for service in SERVICES:
        spec = services[service.name]
        assert spec["environment"]["DJANGO_SETTINGS_MODULE"] == service.settings_module
        assert spec["ports"] == [f"127.0.0.1:{service.port}:{service.port}"]
        assert spec.get("user") is None  # the image's 65532
        images.add(spec["image"])
    images |= {services[name]["image"] for name in ("worker", "migrate", "devnet")}
    assert len(images) == 1


def test_compose_has_postgres_redis_as_the_broker_one_worker_and_an_optional_devnet() -> None:
    services = compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    worker = services["worker"]
    assert worker["command"] == ["-m", "django", "qcluster"]
    assert worker["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert services["devnet"]["profiles"] == ["devnet"]
    assert services["scanner"]["command"] == ["-m", "django", "scan"]
    for name in LUCID_SERVICES | {"worker", "scanner"}:
        depends = services[name]["depends_on"]
        assert depends["cachetable"]["condition"] == "service_completed_successfully"
        assert services[name]["read_only"] is True
    assert services["cachetable"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
