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


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
