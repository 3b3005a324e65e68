"""Fixtures shared by the whole suite. The database is the real (embedded or configured)
PostgreSQL; pytest-django creates and migrates the test database once per run."""

from __future__ import annotations

import os

import pytest
from rest_framework.test import APIClient


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """Give each test run its own database, so that several runs against one PostgreSQL
    (two developers, or CI beside a developer) never drop each other's tables."""
    from django.conf import settings

    suffix = os.environ.get("LUCID_TEST_DB_SUFFIX") or f"p{os.getpid()}"
    for db in settings.DATABASES.values():
        db.setdefault("TEST", {})
        db["TEST"]["NAME"] = f"{db['TEST'].get('NAME') or 'test_' + db['NAME']}_{suffix}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that run for minutes go first: with several workers (``make test``) each
    takes one at the start and the short ones fill in around them, instead of one long
    test starting last and running alone."""

    def minutes(item: pytest.Item) -> float:
        marker = item.get_closest_marker("heavy")
        return marker.kwargs.get("minutes", 1) if marker else 0

    items.sort(key=minutes, reverse=True)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
