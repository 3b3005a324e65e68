"""TRON's `wallet/*` and `walletsolidity/*` HTTP endpoints over a Node.

Each handler takes the node and the parsed request and returns a JSON-able value, or a `str`
that already is JSON (cached renderings of immutable blocks). Bad input raises JavaException,
which the server renders as `{"Error": "class ... : ..."}` like java-tron does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devnet import abi
from devnet.addresses import AddressError, parse, render, to_base58
from devnet.api_resources import ResourceQueries
from devnet.blocks import Block
from devnet.crypto import SignatureError, recover_address
from devnet.errors import BroadcastError, illegal_argument, parse_error
from devnet.executor import REVERT_MESSAGE
from devnet.faults import Faults
from devnet.java_input import JavaNumberError, int64_value, number_format_error, parse_long
from devnet.node import Node
from devnet.render import RenderCache, transaction_info_json, transaction_json
from devnet.txcodec import (
    RawTransaction,
    contract_entry,
    parse_raw_data,
    transfer_contract_entry,
)

CODE_VERSION = "4.7.6"
MAX_BLOCKS_PER_RANGE = 100
ZERO_CALLER = b"\x41" + bytes(20)
BODY_IGNORED = frozenset({"getchainparameters", "getenergyprices", "getbandwidthprices"})


@dataclass(frozen=True)
class Request:
    body: dict[str, Any]
    visible: bool
    solid: bool  # walletsolidity/*: only the solidified chain is visible


Response = dict[str, Any] | list[Any] | str


class WalletApi:
    """Routes `wallet/<name>` and `walletsolidity/<name>` to handlers."""

    def __init__(self, node: Node, faults: Faults) -> None:
        self.node = node
        self.faults = faults
        self.cache = RenderCache()
        resources = ResourceQueries(node)
        full: dict[str, Callable[[Request], Response]] = {
            "getnodeinfo": self.get_node_info,
            "getnowblock": self.get_now_block,
            "getblock": self.get_block,
            "getblockbynum": self.get_block_by_num,
            "getblockbyid": self.get_block_by_id,
            "getblockbylimitnext": self.get_block_by_limit_next,
            "getblockbylatestnum": self.get_block_by_latest_num,
            "gettransactioninfobyblocknum": self.get_transaction_info_by_block_num,
            "getaccount": self.get_account,
            "getaccountresource": self.get_account_resource,
            "getaccountnet": self.get_account_net,
            "gettransactionbyid": self.get_transaction_by_id,
            "gettransactioninfobyid": self.get_transaction_info_by_id,
            "getsignweight": self.get_sign_weight,
            "broadcasttransaction": self.broadcast_transaction,
            "createtransaction": self.create_transaction,
            "getcontract": self.get_contract,
            "getcontractinfo": self.get_contract_info,
            "triggersmartcontract": self.trigger_smart_contract,
            "triggerconstantcontract": self.trigger_constant_contract,
            "estimateenergy": self.estimate_energy,
            "getchainparameters": self.get_chain_parameters,
            "getenergyprices": resources.get_energy_prices,
            "getbandwidthprices": resources.get_bandwidth_prices,
            "getdelegatedresourcev2": resources.get_delegated_resource_v2,
            "getdelegatedresourceaccountindexv2": resources.get_delegated_resource_account_index_v2,
            "getcandelegatedmaxsize": resources.get_can_delegated_max_size,
            "getreward": self.get_reward,
            "listwitnesses": self.list_witnesses,
        }
        solidity = {
            "getnodeinfo",
            "getnowblock",
            "getblock",
            "getblockbynum",
            "getblockbyid",
            "getblockbylimitnext",
            "getblockbylatestnum",
            "gettransactioninfobyblocknum",
            "getaccount",
            "gettransactionbyid",
            "gettransactioninfobyid",
            "triggerconstantcontract",
            "getreward",
            "listwitnesses",
            "estimateenergy",
            "getenergyprices",
            "getbandwidthprices",
            "getdelegatedresourcev2",
            "getdelegatedresourceaccountindexv2",
            "getcandelegatedmaxsize",
        }
        self.routes: dict[tuple[str, str], Callable[[Request], Response]] = {}
        for name, handler in full.items():
            self.routes[("wallet", name)] = handler
            if name in solidity:
                self.routes[("walletsolidity", name)] = handler

    def handler_for(self, prefix: str, name: str) -> Callable[[Request], Response] | None:
        return self.routes.get((prefix, name.lower()))

    @staticmethod
    def ignores_body(name: str) -> bool:
        """java-tron's servlets for these never read the body (visible comes from the query
        string, if anywhere), so even a malformed one gets the normal answer."""
        return name.lower() in BODY_IGNORED

    # ---- node and blocks -----------------------------------------------------------------
    def get_node_info(self, request: Request) -> Response:
        node = self.node
        with node.lock:
            head, solid = node.head, node.solid_head
        return {
            "beginSyncNum": head.number,
            "block": f"Num:{head.number},ID:{head.id_hex}",
            "solidityBlock": f"Num:{solid.number},ID:{solid.id_hex}",
            "currentConnectCount": 0,
            "activeConnectCount": 0,
            "passiveConnectCount": 0,
            "totalFlow": 0,
            "peerList": [],
            "configNodeInfo": {
                "codeVersion": CODE_VERSION,
                "p2pVersion": "devnet",
                "listenPort": 0,
                "discoverEnable": False,
                "activeNodeSize": 0,
                "passiveNodeSize": 0,
                "sendNodeSize": 0,
                "maxConnectCount": 0,
                "sameIpMaxConnectCount": 0,
                "backupListenPort": 0,
                "backupMemberSize": 0,
                "backupPriority": 0,
                "dbVersion": 2,
                "minParticipationRate": 0,
                "supportConstant": True,
                "minTimeRatio": 0.0,
                "maxTimeRatio": 5.0,
                "allowCreationOfContracts": 1,
                "allowAdaptiveEnergy": 0,
            },
            "machineInfo": {"threadCount": 0, "cpuCount": 0, "javaVersion": "devnet"},
            "cheatWitnessInfoMap": {},
        }

    def _render_block(self, block: Block | None, request: Request) -> Response:
        if block is None:
            return {}
        return self.cache.block(block, visible=request.visible)

    def get_now_block(self, request: Request) -> Response:
        with self.node.lock:
            block = self.node.solid_head if request.solid else self.node.head
        return self._render_block(block, request)

    def get_block_by_num(self, request: Request) -> Response:
        number = _int_arg(request.body, "num")
        with self.node.lock:
            block = self.node.block_by_number(number, solid=request.solid)
        return self._render_block(block, request)

    def get_block_by_id(self, request: Request) -> Response:
        block_id = _hex_arg(request.body, "value")
        with self.node.lock:
            block = self.node.block_by_id(block_id, solid=request.solid)
        return self._render_block(block, request)

    def get_block(self, request: Request) -> Response:
        """`{"id_or_num": ..., "detail": bool}`; without id_or_num the head block."""
        key = request.body.get("id_or_num")
        block: Block | None
        with self.node.lock:
            if key in (None, ""):
                block = self.node.solid_head if request.solid else self.node.head
            elif isinstance(key, int) or (isinstance(key, str) and _is_long(key)):
                block = self.node.block_by_number(
                    _int_arg(request.body, "id_or_num"), solid=request.solid
                )
            else:
                block = self.node.block_by_id(
                    _hex_arg(request.body, "id_or_num"), solid=request.solid
                )
        if block is None:
            return {}
        if _bool_arg(request.body, "detail"):
            return self.cache.block(block, visible=request.visible)
        rendered = json.loads(self.cache.block(block, visible=request.visible))
        rendered.pop("transactions", None)
        return dict(rendered)

    def get_block_by_limit_next(self, request: Request) -> Response:
        start = _int_arg(request.body, "startNum")
        end = _int_arg(request.body, "endNum")
        if end - start > MAX_BLOCKS_PER_RANGE or start < 0 or end <= start:
            return {}
        with self.node.lock:
            blocks = [self.node.block_by_number(n, solid=request.solid) for n in range(start, end)]
        texts = [self.cache.block(b, visible=request.visible) for b in blocks if b is not None]
        if not texts:
            return {}
        return '{"block":[' + ",".join(texts) + "]}"

    def get_block_by_latest_num(self, request: Request) -> Response:
        count = _int_arg(request.body, "num")
        if not 0 < count <= MAX_BLOCKS_PER_RANGE:
            return {}
        with self.node.lock:
            top = self.node.solid_number if request.solid else self.node.head.number
            blocks = self.node.blocks[max(0, top - count + 1) : top + 1]
        return (
            '{"block":['
            + ",".join(self.cache.block(b, visible=request.visible) for b in blocks)
            + "]}"
        )

    def get_transaction_info_by_block_num(self, request: Request) -> Response:
        number = _int_arg(request.body, "num")
        with self.node.lock:
            block = self.node.block_by_number(number, solid=request.solid)
        if block is None:
            return []
        return self.cache.block_infos(block, visible=request.visible)

    # ---- accounts ------------------------------------------------------------------------
    def _address_arg(self, request: Request, key: str = "address") -> bytes:
        try:
            return parse(request.body.get(key))
        except AddressError as exc:
            raise illegal_argument("Invalid address") from exc

    def get_account(self, request: Request) -> Response:
        address = self._address_arg(request)
        node = self.node
        with node.lock:
            world = node.solid_world() if request.solid else node.world
            if not world.accounts.exists(address):
                return {}
            account = world.accounts.account_json(address, visible=request.visible)
            account.update(world.stake.account_fields(address, visible=request.visible))
        return _account_in_java_order(account)

    def get_account_resource(self, request: Request) -> Response:
        address = self._address_arg(request)
        with self.node.lock:
            if not self.node.world.accounts.exists(address):
                return {}
            return self.node.world.resources.resource_fields(address, now_ms=self.node.now_ms())

    def get_account_net(self, request: Request) -> Response:
        address = self._address_arg(request)
        with self.node.lock:
            if not self.node.world.accounts.exists(address):
                return {}
            return self.node.world.resources.net_fields(address, now_ms=self.node.now_ms())

    def get_reward(self, request: Request) -> Response:
        address = self._address_arg(request)
        with self.node.lock:
            return {"reward": self.node.world.stake.reward(address)}

    def list_witnesses(self, request: Request) -> Response:
        return {
            "witnesses": [
                {
                    "address": render(key.address, visible=request.visible),
                    "url": f"https://devnet.invalid/witness/{index}",
                    "isJobs": True,
                }
                for index, key in enumerate(self.node.witness_keys)
            ]
        }

    def get_chain_parameters(self, request: Request) -> Response:
        return {"chainParameter": self.node.params.chain_parameters()}

    # ---- transactions --------------------------------------------------------------------
    def get_transaction_by_id(self, request: Request) -> Response:
        txid = _txid_arg(request.body)
        with self.node.lock:
            found = self.node.find_transaction(txid, solid=request.solid)
        if found is None:
            return {}
        return transaction_json(found[0], visible=request.visible)

    def get_transaction_info_by_id(self, request: Request) -> Response:
        txid = _txid_arg(request.body)
        with self.node.lock:
            found = self.node.find_transaction(txid, solid=request.solid)
        if found is None:
            return {}
        record, block = found
        return transaction_info_json(record, block, visible=request.visible)

    def get_sign_weight(self, request: Request) -> Response:
        raw = _parse_transaction(request.body)
        owner = raw.contract.address("owner_address")
        with self.node.lock:
            owner_exists = self.node.world.accounts.exists(owner)
        shown_owner = render(owner, visible=request.visible)
        signatures = request.body.get("signature") or []
        approved: list[str] = []
        problem = ""
        for signature in signatures if isinstance(signatures, list) else []:
            try:
                signer = recover_address(bytes.fromhex(raw.txid), bytes.fromhex(str(signature)))
            except (ValueError, SignatureError) as exc:
                problem = str(exc)
                continue
            if signer == owner:
                approved.append(shown_owner)
            else:
                problem = f"{signer.hex()} is not contained of permission."
        out: dict[str, Any] = {}
        if problem:
            out["result"] = {"code": "PERMISSION_ERROR", "message": problem}
        elif approved:
            out["result"] = {"code": "ENOUGH_PERMISSION"}
        else:
            out["result"] = {"code": "NOT_ENOUGH_PERMISSION"}
        if owner_exists:
            out["permission"] = {
                "permission_name": "owner",
                "threshold": 1,
                "keys": [{"address": shown_owner, "weight": 1}],
            }
        if approved:
            out["approved_list"] = approved
            out["current_weight"] = 1
        unsigned: dict[str, Any] = {
            "txID": raw.txid,
            "raw_data": raw_data_for(raw, visible=request.visible),
            "raw_data_hex": raw.raw_bytes.hex(),
        }
        if signatures:
            unsigned["signature"] = signatures
        out["transaction"] = {
            "result": {"result": True},
            "txid": raw.txid,
            "transaction": unsigned,
        }
        return out

    def broadcast_transaction(self, request: Request) -> Response:
        raw = _parse_transaction(request.body)
        if self.faults.take_server_busy():
            return _broadcast_failure(
                raw.txid, BroadcastError("SERVER_BUSY", "Server busy."), request.visible
            )
        if self.faults.take_dropped_broadcast():
            return {"result": True, "txid": raw.txid}
        signatures = request.body.get("signature")
        try:
            self.node.broadcast_parsed(raw, signatures if signatures is not None else [])
        except BroadcastError as exc:
            return _broadcast_failure(raw.txid, exc, request.visible)
        return {"result": True, "txid": raw.txid}

    def create_transaction(self, request: Request) -> Response:
        owner = self._address_arg(request, "owner_address")
        to = self._address_arg(request, "to_address")
        amount = _int_arg(request.body, "amount")
        with self.node.lock:
            reference = self.node.reference_fields()
        raw = parse_raw_data(
            {"contract": [transfer_contract_entry(owner, to, amount)], **reference}
        )
        return _unsigned_transaction_json(raw, visible=request.visible)

    # ---- the token -----------------------------------------------------------------------
    def get_contract(self, request: Request) -> Response:
        address = self._address_arg(request, "value")
        token = self.node.world.token
        if address != token.address:
            return {}
        info = dict(token.contract_info())
        if request.visible:
            for key in ("origin_address", "contract_address"):
                info[key] = to_base58(bytes.fromhex(info[key]))
        info["abi"] = {"entrys": token.abi()}
        return info

    def get_contract_info(self, request: Request) -> Response:
        contract = self.get_contract(request)
        if not contract:
            return {}
        assert isinstance(contract, dict)
        return {
            "runtimecode": contract["bytecode"],
            "smart_contract": contract,
            "contract_state": {"energy_usage": 0, "energy_factor": 0, "update_cycle": 0},
        }

    def _call_data(self, request: Request) -> bytes:
        body = request.body
        if body.get("data"):
            return _hex_arg(body, "data")
        selector = body.get("function_selector")
        if not isinstance(selector, str) or not selector:
            return b""
        return abi.selector(selector.replace(" ", "")) + _hex_arg(body, "parameter")

    def trigger_smart_contract(self, request: Request) -> Response:
        body = request.body
        owner = self._address_arg(request, "owner_address")
        contract_address = self._address_arg(request, "contract_address")
        data = self._call_data(request)
        call_value = _int_arg(body, "call_value", default=0)
        fee_limit = _int_arg(body, "fee_limit", default=0)
        node = self.node
        if contract_address != node.world.token.address:
            return _return_failure(
                "CONTRACT_VALIDATE_ERROR",
                "No contract or not a valid smart contract",
                request.visible,
            )
        value: dict[str, Any] = {
            "owner_address": owner.hex(),
            "contract_address": contract_address.hex(),
            "data": data.hex(),
        }
        for key in ("call_value", "call_token_value", "token_id"):
            number = _int_arg(body, key, default=0)
            if number:
                value[key] = number
        contract = contract_entry("TriggerSmartContract", value)
        permission_id = _int_arg(body, "Permission_id", default=0)
        if permission_id:
            contract["Permission_id"] = permission_id
        with node.lock:
            reference = node.reference_fields()
        raw_data: dict[str, Any] = {"contract": [contract], **reference}
        if fee_limit:
            raw_data["fee_limit"] = fee_limit
        del call_value
        raw = parse_raw_data(raw_data)
        return {
            "result": {"result": True},
            "transaction": _unsigned_transaction_json(raw, visible=request.visible),
        }

    def _constant_call(self, request: Request) -> tuple[Any, bytes]:
        body = request.body
        owner = (
            self._address_arg(request, "owner_address")
            if body.get("owner_address")
            else ZERO_CALLER
        )
        contract_address = self._address_arg(request, "contract_address")
        data = self._call_data(request)
        with self.node.lock:
            try:
                result = self.node.executor.call_constant(
                    owner=owner,
                    contract_address=contract_address,
                    data=data,
                    call_value=_int_arg(body, "call_value", default=0),
                )
            except BroadcastError as exc:
                return exc, data
        return result, data

    def trigger_constant_contract(self, request: Request) -> Response:
        result, _ = self._constant_call(request)
        if isinstance(result, BroadcastError):
            return _return_failure(
                "CONTRACT_VALIDATE_ERROR",
                "No contract or not a valid smart contract",
                request.visible,
            )
        outcome: dict[str, Any] = {"result": True}
        if not result.success:
            outcome["message"] = _text(REVERT_MESSAGE, request.visible)
        return {
            "result": outcome,
            "energy_used": result.energy_used,
            "constant_result": [result.return_data.hex()],
        }

    def estimate_energy(self, request: Request) -> Response:
        result, _ = self._constant_call(request)
        if isinstance(result, BroadcastError):
            return _return_failure(
                "CONTRACT_VALIDATE_ERROR",
                "No contract or not a valid smart contract",
                request.visible,
            )
        if not result.success:
            return {
                "result": {
                    "code": "CONTRACT_EXE_ERROR",
                    "message": _text(REVERT_MESSAGE, request.visible),
                }
            }
        return {"result": {"result": True}, "energy_required": result.energy_used}


# ---- helpers -------------------------------------------------------------------------------
def raw_data_for(raw: Any, *, visible: bool) -> dict[str, Any]:
    from devnet.txcodec import raw_data_json

    return raw_data_json(raw, visible=visible)


def _unsigned_transaction_json(raw: Any, *, visible: bool) -> dict[str, Any]:
    return {
        "visible": visible,
        "txID": raw.txid,
        "raw_data": raw_data_for(raw, visible=visible),
        "raw_data_hex": raw.raw_bytes.hex(),
    }


def _parse_transaction(body: dict[str, Any]) -> RawTransaction:
    return parse_raw_data(body.get("raw_data"))  # TransactionFormatError is a JavaException


def _text(message: str, visible: bool) -> str:
    return message if visible else message.encode().hex()


def _broadcast_failure(txid: str, error: BroadcastError, visible: bool) -> dict[str, Any]:
    return {"code": error.code, "txid": txid, "message": _text(error.message, visible)}


def _return_failure(code: str, message: str, visible: bool) -> dict[str, Any]:
    return {"result": {"code": code, "message": _text(message, visible)}}


def _int_arg(body: dict[str, Any], key: str, *, default: int | None = None) -> int:
    """An int64 argument: a JSON number as JsonFormat reads it, a string (query parameters)
    as Long.parseLong reads it."""
    value = body.get(key)
    if value is None and default is not None:
        return default
    if isinstance(value, bool):
        raise illegal_argument(f"{key} must be a number")
    if isinstance(value, int):
        try:
            return int64_value(value)
        except JavaNumberError as exc:
            raise parse_error(f"Couldn't parse integer: {exc}") from exc
    try:
        return parse_long(value.strip()) if isinstance(value, str) else int64_value(value)
    except JavaNumberError as exc:
        raise number_format_error(exc) from exc


def _is_long(text: str) -> bool:
    """java-tron's getblock takes `id_or_num` as a number when Long.parseLong accepts it."""
    try:
        parse_long(text)
    except JavaNumberError:
        return False
    return True


def _bool_arg(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _hex_arg(body: dict[str, Any], key: str) -> bytes:
    value = body.get(key, "")
    if not isinstance(value, str):
        raise illegal_argument(f"{key} must be a hex string")
    try:
        return bytes.fromhex(value[2:] if value.startswith("0x") else value)
    except ValueError as exc:
        raise illegal_argument(f"{key} is not valid hex") from exc


def _txid_arg(body: dict[str, Any]) -> str:
    txid = _hex_arg(body, "value")
    if len(txid) != 32:
        raise illegal_argument("Invalid transaction id")
    return txid.hex()


_ACCOUNT_ORDER = (
    "account_name",
    "type",
    "address",
    "balance",
    "votes",
    "create_time",
    "latest_opration_time",
    "allowance",
    "latest_withdraw_time",
    "owner_permission",
    "active_permission",
    "frozenV2",
    "unfrozenV2",
    "account_resource",
    "delegated_frozenV2_balance_for_bandwidth",
    "acquired_delegated_frozenV2_balance_for_bandwidth",
)


def _account_in_java_order(account: dict[str, Any]) -> dict[str, Any]:
    ordered = {key: account[key] for key in _ACCOUNT_ORDER if key in account}
    ordered.update({k: v for k, v in account.items() if k not in ordered})
    return ordered
