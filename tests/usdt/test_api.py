"""The usdt-manager API on the devnet: contract, balances, approvals and allowances,
transaction decoding, the transfer list and detail, events, failures and the stats."""

from __future__ import annotations

from typing import Any

import pytest

from lucid_payments.core.money import Asset, format_amount
from lucid_payments.events.models import Event
from lucid_payments.tron.adapter.accounts import account
from lucid_payments.tron.adapter.node import get_node
from lucid_payments.tron.adapter.reads import transaction_info
from lucid_payments.tron.adapter.trc20 import balance_of, total_supply
from lucid_payments.tron.models import OutgoingStatus
from lucid_payments.tron.outgoing.steps import outgoing_process
from tests.tron.conftest import SOLID_LAG, DevnetHandle
from tests.usdt.conftest import SUN
from tests.wallets.chain_helpers import finalize, funded_hot_wallet, include
from tests.wallets.ledger_helpers import assert_ledger_consistent
from usdt.models import UsdtApproval, UsdtTransfer
from wallets.fee_receipts import transaction_fees_catch_up
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

HOLDER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
SPENDER = "TVjsyZ7fYF3qLF6BQgPmTEZy1xrNNyVAAA"


def _usdt_available(client_id: int) -> tuple[int, int]:
    balance = next(
        b for b in owner_balances(owner=LedgerOwner.client(client_id)) if b.asset == Asset.USDT
    )
    return balance.available, balance.held


def _send(api: Any, wallet_id: int, amount: str, key: str) -> Any:
    return api.post(
        "/api/v1/usdt/transfers",
        {"wallet_id": wallet_id, "to": HOLDER, "amount": {"amount": amount, "asset": "USDT"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_contract_balance_approval_allowance_and_a_decoded_transaction(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any]
) -> None:
    tenant, api = usdt_api
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=20 * SUN, usdt=7 * SUN)
    node = get_node()

    contract = api.get("/api/v1/usdt/contract").json()
    assert contract["address"] == devnet.token_address and contract["decimals"] == 6
    supply = total_supply(node, contract=devnet.token_address)
    assert contract["total_supply"] == {
        "amount": format_amount(supply, Asset.USDT),
        "asset": "USDT",
    }
    balance = api.get(f"/api/v1/usdt/balances/{hot['address']}").json()
    assert balance["balance"] == {"amount": "7", "asset": "USDT"}
    assert api.get("/api/v1/usdt/balances/not-an-address").status_code == 400

    response = api.post(
        "/api/v1/usdt/approvals",
        {"wallet_id": hot["id"], "spender": SPENDER, "amount": {"amount": "5", "asset": "USDT"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="approve-1",
    )
    assert response.status_code == 202, response.content
    approval = UsdtApproval.objects.get()
    include(devnet, approval.outgoing_id)
    finalize(devnet, approval.outgoing_id)
    allowance = api.get(f"/api/v1/usdt/allowances/{hot['address']}/{SPENDER}").json()
    assert allowance["allowance"] == {"amount": "5", "asset": "USDT"}
    assert _usdt_available(tenant.pk) == (7 * SUN, 0)  # an approval moves no USDT

    txid = devnet.faucet(HOLDER, usdt=1_234_567)["usdt"]
    devnet.mine()
    decoded = api.get(f"/api/v1/usdt/transactions/{txid}").json()
    info = transaction_info(node, txid)
    assert info is not None
    assert decoded["from_address"] == devnet.accounts[0].address
    assert decoded["to"] == HOLDER
    assert decoded["amount"] == {"amount": "1.234567", "asset": "USDT"}
    assert decoded["result"] == "SUCCESS"
    assert decoded["energy_total"] == info.energy_usage_total > 0
    assert api.get(f"/api/v1/usdt/transactions/{'0' * 64}").status_code == 404
    assert api.get("/api/v1/usdt/transactions/xyz").status_code == 400


def test_transfers_list_filters_events_a_failure_released_and_the_stats(
    devnet: DevnetHandle, usdt_api: tuple[Any, Any], settings: Any
) -> None:
    tenant, api = usdt_api
    devnet.faucet(HOLDER, usdt=1)
    hot = funded_hot_wallet(devnet, api, tenant.pk, trx=40 * SUN, usdt=100 * SUN)

    first = _send(api, hot["id"], "10", "t-1")
    assert first.status_code == 202
    replay = _send(api, hot["id"], "10", "t-1")
    assert replay.json() == first.json()  # same key, same body: the stored answer
    assert UsdtTransfer.objects.count() == 1
    assert _send(api, hot["id"], "11", "t-1").status_code == 422  # same key, other body

    ok = UsdtTransfer.objects.get()
    assert ok.outgoing_id is not None
    include(devnet, ok.outgoing_id)
    finalize(devnet, ok.outgoing_id)
    ok.refresh_from_db()

    # A fee_limit below what burning needs: the chain refuses the call (OUT_OF_ENERGY),
    # burns up to the limit, and the hold is released.
    settings.USDT_FEE_LIMIT_MARGIN_PERCENT = -50
    failing = _send(api, hot["id"], "20", "t-2").json()
    assert _usdt_available(tenant.pk) == (70 * SUN, 20 * SUN)
    bad = UsdtTransfer.objects.get(pk=failing["id"])
    assert bad.outgoing_id is not None
    outgoing_process(bad.outgoing_id)
    devnet.mine(SOLID_LAG + 1)
    assert outgoing_process(bad.outgoing_id) == OutgoingStatus.FAILED
    bad.refresh_from_db()
    assert bad.status == "failed" and bad.failure_code == "OUT_OF_ENERGY"
    assert _usdt_available(tenant.pk) == (90 * SUN, 0)
    assert balance_of(get_node(), contract=devnet.token_address, holder=hot["address"]) == 90 * SUN

    # More than the wallet holds on chain: the estimate's dry run reverts, nothing is held.
    too_much = _send(api, hot["id"], "1000", "t-3")
    assert too_much.status_code == 422 and too_much.json()["error"]["code"] == "transfer_would_fail"
    assert _usdt_available(tenant.pk) == (90 * SUN, 0) and UsdtTransfer.objects.count() == 2

    types = list(Event.objects.filter(client=tenant).values_list("type", "object_id"))
    assert ("usdt_transfer.confirmed", str(ok.pk)) in types
    assert ("usdt_transfer.failed", str(bad.pk)) in types

    listed = api.get("/api/v1/usdt/transfers?limit=1").json()
    assert listed["count"] == 2 and [t["id"] for t in listed["results"]] == [bad.pk]
    confirmed = api.get("/api/v1/usdt/transfers?status=confirmed").json()
    assert [t["id"] for t in confirmed["results"]] == [ok.pk]
    assert api.get("/api/v1/usdt/transfers?status=nope").status_code == 400

    assert transaction_fees_catch_up(network=settings.TRON_NETWORK) >= 2
    fees_burned = sum(
        info.fee
        for info in (transaction_info(get_node(), t.txid, solid=True) for t in (ok, bad))
        if info is not None
    )
    stats = api.get("/api/v1/usdt/stats?days=7").json()
    totals = stats["totals"]
    assert (totals["transfers"], totals["confirmed"], totals["failed"]) == (2, 1, 1)
    assert totals["volume"] == {"amount": "10", "asset": "USDT"}
    assert totals["trx_burned"]["amount"] == str(fees_burned / SUN).rstrip("0").rstrip(".")
    assert totals["energy_delegated"] == 0
    assert len(stats["days"]) == 1
    assert api.get("/api/v1/usdt/stats?days=0").status_code == 400
    # The hot wallet paid exactly those fees in TRX.
    assert account(get_node(), hot["address"]).balance_sun == 40 * SUN - fees_burned
    assert_ledger_consistent()


def test_bad_input_changes_nothing(usdt_api: tuple[Any, Any]) -> None:
    _, api = usdt_api
    bodies = [
        {"wallet_id": 1, "to": "nope", "amount": {"amount": "1", "asset": "USDT"}},
        {"wallet_id": 1, "to": HOLDER, "amount": {"amount": "1", "asset": "TRX"}},
        {"wallet_id": 1, "to": HOLDER, "amount": {"amount": "0.0000001", "asset": "USDT"}},
        {"to": HOLDER, "amount": {"amount": "1", "asset": "USDT"}},
        {"wallet_id": 1, "to": HOLDER, "amount": 1},
    ]
    for n, body in enumerate(bodies):
        response = api.post(
            "/api/v1/usdt/transfers", body, format="json", HTTP_IDEMPOTENCY_KEY=f"bad-{n}"
        )
        assert response.status_code == 400, body
        assert set(response.json()["error"]) >= {"code", "message", "fields"}
    assert not UsdtTransfer.objects.exists()


def test_another_clients_transfer_and_wallet_are_not_found(
    usdt_api: tuple[Any, Any],
) -> None:
    _, api = usdt_api
    assert api.get("/api/v1/usdt/transfers/999999").status_code == 404
    response = api.post(
        "/api/v1/usdt/transfers",
        {"wallet_id": 999999, "to": HOLDER, "amount": {"amount": "1", "asset": "USDT"}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-404",
    )
    assert response.status_code == 404
