from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from lucid_payments.settings.database import database_settings


def test_a_socket_directory_in_the_url_becomes_the_host() -> None:
    config = database_settings("postgresql://postgres@/lucid?host=%2Fsrv%2Flucid%2Fpg")
    assert config["HOST"] == "/srv/lucid/pg"
    assert "host" not in config["OPTIONS"]
    assert config["NAME"] == "lucid"


def test_a_tcp_url_keeps_its_host_and_port() -> None:
    config = database_settings("postgres://lucid:pw@db.example.com:5433/lucid")
    assert (config["HOST"], config["PORT"]) == ("db.example.com", 5433)


def test_sqlite_is_refused_with_the_reason() -> None:
    with pytest.raises(ImproperlyConfigured, match="SQLite is not supported"):
        database_settings("sqlite:///lucid.db")
