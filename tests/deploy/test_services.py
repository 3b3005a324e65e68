"""The process table, and how the runner, gunicorn and the health check read it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import lucid_payments.gunicorn_conf as gunicorn_conf
from lucid_payments.stack import healthcheck
from lucid_payments.stack.processes import StackOptions, http_child, stack_children, worker_child
from lucid_payments.stack.services import DEVNET_PORT, SERVICES, service_for_settings


@pytest.mark.parametrize("service", SERVICES, ids=lambda service: service.name)
def test_each_port_is_the_one_its_settings_module_declares(service: object) -> None:
    module = importlib.import_module(service.settings_module)  # type: ignore[attr-defined]
    assert module.SERVICE_PORT == service.port  # type: ignore[attr-defined]
    assert module.SERVICE_NAME == service.name  # type: ignore[attr-defined]


def test_the_ports_are_8091_to_8098_without_8095() -> None:
    assert sorted(service.port for service in SERVICES) == [
        8091,
        8092,
        8093,
        8094,
        8096,
        8097,
        8098,
    ]
    assert DEVNET_PORT == 8090


def test_gunicorn_binds_the_standard_port_of_the_process_it_serves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.usdt_manager")
    monkeypatch.setenv("LUCID_BIND_HOST", "0.0.0.0")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    try:
        config = importlib.reload(gunicorn_conf)
        assert config.bind == ["0.0.0.0:8094"]
        assert config.workers == 3
        assert config.control_socket_disable is True
        monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9999")
        assert importlib.reload(gunicorn_conf).bind == ["127.0.0.1:9999"]
    finally:
        monkeypatch.undo()
        importlib.reload(gunicorn_conf)


def test_gunicorn_clears_stale_metrics_when_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "metrics"))
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "counter_1234.db").write_bytes(b"old")
    gunicorn_conf.on_starting(server=None)
    assert list((tmp_path / "metrics").iterdir()) == []


def test_the_container_health_check_asks_its_own_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HEALTHCHECK_URL", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.payment_gateway")
    assert healthcheck.health_url() == "http://127.0.0.1:8097/health/live"
    monkeypatch.setenv("GUNICORN_BIND", "0.0.0.0:9000")
    assert healthcheck.health_url() == "http://127.0.0.1:9000/health/live"


def test_children_share_one_database_url_and_find_the_devnet_at_its_offset_port(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRON_NODE_URL", raising=False)
    monkeypatch.delenv("TRON_NODE_URLS", raising=False)
    options = StackOptions(
        lucid_home=tmp_path, port_offset=100, database_url="postgresql://db/lucid"
    )
    children = stack_children(options)
    assert [child.name for child in children] == [
        "devnet",
        *(service.name for service in SERVICES),
        "worker",
        "scanner",
    ]
    admin = http_child(service_for_settings("lucid_payments.settings.admin"), options)  # type: ignore[arg-type]
    assert "127.0.0.1:8198" in admin.argv
    assert admin.health_url == "http://127.0.0.1:8198/health/live"
    assert admin.env["DATABASE_URL"] == "postgresql://db/lucid"
    assert admin.env["TRON_NODE_URL"] == "http://127.0.0.1:8190"
    assert admin.env["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "run" / "prometheus" / "admin")
    assert worker_child(options).argv[-2:] == ("django", "qcluster")
    assert children[-1].argv[-2:] == ("django", "scan")


def test_a_node_the_user_chose_wins_over_the_devnet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRON_NODE_URL", "http://node.example:8090")
    child = worker_child(StackOptions(lucid_home=tmp_path))
    assert child.env["TRON_NODE_URL"] == "http://node.example:8090"
