"""``manage.py reconcile`` on the devnet: what each line compares, and an exit status that
is non-zero only for a real difference (1) or when it could not compare (2)."""

from __future__ import annotations

import secrets

import pytest
from coincurve import PrivateKey

from lucid_payments.accounts.models import Customer
from lucid_payments.core.money import Asset
from lucid_payments.tron.scanner import BlockScanner, scan_once
from lucid_payments.tron.signing import address_of_public_key
from tests.tron.conftest import DevnetHandle
from tests.wallets.chain_helpers import funded_hot_wallet, run_reconcile
from wallets.keystore.redacted import RedactedBytes
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.services import wallet_import_hot_key

FIVE_TRX = 5_000_000
TEN_USDT = 10_000_000


@pytest.mark.django_db
@pytest.mark.devnet
def test_money_on_chain_the_ledger_never_saw_is_a_difference(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, _ = wallets_api
    key = secrets.token_bytes(32)
    address = address_of_public_key(PrivateKey(key).public_key)
    devnet.faucet(address, trx=FIVE_TRX)  # before the address was ours: never credited
    devnet.mine()
    scan_once(BlockScanner())
    wallet_import_hot_key(private_key=RedactedBytes(key), client=tenant)

    result = run_reconcile()

    assert result.returncode == 1
    assert "5 TRX" in result.error
    assert (
        "TRX: on chain 5 TRX at 1 address(es), expected 0 TRX = ledger custody 0 TRX"
        in result.output
    )
    assert "difference +5 TRX." in result.output
    assert "USDT: on chain 0 USDT" in result.output and "no difference." in result.output


@pytest.mark.django_db
@pytest.mark.devnet
def test_a_ledger_claim_the_chain_does_not_hold_is_a_difference_even_with_the_scanner_behind(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, api = wallets_api
    funded_hot_wallet(devnet, api, tenant.pk, usdt=TEN_USDT)
    ledger_credit(
        owner=LedgerOwner.client(tenant.pk), asset=Asset.USDT, amount=1, reference="phantom"
    )

    result = run_reconcile(scan_first=False)

    assert result.returncode == 1
    assert "-0.000001 USDT" in result.error


@pytest.mark.django_db
@pytest.mark.devnet
def test_a_surplus_while_the_scanner_is_behind_is_not_called_a_difference(
    devnet: DevnetHandle, wallets_api
) -> None:
    tenant, api = wallets_api
    customer = Customer.objects.create(client=tenant, external_ref="bob")
    address = api.post(f"/api/v1/customers/{customer.pk}/deposit-address").json()["address"]
    devnet.faucet(address, trx=FIVE_TRX)  # a deposit in a block the scanner has not read
    devnet.mine()

    behind = run_reconcile(scan_first=False)
    assert behind.returncode == 2
    assert "scanner is" in behind.error and "blocks behind" in behind.error

    caught_up = run_reconcile()  # now seen, not final: counted as in flight
    assert caught_up.returncode == 0, caught_up.output + caught_up.error
    assert "+ 1 deposits seen not final 5 TRX" in caught_up.output


@pytest.mark.django_db
def test_an_unreachable_node_means_no_comparison_not_a_difference(
    unreachable_node: str, wallets_api
) -> None:
    _, api = wallets_api
    api.post("/api/v1/wallets", {"kind": "hot"}, format="json")
    scanner_free = run_reconcile(scan_first=False)
    assert scanner_free.returncode == 2
    assert scanner_free.error.startswith("Could not compare: the node did not answer")


@pytest.mark.django_db
@pytest.mark.devnet
def test_reconcile_scans_nothing_and_agrees_on_an_empty_platform(devnet: DevnetHandle) -> None:
    scan_once(BlockScanner())
    result = run_reconcile()
    assert result.returncode == 0
    assert "Chain and ledger agree: no difference." in result.output
