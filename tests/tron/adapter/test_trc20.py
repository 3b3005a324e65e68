"""TRC20 reads and the transfer energy estimate, against the devnet over HTTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from devnet.genesis import TOKEN_DECIMALS, TOKEN_SYMBOL, TOKEN_TOTAL_SUPPLY
from lucid_payments.tron.adapter import trc20
from lucid_payments.tron.adapter.errors import NodeBadResponse, NodeRejected
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.addresses import to_hex
from tests.tron.conftest import DevnetHandle

pytestmark = pytest.mark.devnet

EMPTY = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
HOLDER = "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"


def test_metadata_is_read_from_the_contract(devnet: DevnetHandle) -> None:
    node = get_node()
    token = devnet.token_address

    assert trc20.decimals(node, contract=token) == TOKEN_DECIMALS
    assert trc20.symbol(node, contract=token) == TOKEN_SYMBOL
    assert trc20.total_supply(node, contract=token) == TOKEN_TOTAL_SUPPLY


def test_balance_of_counts_base_units_exactly(devnet: DevnetHandle) -> None:
    devnet.faucet(HOLDER, usdt=7_654_321)
    devnet.mine()
    node = get_node()

    assert trc20.balance_of(node, contract=devnet.token_address, holder=HOLDER) == 7_654_321
    assert trc20.balance_of(node, contract=devnet.token_address, holder=EMPTY) == 0


def test_allowance_without_an_approval_is_zero(devnet: DevnetHandle) -> None:
    owner = devnet.accounts[0].address
    allowed = trc20.allowance(get_node(), contract=devnet.token_address, owner=owner, spender=EMPTY)
    assert allowed == 0


def test_a_holder_spends_less_energy_than_a_first_deposit_costs(devnet: DevnetHandle) -> None:
    devnet.faucet(HOLDER, usdt=1)
    devnet.mine()
    sender = devnet.accounts[0].address
    node = get_node()

    to_empty = trc20.transfer_energy(
        node, contract=devnet.token_address, sender=sender, to=EMPTY, amount=1_000_000
    )
    to_holder = trc20.transfer_energy(
        node, contract=devnet.token_address, sender=sender, to=HOLDER, amount=1_000_000
    )

    assert 0 < to_holder.energy < to_empty.energy
    dry_run = trc20.constant_call(
        node,
        contract=devnet.token_address,
        selector=trc20.TRANSFER_SELECTOR,
        parameter=to_hex(EMPTY)[2:].rjust(64, "0") + format(1_000_000, "064x"),
        owner=sender,
    )
    assert to_empty.energy == dry_run.energy_used
    assert to_empty.source in {"estimateenergy", "triggerconstantcontract"}


def test_a_transfer_the_sender_cannot_cover_is_rejected(devnet: DevnetHandle) -> None:
    with pytest.raises(NodeRejected) as refused:
        trc20.transfer_energy(
            get_node(), contract=devnet.token_address, sender=EMPTY, to=HOLDER, amount=1
        )
    assert refused.value.node_code == "REVERT"
    assert "exceeds balance" in refused.value.message


def test_an_address_without_a_token_contract_is_not_read_as_zero(devnet: DevnetHandle) -> None:
    with pytest.raises((NodeRejected, NodeBadResponse)):
        trc20.decimals(get_node(), contract=HOLDER)


class _NoEstimatorNode(BaseHTTPRequestHandler):
    """A node in front of the devnet that lacks ``estimateenergy`` (as TronGrid nodes may):
    either the path is unknown (404) or java-tron says the estimator is off."""

    upstream = ""
    disabled_answer: tuple[int, bytes] = (404, b"")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/wallet/estimateenergy":
            status, content = self.disabled_answer
        else:
            answer = httpx.post(f"{self.upstream}{self.path}", content=body, timeout=10)
            status, content = answer.status_code, answer.content
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:
        pass


ESTIMATOR_OFF = json.dumps(
    {"result": {"code": "OTHER_ERROR", "message": "this node does not support estimate energy"}}
).encode()


@pytest.mark.parametrize("disabled_answer", [(404, b""), (200, ESTIMATOR_OFF)])
def test_without_an_estimator_the_dry_run_gives_the_energy(
    devnet: DevnetHandle, disabled_answer: tuple[int, bytes]
) -> None:
    handler = type(
        "Handler", (_NoEstimatorNode,), {"upstream": devnet.url, "disabled_answer": disabled_answer}
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    node = TronNode([f"http://127.0.0.1:{server.server_address[1]}"], max_attempts=1)
    try:
        estimate = trc20.transfer_energy(
            node,
            contract=devnet.token_address,
            sender=devnet.accounts[0].address,
            to=EMPTY,
            amount=1_000_000,
        )
    finally:
        node.close()
        server.shutdown()
        server.server_close()

    direct = trc20.transfer_energy(
        get_node(),
        contract=devnet.token_address,
        sender=devnet.accounts[0].address,
        to=EMPTY,
        amount=1_000_000,
    )
    assert estimate.source == "triggerconstantcontract"
    assert estimate.energy == direct.energy > 0
