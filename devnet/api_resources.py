"""The resource reads of TRON's HTTP API: Stake 2.0 delegations and the fee price history.

`wallet/getdelegatedresourcev2`, `getdelegatedresourceaccountindexv2`, `getcandelegatedmaxsize`
(and their `walletsolidity/` twins) and `wallet/getenergyprices`, `getbandwidthprices`, answered
as java-tron's servlets answer them: proto3 JSON with defaults omitted, addresses in base58 when
`visible`, and `{}` for an empty answer. A missing address reads as an empty one (java-tron
merges it into an empty ByteString), so it gets the empty answer rather than an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devnet.addresses import AddressError, parse, render
from devnet.errors import illegal_argument, parse_error
from devnet.java_input import JavaNumberError, number_format_error, parse_long
from devnet.node import Node
from devnet.params import MS_PER_DAY, SUN_PER_TRX, ChainParams
from devnet.protobuf import int_field
from devnet.stake import BANDWIDTH, ENERGY
from devnet.state import WorldState

if TYPE_CHECKING:
    from devnet.api import Request

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
RESOURCE_BY_CODE = {0: BANDWIDTH, 1: ENERGY}  # Common.ResourceCode numbers
DELEGATE_COST_BASE_SIZE = 275  # java-tron Parameter.ChainConstant
DEFAULT_DELEGATE_PERIOD_BLOCKS = 3 * MS_PER_DAY // 3_000


class ResourceQueries:
    """Handlers over a Node; WalletApi routes to them."""

    def __init__(self, node: Node) -> None:
        self.node = node

    def _world(self, request: Request) -> WorldState:
        return self.node.solid_world() if request.solid else self.node.world

    def get_delegated_resource_v2(self, request: Request) -> dict[str, Any]:
        source = _optional_address(request.body, "fromAddress")
        receiver = _optional_address(request.body, "toAddress")
        if source is None or receiver is None:
            return {}
        with self.node.lock:
            rows = self._world(request).stake.delegated_resources(source, receiver)
        if not rows:
            return {}
        for row in rows:
            for key in ("from", "to"):
                row[key] = render(bytes.fromhex(row[key]), visible=request.visible)
        return {"delegatedResource": rows}

    def get_delegated_resource_account_index_v2(self, request: Request) -> dict[str, Any]:
        address = _optional_address(request.body, "value")
        if address is None:
            return {}
        with self.node.lock:
            from_accounts, to_accounts = self._world(request).stake.delegation_index(address)
        answer: dict[str, Any] = {"account": render(address, visible=request.visible)}
        if from_accounts:
            answer["fromAccounts"] = [render(a, visible=request.visible) for a in from_accounts]
        if to_accounts:
            answer["toAccounts"] = [render(a, visible=request.visible) for a in to_accounts]
        return answer

    def get_can_delegated_max_size(self, request: Request) -> dict[str, Any]:
        code = _int32_arg(request.body, "type")
        owner = _optional_address(request.body, "owner_address")
        resource = RESOURCE_BY_CODE.get(code)
        if owner is None or resource is None:
            return {}
        with self.node.lock:
            stake = self._world(request).stake
            extra = 0
            if resource == BANDWIDTH:
                frozen = stake.frozen_v2(owner, BANDWIDTH)
                extra = delegation_bandwidth_estimate(self.node.params, frozen)
            size = stake.can_delegate_max_size(
                owner, resource, now_ms=self.node.now_ms(), extra_usage=extra
            )
        return {"max_size": size} if size else {}

    def get_energy_prices(self, request: Request) -> dict[str, Any]:
        return {"prices": price_history(self.node.params.energy_fee_sun)}

    def get_bandwidth_prices(self, request: Request) -> dict[str, Any]:
        return {"prices": price_history(self.node.params.transaction_fee_sun)}


def price_history(price_sun: int) -> str:
    """java-tron's "<since ms>:<price>,…" history; the devnet's prices never change after
    genesis, so its history is the one entry from time 0."""
    return f"0:{price_sun}"


def delegation_bandwidth_estimate(params: ChainParams, frozen_for_bandwidth: int) -> int:
    """Bandwidth points a DelegateResourceContract would take (java-tron's
    TransactionUtil.estimateConsumeBandWidthSize): the base size plus what a locked,
    longest-period delegation of the whole stake adds over a plain 1 TRX one."""
    supports_max_period = (
        params.max_delegate_lock_period_blocks > DEFAULT_DELEGATE_PERIOD_BLOCKS
        and params.unfreeze_delay_days > 0
    )
    period = params.max_delegate_lock_period_blocks if supports_max_period else 0
    largest = int_field(3, frozen_for_bandwidth) + int_field(5, 1) + int_field(6, period)
    smallest = int_field(3, SUN_PER_TRX)
    return DELEGATE_COST_BASE_SIZE + max(0, len(largest) - len(smallest))


def _optional_address(body: dict[str, Any], key: str) -> bytes | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    try:
        return parse(value)
    except AddressError as exc:
        raise illegal_argument("Invalid address") from exc


def _int32_arg(body: dict[str, Any], key: str) -> int:
    """An int32 field: a JSON number as JsonFormat reads it, a string (a query parameter) as
    Integer.parseInt does; absent is 0."""
    value = body.get(key)
    if value is None:
        return 0
    if isinstance(value, bool):
        raise illegal_argument(f"{key} must be a number")
    if isinstance(value, int):
        if not INT32_MIN <= value <= INT32_MAX:
            raise parse_error(
                f"Couldn't parse integer: Number out of range for 32-bit signed integer: {value}"
            )
        return value
    text = value.strip() if isinstance(value, str) else str(value)
    try:
        number = parse_long(text)
    except JavaNumberError as exc:
        raise number_format_error(exc) from exc
    if not INT32_MIN <= number <= INT32_MAX:
        raise number_format_error(JavaNumberError(f'For input string: "{text}"'))
    return number
