"""A committed API key, for attacks replayed over HTTP against a real server process."""

from __future__ import annotations

from typing import NamedTuple

from lucid_payments.accounts.models import Client
from lucid_payments.accounts.services import api_key_create, client_create


class ProbeKey(NamedTuple):
    client: Client
    plaintext: str


def probe_key_create() -> ProbeKey:
    """A key with every scope, of a fresh client. Call it from a test that has
    ``transactional_db``: only committed rows are visible to the server process."""
    client = client_create(name="Probe tenant")
    _, plaintext = api_key_create(client=client, name="probe")
    return ProbeKey(client, plaintext)
