"""tron-client reads against the devnet: status, blocks, accounts, transactions, addresses."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lucid_payments.accounts.scopes import Scope
from lucid_payments.tron.addresses import to_hex
from lucid_payments.tron.outgoing import contracts
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.outgoing.steps import outgoing_process
from lucid_payments.tron.signing import PrivateKeySigner
from tests.tron.api.conftest import TenantApiClient, keyed_client
from tests.tron.conftest import SOLID_LAG, DevnetHandle

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

NOBODY = PrivateKeySigner(b"\x07" * 32).address  # a valid address that never held TRX


def test_network_status_reports_heads_lag_and_parameters(
    devnet: DevnetHandle, tron_api: APIClient
) -> None:
    devnet.mine(SOLID_LAG + 2)
    response = tron_api.get("/api/v1/network/status")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["head_block"]["number"] == SOLID_LAG + 2
    assert body["solid_block"]["number"] == 2
    assert body["solid_lag_blocks"] == SOLID_LAG
    assert body["scanner"] == {"cursor_block": None, "lag_blocks": None, "updated_at": None}
    assert isinstance(body["chain_parameters"]["getEnergyFee"], int)


def test_block_lists_its_transactions_and_a_future_block_is_404(
    devnet: DevnetHandle, tron_api: APIClient
) -> None:
    txids = devnet.faucet(NOBODY, trx=3_000_000)
    devnet.mine()
    body = tron_api.get("/api/v1/blocks/1").json()
    assert body["number"] == 1 and body["solidified"] is False
    [tx] = body["transactions"]
    assert tx["txid"] == txids["trx"]
    assert (tx["to_address"], tx["amount"], tx["succeeded"]) == (NOBODY, 3_000_000, True)

    missing = tron_api.get("/api/v1/blocks/99")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "block_not_found"


def test_account_shows_balance_and_resources_in_either_address_form(
    devnet: DevnetHandle, tron_api: APIClient
) -> None:
    devnet.faucet(NOBODY, trx=2_500_000)
    devnet.mine()
    by_base58 = tron_api.get(f"/api/v1/accounts/{NOBODY}").json()
    by_hex = tron_api.get(f"/api/v1/accounts/{to_hex(NOBODY)}").json()
    assert by_base58 == by_hex
    assert by_base58["exists"] is True and by_base58["balance_sun"] == 2_500_000
    assert by_base58["resources"]["free_net_limit"] > 0


def test_unknown_account_does_not_exist_and_a_bad_address_is_400(
    devnet: DevnetHandle, tron_api: APIClient
) -> None:
    body = tron_api.get(f"/api/v1/accounts/{NOBODY}").json()
    assert body["exists"] is False and body["balance_sun"] == 0
    bad = tron_api.get("/api/v1/accounts/TNotAnAddress")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid_address"


def test_transaction_we_sent_for_a_client_shows_it_our_status(
    devnet: DevnetHandle, tron_api: TenantApiClient
) -> None:
    from lucid_payments.tron.signing import register_signer_source, unregister_signer_source

    sender = PrivateKeySigner(bytes.fromhex(devnet.accounts[1].private_key))

    def source(address: str) -> PrivateKeySigner | None:
        return sender if address == sender.address else None

    register_signer_source(source)
    try:
        call = contracts.trx_transfer(owner=sender.address, to=NOBODY, amount_sun=42)
        outgoing = outgoing_create(
            call=call, reference="api:1", client=tron_api.tenant, enqueue=False
        )
        outgoing_process(outgoing.pk)
        devnet.mine(1 + SOLID_LAG)
        outgoing_process(outgoing.pk)
    finally:
        unregister_signer_source(source)
    outgoing.refresh_from_db()
    body = tron_api.get(f"/api/v1/transactions/{outgoing.txid}").json()
    assert body["found_on_chain"] is True and body["solidified"] is True
    assert body["contract_result"] == "SUCCESS"
    assert body["platform"]["outgoing"]["status"] == "final"
    assert body["platform"]["outgoing"]["origin"] == "platform"


def test_unknown_transaction_is_404(devnet: DevnetHandle, tron_api: APIClient) -> None:
    response = tron_api.get(f"/api/v1/transactions/{'ab' * 32}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "transaction_not_found"


def test_address_validation(devnet: DevnetHandle, tron_api: APIClient) -> None:
    good = tron_api.post("/api/v1/addresses/validate", {"address": to_hex(NOBODY)}, format="json")
    assert good.json() == {"valid": True, "base58": NOBODY, "hex": to_hex(NOBODY)}
    typo = NOBODY[:-1] + ("A" if NOBODY[-1] != "A" else "B")
    bad = tron_api.post("/api/v1/addresses/validate", {"address": typo}, format="json")
    assert bad.json() == {"valid": False, "base58": None, "hex": None}


def test_a_key_without_the_tron_scope_is_refused(devnet: DevnetHandle) -> None:
    api = keyed_client([Scope.PAYOUTS])
    response = api.get("/api/v1/network/status")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert APIClient().get("/api/v1/network/status").status_code == 401


def test_readiness_includes_the_node(devnet: DevnetHandle, settings, api_client: APIClient) -> None:
    assert api_client.get("/health/ready").status_code == 200
    settings.TRON_NODE_URLS = ["http://127.0.0.1:9", devnet.url]  # failover counts as ready
    assert api_client.get("/health/ready").status_code == 200
    settings.TRON_NODE_URLS = ["http://127.0.0.1:9"]
    response = api_client.get("/health/ready")
    assert response.status_code == 503
    assert set(response.json()["failures"]) == {"node"}
