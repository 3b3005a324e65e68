"""TronWeb 6 (npm, unmodified) against a running devnet.

The node scripts in tests/devnet/js each print one JSON object: step name → {ok, value} or
{ok: false, error}. They run with the machine's `node`; the test skips when node or npm is
missing and installs the locked TronWeb (`npm ci`) when node_modules is absent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devnet.abi import decode_error
from devnet.genesis import witnesses
from devnet.testing import RunningDevnet, running_devnet

pytestmark = pytest.mark.devnet

JS_DIR = Path(__file__).parent / "js"
TRX = 1_000_000


@pytest.fixture(scope="module")
def node_binary() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("TronWeb conformance needs Node.js and npm on PATH (not found)")
    if not (JS_DIR / "node_modules" / "tronweb").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, timeout=600)
    return node


@pytest.fixture
def chain() -> Iterator[RunningDevnet]:
    with running_devnet() as running:
        # TronWeb's local builder reads block_header.raw_data.number, which proto3 JSON omits
        # for block 0; a real chain is never at genesis, so start from block 1.
        running.mine()
        yield running


def run_script(node: str, script: str, args: dict[str, Any]) -> dict[str, Any]:
    completed = subprocess.run(
        [node, str(JS_DIR / script), json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    output: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return output


def ok(output: dict[str, Any], step: str) -> Any:
    """The value of a step that must have succeeded (the failure text otherwise)."""
    result = output[step]
    assert result["ok"], f"{step}: {result['error']}"
    return result["value"]


def text(hex_message: str) -> str:
    return bytes.fromhex(hex_message).decode()


def test_tronweb_sends_signs_and_reads_trx(node_binary: str, chain: RunningDevnet) -> None:
    sender, receiver = chain.accounts[0], chain.accounts[1]
    args = {
        "url": chain.url,
        "privateKey": sender.private_key,
        "to": receiver.address,
        "amount": 1_500_000,
    }
    out = run_script(node_binary, "trx.mjs", args)

    assert ok(out, "isConnected")["fullNode"] is True
    head = ok(out, "currentBlock")["number"]
    assert head >= 1
    before = ok(out, "balanceBefore")
    sent = ok(out, "sendTrx")
    assert sent["result"] is True and len(sent["txid"]) == 64
    signed = ok(out, "sign")
    assert len(signed["signature"]) == 1
    raw = ok(out, "sendRawTransaction")
    assert raw["result"] is True and raw["txid"] == signed["txID"]
    duplicate = ok(out, "duplicate")
    assert duplicate["code"] == "DUP_TRANSACTION_ERROR"
    assert text(duplicate["message"]) == "Dup transaction."

    assert ok(out, "transaction")["ret"] == [{"contractRet": "SUCCESS"}]
    for step in ("infoSendTrx", "infoRaw"):
        info = ok(out, step)
        assert info["blockNumber"] == head + 1
        assert info["receipt"]["net_usage"] > 0
    assert ok(out, "balanceAfter") == before + 1_500_000 + 1_500_001
    keys = {entry["key"] for entry in ok(out, "chainParameters")}
    assert {"getEnergyFee", "getTransactionFee", "getFreeNetLimit"} <= keys


def test_tronweb_uses_the_token_contract(node_binary: str, chain: RunningDevnet) -> None:
    issuer, receiver, poor = chain.accounts[0], chain.accounts[1], chain.accounts[2]
    args = {
        "url": chain.url,
        "privateKey": issuer.private_key,
        "token": chain.token_address,
        "to": receiver.address,
        "amount": 1_500_000,
        "poorKey": poor.private_key,
    }
    out = run_script(node_binary, "trc20.mjs", args)

    methods = ok(out, "at")["methods"]
    assert {"transfer", "balanceOf", "approve", "transferFrom", "allowance"} <= set(methods)
    assert ok(out, "name") == "Tether USD"
    assert ok(out, "symbol") == "USDT"
    assert int(ok(out, "decimals")) == 6
    before = int(ok(out, "balanceBefore"))

    info = ok(out, "info")
    assert info["receipt"]["result"] == "SUCCESS"
    assert 60_000 <= info["receipt"]["energy_usage_total"] <= 140_000
    (log,) = info["log"]
    assert log["topics"][0] == "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
    assert log["topics"][2] == "0" * 24 + receiver.hex[2:]
    assert int(log["data"], 16) == 1_500_000
    assert int(ok(out, "balanceAfter")) == before + 1_500_000

    reverted = ok(out, "infoTooMuch")
    assert reverted["receipt"]["result"] == "REVERT"
    assert reverted["result"] == "FAILED"
    assert text(reverted["resMessage"]) == "REVERT opcode executed"
    message = decode_error(bytes.fromhex(reverted["contractResult"][0]))
    assert message == "ERC20: transfer amount exceeds balance"


def test_tronweb_builds_stake_transactions_locally(node_binary: str, chain: RunningDevnet) -> None:
    owner, receiver = chain.accounts[0], chain.accounts[1]
    witness = witnesses(0)[0].base58
    args = {
        "url": chain.url,
        "privateKey": owner.private_key,
        "receiver": receiver.address,
        "witness": witness,
    }
    out = run_script(node_binary, "stake.mjs", args)

    for step in ("freeze", "freezeBandwidth", "delegate", "undelegate", "vote", "unfreeze"):
        submitted = ok(out, step)
        assert submitted["result"] is True, f"{step}: {submitted}"
        assert submitted["info"]["blockNumber"] > 1, step
        assert "result" not in submitted["info"], f"{step}: {submitted['info']}"

    assert ok(out, "resourcesAfterFreeze")["TotalEnergyWeight"] == 100
    # 40 of the network's 100 staked TRX were delegated: 40% of the energy limit
    assert ok(out, "receiverResources")["EnergyLimit"] == 180_000_000_000 * 40 // 100

    account = ok(out, "account")
    assert account["frozenV2"] == [{"amount": 10 * TRX}, {"type": "ENERGY", "amount": 70 * TRX}]
    (pending,) = account["unfrozenV2"]
    assert pending["type"] == "ENERGY" and pending["unfreeze_amount"] == 30 * TRX
    assert account["votes"][0]["vote_count"] == 50
    resources = ok(out, "resources")
    assert resources["tronPowerLimit"] == 80 and resources["tronPowerUsed"] == 50
    assert ok(out, "reward") > 0

    refused = ok(out, "freezeTooMuch")
    assert refused["code"] == "CONTRACT_VALIDATE_ERROR"
    assert text(refused["message"]) == (
        "Contract validate error : frozenBalance must be less than or equal to accountBalance"
    )
