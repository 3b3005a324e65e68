"""Fixtures for devnet tests: a fresh chain per test, served over HTTP on a free port, and an
unmodified tronpy client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
import tronpy
from tronpy.keys import PrivateKey
from tronpy.providers import HTTPProvider

from devnet.testing import DevnetAccount, RunningDevnet, running_devnet


@pytest.fixture
def chain() -> Iterator[RunningDevnet]:
    """Blocks only on demand (`chain.mine()`), solidified head == head."""
    with running_devnet() as running:
        yield running


@pytest.fixture
def client(chain: RunningDevnet) -> tronpy.Tron:
    return tronpy.Tron(provider=HTTPProvider(chain.url, timeout=10))


def key_of(account: DevnetAccount) -> PrivateKey:
    return PrivateKey(bytes.fromhex(account.private_key))


def post(chain: RunningDevnet, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
    return requests.post(f"{chain.url}/{path}", json=body, timeout=10, **kwargs)


def call(chain: RunningDevnet, path: str, body: Any = None) -> Any:
    """POST a TRON API call and return its JSON body (the node always answers 200)."""
    response = post(chain, path, body)
    assert response.status_code == 200, response.text
    return response.json()
