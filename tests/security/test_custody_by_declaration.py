"""Custody is what we can sign for, not what a client declares (the probe's attack, replayed).

Two tenants over real HTTP (Django's live server), the devnet over HTTP, the scanner and
the outgoing worker run in-process as the worker would. Before the fix, a client that
registered someone else's address as a ``cold`` wallet could (a) send TRX there from its
hot wallet and keep its balance, and (b) make transfers from that address to another
tenant's deposit address go uncredited.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.scanner import BlockScanner, scan_once
from tests.security.tenants import Tenant
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.wallets.ledger_helpers import assert_ledger_consistent

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.devnet]

TEN_TRX = 10_000_000
FOUR_TRX = 4_000_000
SEVEN_USDT = 7_000_000


def _settle_chain(devnet: DevnetHandle, scanner: BlockScanner) -> None:
    """Let everything sent so far solidify and be read, as the scanner would in time."""
    devnet.mine(SOLID_LAG + 1)
    scan_once(scanner)


def _funded_hot_wallet(
    tenant: Tenant, devnet: DevnetHandle, scanner: BlockScanner
) -> dict[str, object]:
    """A hot wallet sent 10 TRX from outside: credited to its client once final."""
    hot = tenant.wallet("hot")
    devnet.faucet(hot["address"], trx=TEN_TRX)
    _settle_chain(devnet, scanner)
    assert tenant.available("TRX") == "10"
    return hot


def _send(devnet: DevnetHandle, scanner: BlockScanner, outgoing_id: int) -> None:
    """Sign, broadcast and track one transaction to final, as the worker does."""
    outgoing_process(outgoing_id)
    devnet.mine(SOLID_LAG + 1)
    assert outgoing_process(outgoing_id) == "final"
    scan_once(scanner)


def _reconciles() -> None:
    out = StringIO()
    call_command("reconcile", stdout=out)  # raises CommandError on any difference
    assert "no difference" in out.getvalue(), out.getvalue()
    call_command("ledger_verify", stdout=StringIO())
    assert_ledger_consistent()


def test_trx_sent_to_a_declared_cold_address_leaves_the_clients_balance(
    devnet: DevnetHandle, tenants: tuple[Tenant, Tenant]
) -> None:
    alice, _ = tenants
    scanner = BlockScanner()
    hot = _funded_hot_wallet(alice, devnet, scanner)
    stranger = devnet.accounts[1].address  # a genesis account: not alice's, not ours
    alice.wallet("cold", address=stranger)

    _send(devnet, scanner, alice.transfer_trx(hot["id"], stranger, "4"))

    assert alice.available("TRX") == "6"  # withdrawn: the balance went with it
    _reconciles()


def test_transfers_from_a_declared_cold_address_to_another_tenants_deposit_are_credited(
    devnet: DevnetHandle, tenants: tuple[Tenant, Tenant]
) -> None:
    alice, bob = tenants
    scanner = BlockScanner()
    usdt_source = devnet.accounts[0].address  # the devnet's USDT faucet sends from here
    trx_source = devnet.accounts[-1].address  # and its TRX faucet from here
    alice.wallet("cold", address=usdt_source)
    alice.wallet("cold", address=trx_source)
    customer_id, deposit = bob.deposit_address("carol")

    devnet.faucet(deposit, usdt=SEVEN_USDT, trx=TEN_TRX)
    _settle_chain(devnet, scanner)

    assert bob.available("USDT", customer_id) == "7"
    assert bob.available("TRX", customer_id) == "10"
    _reconciles()


def test_one_tenants_withdrawal_to_another_tenants_deposit_address_is_that_tenants_deposit(
    devnet: DevnetHandle, tenants: tuple[Tenant, Tenant]
) -> None:
    alice, bob = tenants
    scanner = BlockScanner()
    hot = _funded_hot_wallet(alice, devnet, scanner)
    customer_id, deposit = bob.deposit_address("dave")

    _send(devnet, scanner, alice.transfer_trx(hot["id"], deposit, "4"))

    assert alice.available("TRX") == "6"
    assert bob.available("TRX", customer_id) == "4"
    _reconciles()


def test_moving_trx_between_a_clients_own_wallets_keeps_it_the_clients(
    devnet: DevnetHandle, tenants: tuple[Tenant, Tenant]
) -> None:
    alice, _ = tenants
    scanner = BlockScanner()
    hot = _funded_hot_wallet(alice, devnet, scanner)
    fee = alice.wallet("fee")

    _send(devnet, scanner, alice.transfer_trx(hot["id"], fee["address"], "4"))

    assert alice.available("TRX") == "10"  # still hers, in custody: neither lost nor doubled
    _reconciles()


def test_money_sent_to_a_clients_keyed_wallets_from_outside_credits_it_once(
    devnet: DevnetHandle, tenants: tuple[Tenant, Tenant]
) -> None:
    alice, _ = tenants
    scanner = BlockScanner()
    hot = alice.wallet("hot")
    fee = alice.wallet("fee")
    devnet.faucet(hot["address"], trx=TEN_TRX, usdt=SEVEN_USDT)
    devnet.faucet(fee["address"], trx=FOUR_TRX)
    _settle_chain(devnet, scanner)
    scan_once(scanner)  # reading again books nothing twice
    scanner_again = BlockScanner()
    scan_once(scanner_again)

    assert alice.available("TRX") == "14"
    assert alice.available("USDT") == "7"
    _reconciles()


def test_a_declared_cold_address_is_not_counted_as_custody(
    devnet: DevnetHandle, tenants: tuple[Tenant, Tenant]
) -> None:
    alice, _ = tenants
    scanner = BlockScanner()
    alice.wallet("cold", address=devnet.accounts[2].address)  # holds 1,000,000 TRX on chain
    _settle_chain(devnet, scanner)

    out = StringIO()
    call_command("reconcile", stdout=out)
    assert "on chain 0 TRX at 0 address(es)" in out.getvalue(), out.getvalue()
