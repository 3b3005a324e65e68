"""TRC20 reads through constant calls: balance, allowance, decimals, symbol, total supply,
and the energy a ``transfer(to, amount)`` from a given sender would use.

A constant call (``wallet/triggerconstantcontract``) runs the contract on the node
without a transaction: no fee, nothing signed. Requests use hex addresses
(``visible:false``); ABI words carry the 20-byte address, left-padded to 32 bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lucid_payments.tron.adapter.errors import NodeBadResponse, NodeRejected
from lucid_payments.tron.adapter.node import TronNode, decode_node_message
from lucid_payments.tron.addresses import normalize_address, to_hex

# The zero address: a read needs an owner, and tronpy uses this one when none is given.
READ_OWNER_HEX = "41" + "00" * 20
TRANSFER_SELECTOR = "transfer(address,uint256)"
UINT256_MAX = (1 << 256) - 1
_WORD_HEX = 64
# Selectors of the revert payloads Error(string) and Panic(uint256).
_ERROR_SELECTOR = "08c379a0"
_PANIC_SELECTOR = "4e487b71"


@dataclass(frozen=True, slots=True)
class ConstantResult:
    """What a constant call returned: the ABI-encoded result and the energy it used."""

    result_hex: str
    energy_used: int


@dataclass(frozen=True, slots=True)
class EnergyEstimate:
    """Energy a call would use. ``source`` is the endpoint that answered:
    ``estimateenergy`` (java-tron's estimate, when the node offers it) or
    ``triggerconstantcontract`` (the energy of a dry run)."""

    energy: int
    source: str


def _address_word(address: str) -> str:
    return to_hex(normalize_address(address))[2:].rjust(_WORD_HEX, "0")


def _uint_word(value: int) -> str:
    if isinstance(value, bool) or not 0 <= value <= UINT256_MAX:
        raise ValueError("a uint256 argument must be an integer within 0..2**256-1")
    return format(value, "064x")


def _call_body(
    *, contract: str, selector: str, parameter: str, owner: str | None
) -> dict[str, Any]:
    return {
        "owner_address": to_hex(normalize_address(owner)) if owner else READ_OWNER_HEX,
        "contract_address": to_hex(normalize_address(contract)),
        "function_selector": selector,
        "parameter": parameter,
        "visible": False,
    }


def _raise_for_call_failure(body: dict[str, Any], what: str) -> None:
    # A refused or reverted call answers 200 with the reason under "result".
    result = body.get("result")
    if not isinstance(result, dict):
        raise NodeBadResponse(f"{what} answered without a result.")
    if result.get("result") is not True:
        message = decode_node_message(result.get("message", "")) or "the call failed"
        raise NodeRejected(f"{what}: {message}", node_code=str(result.get("code", "OTHER_ERROR")))


def constant_call(
    node: TronNode,
    *,
    contract: str,
    selector: str,
    parameter: str = "",
    owner: str | None = None,
) -> ConstantResult:
    """Run ``selector(parameter)`` on ``contract`` without a transaction."""
    body = node.post(
        "wallet/triggerconstantcontract",
        _call_body(contract=contract, selector=selector, parameter=parameter, owner=owner),
    )
    _raise_for_call_failure(body, selector)
    results = body.get("constant_result") or [""]
    result_hex = str(results[0] or "")
    if _reverted(body, result_hex):
        raise NodeRejected(
            f"{selector} reverted: {_revert_reason(body, result_hex)}", node_code="REVERT"
        )
    return ConstantResult(result_hex=result_hex, energy_used=int(body.get("energy_used", 0)))


def _reverted(body: dict[str, Any], result_hex: str) -> bool:
    # java-tron answers a reverted dry run with result.result true; the revert shows in
    # the message, the transaction's ret, and an Error(string)/Panic(uint256) result.
    rets = (body.get("transaction") or {}).get("ret") or [{}]
    return (
        bool(body["result"].get("message"))
        or rets[0].get("ret") == "FAILED"
        or result_hex[:8] in (_ERROR_SELECTOR, _PANIC_SELECTOR)
    )


def _revert_reason(body: dict[str, Any], result_hex: str) -> str:
    if result_hex.startswith(_ERROR_SELECTOR):
        try:
            return _string(ConstantResult(result_hex[8:], 0), "revert reason")
        except NodeBadResponse:
            pass
    return decode_node_message(body["result"].get("message", "")) or "REVERT opcode executed"


def _uint(result: ConstantResult, what: str) -> int:
    if len(result.result_hex) < _WORD_HEX:
        raise NodeBadResponse(f"{what} returned no uint256 (is it a TRC20 contract?).")
    try:
        return int(result.result_hex[:_WORD_HEX], 16)
    except ValueError as exc:
        raise NodeBadResponse(f"{what} returned something that is not hex.") from exc


def _string(result: ConstantResult, what: str) -> str:
    """An ABI ``string``; also the ``bytes32`` some early tokens return for their symbol."""
    data = result.result_hex
    try:
        if len(data) == _WORD_HEX:  # bytes32: NUL-padded text in one word
            return bytes.fromhex(data).rstrip(b"\0").decode("utf-8")
        offset = int(data[:_WORD_HEX], 16) * 2
        length = int(data[offset : offset + _WORD_HEX], 16) * 2
        start = offset + _WORD_HEX
        if start + length > len(data):
            raise ValueError("string past the end of the result")
        return bytes.fromhex(data[start : start + length]).decode("utf-8")
    except ValueError as exc:  # also UnicodeDecodeError
        raise NodeBadResponse(f"{what} returned no readable string.") from exc


def balance_of(node: TronNode, *, contract: str, holder: str) -> int:
    """``balanceOf(holder)`` in the token's base units."""
    result = constant_call(
        node, contract=contract, selector="balanceOf(address)", parameter=_address_word(holder)
    )
    return _uint(result, "balanceOf")


def allowance(node: TronNode, *, contract: str, owner: str, spender: str) -> int:
    """``allowance(owner, spender)``: base units ``spender`` may still move for ``owner``."""
    result = constant_call(
        node,
        contract=contract,
        selector="allowance(address,address)",
        parameter=_address_word(owner) + _address_word(spender),
    )
    return _uint(result, "allowance")


def decimals(node: TronNode, *, contract: str) -> int:
    return _uint(constant_call(node, contract=contract, selector="decimals()"), "decimals")


def symbol(node: TronNode, *, contract: str) -> str:
    return _string(constant_call(node, contract=contract, selector="symbol()"), "symbol")


def total_supply(node: TronNode, *, contract: str) -> int:
    result = constant_call(node, contract=contract, selector="totalSupply()")
    return _uint(result, "totalSupply")


def transfer_energy(
    node: TronNode, *, contract: str, sender: str, to: str, amount: int
) -> EnergyEstimate:
    """Energy ``sender`` would use to ``transfer(to, amount)`` now.

    Asks ``wallet/estimateenergy`` first; nodes that do not offer it (an unknown path, or
    java-tron's "this node does not support estimate energy") are asked for a dry run
    instead, whose ``energy_used`` is the same figure on a node without the estimator. A
    call that would revert (the sender lacks the tokens) is ``NodeRejected``.
    """
    body = _call_body(
        contract=contract,
        selector=TRANSFER_SELECTOR,
        parameter=_address_word(to) + _uint_word(amount),
        owner=sender,
    )
    try:
        answer = node.post("wallet/estimateenergy", body)
        _raise_for_call_failure(answer, "estimateenergy")
        return EnergyEstimate(energy=int(answer["energy_required"]), source="estimateenergy")
    except (NodeBadResponse, NodeRejected, KeyError, ValueError):
        pass  # no estimator on this node, or it refused: the dry run decides
    result = constant_call(
        node,
        contract=contract,
        selector=TRANSFER_SELECTOR,
        parameter=body["parameter"],
        owner=sender,
    )
    return EnergyEstimate(energy=result.energy_used, source="triggerconstantcontract")


def approve_energy(
    node: TronNode, *, contract: str, owner: str, spender: str, amount: int
) -> EnergyEstimate:
    """Energy ``owner`` would use to ``approve(spender, amount)`` now (a dry run)."""
    result = constant_call(
        node,
        contract=contract,
        selector="approve(address,uint256)",
        parameter=_address_word(spender) + _uint_word(amount),
        owner=owner,
    )
    return EnergyEstimate(energy=result.energy_used, source="triggerconstantcontract")
