"""The token registry: USDT's contract per network, decimals and symbol read once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client as WebClient
from pytest_django.fixtures import Settings as SettingsWrapper

from devnet.genesis import TOKEN_ADDRESS
from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.errors import NodeBadResponse, NodeRejected
from lucid_payments.tron.adapter.node import TronNode
from lucid_payments.tron.models import TokenContract
from lucid_payments.tron.tokens import MAINNET_USDT, token_contract_address, token_get
from tests.tron.conftest import DevnetHandle

NILE_USDT = "TXYZopYRdj2D9XRtbG411XZZ3kM5VkAeBf"
OTHER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_each_network_has_its_usdt(settings: SettingsWrapper) -> None:
    settings.USDT_CONTRACT = ""
    assert token_contract_address(Asset.USDT, "mainnet") == MAINNET_USDT
    assert token_contract_address(Asset.USDT, "nile") == NILE_USDT
    assert token_contract_address(Asset.USDT, "devnet") == TOKEN_ADDRESS


def test_usdt_contract_configures_the_running_test_network(settings: SettingsWrapper) -> None:
    settings.TRON_NETWORK = "nile"
    settings.USDT_CONTRACT = OTHER
    assert token_contract_address(Asset.USDT) == OTHER
    assert token_contract_address(Asset.USDT, "shasta") != OTHER  # only the configured network


def test_mainnet_usdt_cannot_be_replaced(settings: SettingsWrapper) -> None:
    settings.TRON_NETWORK = "mainnet"
    settings.USDT_CONTRACT = OTHER
    with pytest.raises(ImproperlyConfigured, match="mainnet USDT"):
        token_contract_address(Asset.USDT)


def test_a_malformed_usdt_contract_is_a_configuration_error(settings: SettingsWrapper) -> None:
    settings.TRON_NETWORK = "shasta"
    settings.USDT_CONTRACT = "not-an-address"
    with pytest.raises(ImproperlyConfigured, match="USDT_CONTRACT"):
        token_contract_address(Asset.USDT)


@pytest.mark.django_db
@pytest.mark.devnet
def test_decimals_and_symbol_are_read_once_then_come_from_the_row(devnet: DevnetHandle) -> None:
    token = token_get(Asset.USDT)

    assert (token.contract, token.symbol, token.decimals) == (TOKEN_ADDRESS, "USDT", 6)
    row = TokenContract.objects.get(network="devnet", contract=TOKEN_ADDRESS)
    assert (row.asset, row.symbol, row.decimals) == ("USDT", "USDT", 6)
    # No node at all now: the stored row answers.
    unreachable = TronNode(["http://127.0.0.1:1"], max_attempts=1)
    assert token_get(Asset.USDT, node=unreachable) == token
    assert TokenContract.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.devnet
def test_a_contract_that_is_not_a_token_stores_nothing(
    devnet: DevnetHandle, settings: SettingsWrapper
) -> None:
    settings.USDT_CONTRACT = OTHER  # an address without code
    with pytest.raises((NodeRejected, NodeBadResponse)):
        token_get(Asset.USDT)
    assert not TokenContract.objects.exists()


@pytest.mark.django_db
def test_the_admin_lists_stored_tokens_read_only() -> None:
    TokenContract.objects.create(
        network="devnet", asset="USDT", contract=TOKEN_ADDRESS, symbol="USDT", decimals=6
    )
    web = WebClient()
    web.force_login(User.objects.create_superuser("root", password="pw"))

    listing = web.get("/admin/tron/tokencontract/")

    assert listing.status_code == 200 and TOKEN_ADDRESS in listing.content.decode()
    assert web.get("/admin/tron/tokencontract/add/").status_code == 403
