"""`--state FILE`: a chain saved on shutdown comes back with its blocks, receipts and balances."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
import tronpy

from devnet import persistence
from devnet.testing import running_devnet
from tests.devnet.conftest import call, key_of

NEW_ADDRESS = "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL"


def test_saved_chain_reloads_with_blocks_receipts_and_state(tmp_path: Path) -> None:
    state_file = tmp_path / "chain.json"
    with running_devnet(solid_lag=2) as chain:
        client = tronpy.Tron(provider=tronpy.providers.HTTPProvider(chain.url))
        faucet = call(chain, "devnet/faucet", {"address": NEW_ADDRESS, "trx": 7, "usdt": 9})
        chain.mine(3)
        sender = chain.accounts[1]
        pending = client.trx.transfer(sender.address, NEW_ADDRESS, 1).build().sign(key_of(sender))
        pending.broadcast()
        persistence.save(chain.node, state_file)
        head_id = chain.node.head.id_hex

    node = persistence.load(state_file, block_time=0, solid_lag=2, clock=time.time)
    with running_devnet(node=node) as reloaded:
        client = tronpy.Tron(provider=tronpy.providers.HTTPProvider(reloaded.url))
        assert reloaded.node.head.id_hex == head_id
        assert client.get_transaction_info(faucet["txids"]["usdt"])["receipt"]["result"] == (
            "SUCCESS"
        )
        token = client.get_contract(reloaded.token_address)
        assert token.functions.balanceOf(NEW_ADDRESS) == 9
        reloaded.mine()
        assert client.get_transaction_info(pending.txid)["blockNumber"] == 4
        assert client.get_account(NEW_ADDRESS)["balance"] == 8
        assert call(reloaded, "devnet/fork", {"blocks": 1})["head"]["number"] == 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cli_prints_accounts_serves_and_saves_on_sigterm(tmp_path: Path) -> None:
    state_file = tmp_path / "cli.json"
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devnet",
            "--port",
            str(port),
            "--block-time",
            "0",
            "--solid-lag",
            "0",
            "--state",
            str(state_file),
            "--seed",
            "3",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = [process.stdout.readline() for _ in range(3)]  # type: ignore[union-attr]
        assert "listening on" in banner[0]
        assert "TMEMwVQtet1e4Bm36woZYtS1HRvYyFtwES" in banner[1]
        url = f"http://127.0.0.1:{port}"
        reply = requests.post(f"{url}/devnet/mine", json={"blocks": 2}, timeout=5).json()
        assert reply["head"]["number"] == 2
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert process.returncode == 0
    node = persistence.load(state_file, block_time=0, solid_lag=0, clock=time.time)
    assert node.head.number == 2
    assert node.seed == 3
