"""Payouts on the devnet: a TRX payout (activating a new address) and a USDT payout (its
energy from the energy policy) land on chain exactly once, the ledger settles once, and
the exact costs are recorded; a hot wallet short on chain keeps the payout queued, says
so once, and sends it by itself when refilled (payouts in flight count against it); a
payout that fails on chain gives its amount and fee back."""

from __future__ import annotations

import logging

import pytest
import tronpy
from tronpy.providers import HTTPProvider

from lucid_payments.core.audit import AuditActor
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from lucid_payments.events.models import Event
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.reads import transaction_info
from lucid_payments.tron.adapter.resource_prices import resource_prices
from lucid_payments.tron.models import OutgoingTransaction
from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.scanner import BlockScanner, scan_once
from payouts.models import Payout, PayoutSettings
from payouts.sending import payout_send, payouts_resume
from tests.payouts.conftest import UNIT, Tenant
from tests.tron.conftest import SOLID_LAG, CountingNode, DevnetHandle
from tests.tron.outgoing.conftest import trx_balance
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include
from usdt.transfers import usdt_transfer_create, usdt_transfer_plan
from wallets.fee_receipts import transaction_fee_record
from wallets.models.fees import TransactionFee
from wallets.models.ledger import Hold
from wallets.models.wallets import Wallet

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

# Never funded on a fresh devnet: a payout to it activates it.
NEW_ADDRESS = "TF8h2RjdwccAqJ6WEXPKfpP4TWpAyh7GWV"


def _types(payout_id: str) -> list[str]:
    return list(
        Event.objects.filter(object_id=payout_id).order_by("id").values_list("type", flat=True)
    )


def _token_balance(devnet: DevnetHandle, address: str) -> int:
    client = tronpy.Tron(provider=HTTPProvider(devnet.url, timeout=10))
    return int(client.get_contract(devnet.token_address).functions.balanceOf(address))


def _send_to_final(devnet: DevnetHandle, payout: Payout) -> Payout:
    assert payout_send(payout_id=payout.pk) == "sending"
    assert payout_send(payout_id=payout.pk) == "sending"  # a twin run changes nothing
    payout.refresh_from_db()
    assert payout.outgoing_id is not None
    include(devnet, payout.outgoing_id)
    finalize(devnet, payout.outgoing_id)
    scan_once(BlockScanner())
    payout.refresh_from_db()
    return payout


def _costs_match_the_chain(tenant: Tenant, payout: Payout) -> TransactionFee:
    assert payout.outgoing_id is not None
    fee = transaction_fee_record(outgoing_id=payout.outgoing_id)
    assert fee is not None
    assert transaction_fee_record(outgoing_id=payout.outgoing_id) == fee  # recorded once
    info = transaction_info(get_node(), payout.txid, solid=True)
    assert info is not None and fee.fee_sun == info.fee
    shown = tenant.api.get(f"/api/v1/payouts/{payout.public_id}").json()
    assert shown["status"] == "confirmed" and shown["txid"] == payout.txid
    total = shown["network_costs"]["total"]
    assert total["asset"] == "TRX" and int(float(total["amount"]) * UNIT) == fee.fee_sun
    return fee


def test_a_trx_payout_activates_the_address_once_and_records_its_exact_cost(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=100 * UNIT)
    response = tenant.payout(tenant.customer(), NEW_ADDRESS, "5", asset="TRX")
    assert response.status_code == 201, response.content
    prices = resource_prices(get_node())
    activation = prices.create_account_sun + prices.create_account_bandwidth_sun
    assert response.json()["network_cost_estimate"]["amount"] == str(activation / UNIT).rstrip(
        "0"
    ).rstrip(".")
    payout = _send_to_final(devnet, Payout.objects.get(public_id=response.json()["id"]))

    assert payout.status == "confirmed" and payout.confirmed_at is not None
    assert trx_balance(NEW_ADDRESS) == 5 * UNIT
    assert OutgoingTransaction.objects.filter(reference=payout.ledger_reference).count() == 1
    assert tenant.balance(Asset.TRX) == (95 * UNIT, 0)
    assert Hold.objects.get(reference=payout.ledger_reference).status == "settled"
    fee = _costs_match_the_chain(tenant, payout)
    assert fee.activation_sun > 0
    assert _types(payout.public_id) == ["payout.created", "payout.sending", "payout.confirmed"]


def test_a_usdt_payout_is_sent_with_the_energy_policys_fee_limit_and_costed(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=100 * UNIT, usdt=50 * UNIT)
    recipient = devnet.accounts[5].address
    before = _token_balance(devnet, recipient)
    response = tenant.payout(tenant.customer(kyc=True), recipient, "12.5")
    assert response.status_code == 201, response.content
    assert response.json()["network_cost_estimate"] is not None

    payout = _send_to_final(devnet, Payout.objects.get(public_id=response.json()["id"]))

    assert payout.status == "confirmed" and payout.fee_limit_sun > 0
    assert payout.energy_mode in ("burn", "own", "delegated")
    assert _token_balance(devnet, recipient) - before == 12_500_000
    assert tenant.balance(Asset.USDT) == (37_500_000, 0)
    fee = _costs_match_the_chain(tenant, payout)
    assert fee.energy_total > 0
    assert _types(payout.public_id) == ["payout.created", "payout.sending", "payout.confirmed"]


def test_a_short_hot_wallet_delays_the_payout_once_and_a_refill_sends_it(
    devnet: DevnetHandle, tenant: Tenant, caplog: pytest.LogCaptureFixture
) -> None:
    wallet = tenant.api.post("/api/v1/wallets", {"kind": "hot"}, format="json").json()
    tenant.fund(Asset.TRX, 20 * UNIT)  # on the ledger: e.g. still on deposit addresses
    response = tenant.payout(tenant.customer(), devnet.accounts[5].address, "7", asset="TRX")
    payout = Payout.objects.get(public_id=response.json()["id"])

    with caplog.at_level(logging.WARNING, logger="payouts.sending"):
        assert payout_send(payout_id=payout.pk) == "queued"
        assert payout_send(payout_id=payout.pk) == "queued"
        assert payouts_resume() == 0
    assert [r.levelno for r in caplog.records if "delayed" in r.getMessage()] == [logging.WARNING]
    assert _types(payout.public_id) == ["payout.created", "payout.delayed"]
    alerts = AuditEvent.objects.filter(action="payout.delayed", object_id=str(payout.pk))
    assert alerts.count() == 1
    shown = tenant.api.get(f"/api/v1/payouts/{payout.public_id}").json()
    assert shown["status"] == "queued" and shown["delayed"] is True

    devnet.faucet(wallet["address"], trx=30 * UNIT)
    devnet.mine(SOLID_LAG + 1)
    scan_once(BlockScanner())
    assert payouts_resume() == 1

    payout.refresh_from_db()
    assert payout.status == "sending" and payout.delayed_since is None
    assert payout.outgoing_id is not None
    include(devnet, payout.outgoing_id)
    finalize(devnet, payout.outgoing_id)
    payout.refresh_from_db()
    assert payout.status == "confirmed"
    assert _types(payout.public_id) == [
        "payout.created",
        "payout.delayed",
        "payout.sending",
        "payout.confirmed",
    ]
    assert tenant.balance(Asset.TRX) == (43 * UNIT, 0)  # 20 + 30 refilled - 7


def test_a_usdt_payout_waits_while_the_hot_wallet_cannot_pay_its_energy(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    # USDT on chain but no TRX to burn, and neither an energy wallet nor a fee wallet.
    wallet = funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=1, usdt=20 * UNIT)
    response = tenant.payout(tenant.customer(), devnet.accounts[5].address, "3")
    payout = Payout.objects.get(public_id=response.json()["id"])

    assert payout_send(payout_id=payout.pk) == "queued"
    assert payouts_resume() == 0
    assert _types(payout.public_id) == ["payout.created", "payout.delayed"]

    devnet.faucet(wallet["address"], trx=50 * UNIT)
    devnet.mine(SOLID_LAG + 1)
    scan_once(BlockScanner())
    assert payouts_resume() == 1
    payout.refresh_from_db()
    assert payout.status == "sending" and payout.outgoing_id is not None
    include(devnet, payout.outgoing_id)
    finalize(devnet, payout.outgoing_id)
    payout.refresh_from_db()
    assert payout.status == "confirmed"
    assert tenant.balance(Asset.USDT) == (17 * UNIT, 0)


def test_payouts_in_flight_count_against_the_hot_wallet_and_a_failed_one_releases(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    PayoutSettings.objects.create(client=tenant.client, fee_usdt=UNIT)
    hot = funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=100 * UNIT, usdt=20 * UNIT)
    tenant.fund(Asset.USDT, 30 * UNIT)  # the ledger covers much more than the hot wallet
    customer = tenant.customer(kyc=True)
    first, second = (
        Payout.objects.get(
            public_id=tenant.payout(customer, devnet.accounts[5].address, "15").json()["id"]
        )
        for _ in range(2)
    )
    # Each would fit the hot wallet alone; together they do not: the second waits.
    assert payout_send(payout_id=first.pk) == "sending"
    assert payout_send(payout_id=second.pk) == "queued"
    assert _types(second.public_id)[-1] == "payout.delayed"
    assert tenant.post(f"/api/v1/payouts/{second.public_id}/cancel").status_code == 200

    # Something else takes the hot wallet's USDT before the first payout is broadcast.
    wallet = Wallet.objects.get(address=hot["address"])
    plan = usdt_transfer_plan(wallet=wallet, to=devnet.accounts[6].address, amount=15 * UNIT)
    transfer = usdt_transfer_create(wallet=wallet, plan=plan, actor=AuditActor.system("tests"))
    assert transfer.outgoing_id is not None
    include(devnet, transfer.outgoing_id)
    finalize(devnet, transfer.outgoing_id)
    first.refresh_from_db()
    assert first.outgoing_id is not None
    outgoing_process(first.outgoing_id)
    devnet.mine(SOLID_LAG + 1)
    assert outgoing_process(first.outgoing_id) == "failed"

    first.refresh_from_db()
    assert first.status == "failed" and first.failure_code and first.failed_at
    assert _types(first.public_id)[-1] == "payout.failed"
    # 20 + 30 credited, 15 transferred; the failed payout's amount and fee are back.
    assert tenant.balance(Asset.USDT) == (35 * UNIT, 0)
    assert Hold.objects.get(reference=f"{first.ledger_reference}:fee").status == "released"


def test_a_payout_checked_before_another_started_is_checked_again_not_sent_short(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    from payouts import sending

    hot = funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=100 * UNIT, usdt=20 * UNIT)
    tenant.fund(Asset.USDT, 30 * UNIT)
    customer = tenant.customer(kyc=True)
    first, second = (
        Payout.objects.get(
            public_id=tenant.payout(customer, devnet.accounts[5].address, "15").json()["id"]
        )
        for _ in range(2)
    )
    # Two workers at once: the second read the balance before the first started, when 15
    # of the 20 on chain were not yet spoken for.
    plan = sending.energy_plan_for_usdt_send(
        sender=hot["address"], to=second.destination, amount=second.amount, node=get_node()
    )
    assert payout_send(payout_id=first.pk) == "sending"
    started = sending._start(second.pk, sender=hot["address"], plan=plan, in_flight_seen=0)

    assert started == "queued"  # checked again from the start, not sent to fail on chain
    second.refresh_from_db()
    assert second.status == "queued" and second.sender == "" and second.outgoing_id is None
    assert "payout.sending" not in _types(second.public_id)


def test_the_worker_that_starts_a_payout_signs_and_broadcasts_it_itself(
    devnet: DevnetHandle, tenant: Tenant, django_capture_on_commit_callbacks
) -> None:
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=100 * UNIT)
    response = tenant.payout(tenant.customer(), devnet.accounts[4].address, "3", asset="TRX")
    payout = Payout.objects.get(public_id=response.json()["id"])

    with django_capture_on_commit_callbacks(execute=True) as after_commit:
        assert payout_send(payout_id=payout.pk) == "sending"

    assert len(after_commit) == 1  # the send, right after the payout commits
    payout.refresh_from_db()
    outgoing = OutgoingTransaction.objects.get(pk=payout.outgoing_id)
    assert outgoing.status == "broadcast" and outgoing.txid
    assert transaction_info(get_node(), outgoing.txid) is None  # in the pool, not a block yet
    devnet.mine()
    assert transaction_info(get_node(), outgoing.txid) is not None


def test_the_catch_up_asks_once_for_a_short_wallet_and_still_sends_what_fits(
    devnet: DevnetHandle, tenant: Tenant
) -> None:
    funded_hot_wallet(devnet, tenant.api, tenant.client.pk, trx=10 * UNIT)
    tenant.fund(Asset.TRX, 100 * UNIT)  # the ledger covers all three; the chain does not
    customer = tenant.customer()
    ids = [
        tenant.payout(customer, devnet.accounts[5].address, amount, asset="TRX").json()["id"]
        for amount in ("12", "15", "3")
    ]
    node = CountingNode(devnet.url)
    try:
        assert payouts_resume(node=node) == 1
    finally:
        node.close()

    statuses = dict(Payout.objects.filter(public_id__in=ids).values_list("public_id", "status"))
    assert [statuses[public_id] for public_id in ids] == ["queued", "queued", "sending"]
    # 12 TRX was short; 15 was not asked about; 3 was, and fits.
    assert node.asked["wallet/getaccount"] == 2
    for public_id in ids[:2]:
        assert _types(public_id) == ["payout.created", "payout.delayed"]
