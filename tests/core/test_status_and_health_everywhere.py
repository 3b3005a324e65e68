"""Every process answers ``/health`` (the deployments' health-check URL) exactly like
``/health/ready``, and ``/status``, and documents both in its OpenAPI document."""

from __future__ import annotations

import importlib
import socket
from pathlib import Path
from typing import Any

import pytest
from django.test import Client as DjangoClient
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from pytest_django.fixtures import Settings as SettingsWrapper

from lucid_payments.stack.services import SERVICES
from lucid_payments.tron.adapter.node import reset_node
from tests.tron.conftest import (
    DevnetHandle,
    devnet,  # noqa: F401 - the devnet fixture
)

pytestmark = pytest.mark.django_db

PROCESS_SETTINGS = [service.settings_module for service in SERVICES]
STATUS_FIELDS = {
    "service",
    "version",
    "network",
    "head_block",
    "solid_block",
    "scanner_block",
    "scanner_lag",
    "queue_depth",
    "uptime_seconds",
    "problems",
}


def _urlconf(settings_module: str) -> str:
    urlconf: str = importlib.import_module(settings_module).ROOT_URLCONF
    return urlconf


@pytest.fixture
def node_down(settings: SettingsWrapper) -> None:
    with socket.socket() as probe:  # a free port, closed again: connections are refused
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    settings.TRON_NODE_URLS = [url]
    settings.TRON_NODE_URL = url
    reset_node()


def test_the_seven_processes_are_every_settings_module_with_a_urlconf() -> None:
    """What this file (and the check --deploy test in tests/deploy) loops over is every
    process there is: a new process module cannot be left out of either."""
    settings_dir = Path(importlib.import_module("lucid_payments.settings").__file__ or "").parent
    with_urlconf = {
        f"lucid_payments.settings.{path.stem}"
        for path in settings_dir.glob("*.py")
        if "ROOT_URLCONF" in path.read_text() and path.stem not in {"base", "test"}
    }
    assert len(PROCESS_SETTINGS) == 7
    assert set(PROCESS_SETTINGS) == with_urlconf


@pytest.mark.parametrize("settings_module", PROCESS_SETTINGS)
def test_every_process_answers_health_like_ready_and_status_with_the_node_down(
    settings_module: str, node_down: None
) -> None:
    http = DjangoClient()
    with override_settings(ROOT_URLCONF=_urlconf(settings_module)):
        health, ready = http.get("/health"), http.get("/health/ready")
        status = http.get("/status")

    assert health.status_code == ready.status_code == 503
    assert health.json() == ready.json()
    assert set(health.json()["failures"]) == {"node"}
    assert status.status_code == 200
    body = status.json()
    assert set(body) == STATUS_FIELDS
    assert (body["head_block"], body["solid_block"], body["scanner_lag"]) == (None, None, None)
    assert body["problems"]["node"].startswith("node unavailable")
    assert isinstance(body["queue_depth"], int) and isinstance(body["uptime_seconds"], int)


@pytest.mark.parametrize("settings_module", PROCESS_SETTINGS)
def test_every_process_documents_health_and_status(settings_module: str) -> None:
    document: dict[str, Any] = SchemaGenerator(urlconf=_urlconf(settings_module)).get_schema(
        request=None, public=True
    )
    health = document["paths"]["/health"]["get"]["responses"]
    assert set(health) == {"200", "503"}
    assert health == document["paths"]["/health/ready"]["get"]["responses"]
    status = document["paths"]["/status"]["get"]["responses"]["200"]
    ref = status["content"]["application/json"]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["properties"]) == STATUS_FIELDS


def test_status_reads_the_head_and_the_scanners_lag_from_a_live_node(
    devnet: DevnetHandle,  # noqa: F811 - the fixture
) -> None:
    from lucid_payments.tron.models import ScanCursor

    ScanCursor.objects.create(network="devnet", block_number=0, block_id="00" * 32)
    body = DjangoClient().get("/status").json()

    assert body["problems"] == {}
    assert body["network"] == "devnet" and body["service"] == "test"
    assert body["head_block"] >= body["solid_block"] >= 0
    assert body["scanner_block"] == 0
    assert body["scanner_lag"] == body["head_block"]
    assert DjangoClient().get("/health").status_code == 200
