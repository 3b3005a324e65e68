"""Fixtures for attacks replayed over real HTTP against real gunicorn processes."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from lucid_payments.accounts.models import Client
from lucid_payments.accounts.services import api_key_create, client_create


class ProbeKey(NamedTuple):
    client: Client
    plaintext: str


@pytest.fixture
def probe_key(transactional_db: None) -> ProbeKey:
    """A committed API key (every scope) of a fresh client: a server process sees it."""
    client = client_create(name="Probe tenant")
    _, plaintext = api_key_create(client=client, name="probe")
    return ProbeKey(client, plaintext)
