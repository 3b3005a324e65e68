"""Fixtures of the usdt tests: a tenant with wallets+usdt scopes, and the platform's energy
wallet funded and staked on the devnet."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tests.tron.conftest import devnet  # noqa: F401 - the devnet fixture
from tests.wallets.conftest import next_owner_id, test_master_key  # noqa: F401
from usdt.energy.wallet import energy_wallet_create
from wallets.models.wallets import Wallet

SUN = 1_000_000


@pytest.fixture
def usdt_api(db: None) -> Iterator[tuple[Any, Any]]:
    """(client, APIClient) for a fresh tenant whose key has the wallets and usdt scopes."""
    from rest_framework.test import APIClient

    from lucid_payments.accounts.scopes import Scope
    from lucid_payments.accounts.services import api_key_create, client_create

    tenant = client_create(name=f"usdt-tenant-{next_owner_id()}")
    _, plaintext = api_key_create(
        client=tenant, name="usdt test", scopes=[Scope.WALLETS, Scope.USDT]
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    yield tenant, api


def staked_energy_wallet(chain: Any, *, trx: int) -> Wallet:
    """The energy wallet, funded with ``trx`` + 100 TRX and ``trx`` staked for energy,
    through ``manage.py energy_wallet`` and the worker's steps."""
    from django.conf import settings

    from lucid_payments.tron.selectors import outgoing_by_reference
    from tests.wallets.chain_helpers import finalize, include

    wallet = energy_wallet_create()
    chain.faucet(wallet.address, trx=(trx + 100) * SUN)
    chain.mine()
    out = StringIO()
    call_command("energy_wallet", "freeze", "--trx", str(trx), "--reference", "stake-1", stdout=out)
    assert "Recorded as outgoing transaction" in out.getvalue()
    outgoing = outgoing_by_reference(network=settings.TRON_NETWORK, reference="stake-1")
    assert outgoing is not None
    include(chain, outgoing.id)
    finalize(chain, outgoing.id)
    return wallet
