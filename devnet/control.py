"""The devnet-only control API under `/devnet/` (accounts, faucet, mining, snapshots, faults,
forks). Documented in devnet/README.md. Never subject to injected faults."""

from __future__ import annotations

from typing import Any

from devnet.abi import UINT256_MAX
from devnet.addresses import AddressError, parse, to_base58
from devnet.errors import BroadcastError, JavaException
from devnet.faults import Faults, FaultSpecError
from devnet.genesis import TOKEN_ADDRESS
from devnet.java_input import INT64_MAX
from devnet.node import ForkError, Node
from devnet.txcodec import contract_entry, transfer_contract_entry

FAUCET_FEE_LIMIT_SUN = 100_000_000
TRANSFER_SELECTOR = bytes.fromhex("a9059cbb")  # transfer(address,uint256)


class ControlError(Exception):
    """A bad control request; answered with HTTP 400 and `{"error": message}`."""


def accounts_json(node: Node) -> dict[str, Any]:
    return {
        "accounts": [
            {
                "address": pair.base58,
                "hex": pair.address.hex(),
                "private_key": pair.private_key.hex(),
            }
            for pair in node.accounts
        ],
        "token_address": TOKEN_ADDRESS,
        "token_address_hex": node.world.token.address.hex(),
        "faucet_trx_from": node.accounts[-1].base58,
        "faucet_usdt_from": node.accounts[0].base58,
    }


class ControlApi:
    def __init__(self, node: Node, faults: Faults) -> None:
        self.node = node
        self.faults = faults

    def handle(self, method: str, name: str, body: dict[str, Any]) -> tuple[int, Any]:
        """Serve `/devnet/<name>`; returns (HTTP status, JSON body)."""
        routes = {
            ("GET", "accounts"): lambda: accounts_json(self.node),
            ("POST", "faucet"): lambda: self.faucet(body),
            ("POST", "mine"): lambda: self.mine(body),
            ("POST", "snapshot"): lambda: {"id": self.node.snapshot()},
            ("POST", "revert"): lambda: self.revert(body),
            ("GET", "faults"): self.faults.describe,
            ("POST", "faults"): lambda: self.configure_faults(body),
            ("DELETE", "faults"): lambda: self.clear_faults(),
            ("POST", "fork"): lambda: self.fork(body),
            ("GET", "status"): self.status,
        }
        route = routes.get((method, name))
        if route is None:
            return 404, {"error": f"no such control endpoint: {method} /devnet/{name}"}
        try:
            return 200, route()
        except ControlError as exc:
            return 400, {"error": str(exc)}
        except JavaException as exc:  # input the TRON-side parsers refuse is a bad request too
            return 400, {"error": exc.body()["Error"]}

    def status(self) -> dict[str, Any]:
        with self.node.lock:
            return {
                "head": _block_ref(self.node.head.number, self.node.head.id_hex),
                "solid": _block_ref(self.node.solid_number, self.node.solid_head.id_hex),
                "pending": len(self.node.pending),
            }

    def faucet(self, body: dict[str, Any]) -> dict[str, Any]:
        """Send `trx` SUN and/or `usdt` base units to `address` as real signed transactions."""
        try:
            recipient = parse(body.get("address"))
        except AddressError as exc:
            raise ControlError("address must be a TRON address (T... or 41...)") from exc
        trx = _amount(body, "trx", maximum=INT64_MAX)  # TransferContract.amount is an int64
        usdt = _amount(body, "usdt", maximum=UINT256_MAX)  # an ABI uint256 word
        if not trx and not usdt:
            raise ControlError("give trx and/or usdt (base units)")
        node = self.node
        txids: dict[str, str] = {}
        with node.lock:
            try:
                if trx:
                    sender = node.accounts[-1]
                    raw = _transfer_raw(sender.address, recipient, trx, node)
                    txids["trx"] = node.sign_and_admit(raw, sender.private_key).txid
                if usdt:
                    issuer = node.accounts[0]
                    raw = _token_transfer_raw(issuer.address, recipient, usdt, node)
                    txids["usdt"] = node.sign_and_admit(raw, issuer.private_key).txid
            except BroadcastError as exc:
                refusal = f"faucet transaction refused: {exc.code}: {exc.message}"
                raise ControlError(refusal) from exc
        return {"txids": txids}

    def mine(self, body: dict[str, Any]) -> dict[str, Any]:
        count = body.get("blocks", 1)
        if not isinstance(count, int) or isinstance(count, bool) or not 0 < count <= 10_000:
            raise ControlError("blocks must be an integer in 1..10000")
        blocks = self.node.mine(count)
        return {
            "blocks": [block.number for block in blocks],
            "head": _block_ref(blocks[-1].number, blocks[-1].id_hex),
        }

    def revert(self, body: dict[str, Any]) -> dict[str, Any]:
        snapshot_id = body.get("id")
        if not isinstance(snapshot_id, int) or isinstance(snapshot_id, bool):
            raise ControlError("id must be a snapshot id from POST /devnet/snapshot")
        try:
            self.node.revert(snapshot_id)
        except KeyError as exc:
            raise ControlError(f"unknown snapshot {snapshot_id}") from exc
        return {"reverted": True, "head": _block_ref(self.node.head.number, self.node.head.id_hex)}

    def configure_faults(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            self.faults.configure(body)
        except FaultSpecError as exc:
            raise ControlError(str(exc)) from exc
        return self.faults.describe()

    def clear_faults(self) -> dict[str, Any]:
        self.faults.clear()
        return self.faults.describe()

    def fork(self, body: dict[str, Any]) -> dict[str, Any]:
        count = body.get("blocks")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ControlError("blocks must be a positive integer")
        try:
            head = self.node.fork(count)
        except ForkError as exc:
            raise ControlError(str(exc)) from exc
        return {"head": _block_ref(head.number, head.id_hex)}


def _block_ref(number: int, block_id: str) -> dict[str, Any]:
    return {"number": number, "id": block_id}


def _amount(body: dict[str, Any], key: str, *, maximum: int) -> int:
    """A base-unit amount: a JSON integer or a string of ASCII digits, 0..maximum."""
    value = body.get(key, 0)
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= maximum:
        raise ControlError(f"{key} must be an integer of base units in 0..{maximum}")
    return value


def _transfer_raw(owner: bytes, to: bytes, amount: int, node: Node) -> dict[str, Any]:
    return {
        "contract": [transfer_contract_entry(owner, to, amount)],
        **node.reference_fields(),
        "timestamp": node.unique_timestamp_ms(),
    }


def _token_transfer_raw(owner: bytes, to: bytes, amount: int, node: Node) -> dict[str, Any]:
    data = TRANSFER_SELECTOR + to[1:].rjust(32, b"\0") + amount.to_bytes(32, "big")
    return {
        "contract": [
            contract_entry(
                "TriggerSmartContract",
                {
                    "owner_address": owner.hex(),
                    "contract_address": node.world.token.address.hex(),
                    "data": data.hex(),
                },
            )
        ],
        **node.reference_fields(),
        "timestamp": node.unique_timestamp_ms(),
        "fee_limit": FAUCET_FEE_LIMIT_SUN,
    }


def base58_of(address_hex: str) -> str:
    return to_base58(bytes.fromhex(address_hex))
