"""Fixtures shared by the whole suite. The database is the real (embedded or configured)
PostgreSQL; pytest-django creates and migrates the test database once per run."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()
