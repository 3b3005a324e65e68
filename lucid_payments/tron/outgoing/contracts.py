"""The contract calls the platform sends, as the node's JSON ``parameter.value`` wants them.

Each function returns a ``ContractCall``; ``services.outgoing_create`` takes it. Amounts are
integers of the asset's base unit (SUN for TRX, token base units for TRC20).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lucid_payments.core.errors import InvalidInput
from lucid_payments.tron.addresses import normalize_address, to_hex

# keccak256("transfer(address,uint256)")[:4]
TRC20_TRANSFER_SELECTOR = "a9059cbb"
UINT256_MAX = (1 << 256) - 1
# Default cap on what a TRC20 transfer may burn: a transfer to an empty address costs about
# 130k energy; at today's mainnet energy price that is well under this.
DEFAULT_TRC20_FEE_LIMIT_SUN = 100_000_000
# The network refuses fee limits above 15,000 TRX.
MAX_FEE_LIMIT_SUN = 15_000_000_000


@dataclass(frozen=True)
class ContractCall:
    contract_type: str
    owner_address: str  # base58
    parameters: dict[str, Any] = field(default_factory=dict)
    fee_limit: int = 0


def _positive(amount: int, name: str = "amount") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(
            f"{name} must be a positive integer of base units", fields={name: ["Must be positive."]}
        )
    return amount


def trx_transfer(*, owner: str, to: str, amount_sun: int) -> ContractCall:
    owner = normalize_address(owner)
    to = normalize_address(to)
    if owner == to:
        raise InvalidInput(
            "cannot send TRX to the sending address", fields={"to": ["Same as the sender."]}
        )
    return ContractCall(
        contract_type="TransferContract",
        owner_address=owner,
        parameters={
            "owner_address": to_hex(owner),
            "to_address": to_hex(to),
            "amount": _positive(amount_sun),
        },
    )


def trc20_transfer_data(*, to: str, amount: int) -> str:
    """ABI call data of ``transfer(address,uint256)``: selector, 20-byte address word, amount."""
    if amount > UINT256_MAX:
        raise InvalidInput("amount does not fit in uint256", fields={"amount": ["Too large."]})
    return (
        TRC20_TRANSFER_SELECTOR + to_hex(to)[2:].rjust(64, "0") + format(_positive(amount), "064x")
    )


def trc20_transfer(
    *,
    owner: str,
    token: str,
    to: str,
    amount: int,
    fee_limit_sun: int = DEFAULT_TRC20_FEE_LIMIT_SUN,
) -> ContractCall:
    owner = normalize_address(owner)
    if not 0 < fee_limit_sun <= MAX_FEE_LIMIT_SUN:
        raise InvalidInput("fee limit out of range", fields={"fee_limit": ["Out of range."]})
    return ContractCall(
        contract_type="TriggerSmartContract",
        owner_address=owner,
        parameters={
            "owner_address": to_hex(owner),
            "contract_address": to_hex(token),
            "data": trc20_transfer_data(to=normalize_address(to), amount=amount),
        },
        fee_limit=fee_limit_sun,
    )


# keccak256("approve(address,uint256)")[:4]
TRC20_APPROVE_SELECTOR = "095ea7b3"


def trc20_approve(
    *, owner: str, token: str, spender: str, amount: int, fee_limit_sun: int
) -> ContractCall:
    """``approve(spender, amount)`` on ``token``; 0 revokes an allowance."""
    owner = normalize_address(owner)
    if not 0 < fee_limit_sun <= MAX_FEE_LIMIT_SUN:
        raise InvalidInput("fee limit out of range", fields={"fee_limit": ["Out of range."]})
    if isinstance(amount, bool) or not 0 <= amount <= UINT256_MAX:
        raise InvalidInput("amount out of range", fields={"amount": ["Out of range."]})
    data = (
        TRC20_APPROVE_SELECTOR
        + to_hex(normalize_address(spender))[2:].rjust(64, "0")
        + format(amount, "064x")
    )
    return ContractCall(
        contract_type="TriggerSmartContract",
        owner_address=owner,
        parameters={
            "owner_address": to_hex(owner),
            "contract_address": to_hex(token),
            "data": data,
        },
        fee_limit=fee_limit_sun,
    )


def generic_call(
    *, contract_type: str, owner: str, parameters: dict[str, Any], fee_limit: int = 0
) -> ContractCall:
    """Any contract type ``adapter.rawtx`` can serialize (Stake 2.0, votes, withdrawals).

    ``parameters`` are the node's JSON ``parameter.value``; addresses in it may be given
    in either form and are stored as lower hex ``41…``. Its ``owner_address`` is filled
    from ``owner``.
    """
    owner = normalize_address(owner)
    return ContractCall(
        contract_type=contract_type,
        owner_address=owner,
        parameters={**_canonical_addresses(parameters), "owner_address": to_hex(owner)},
        fee_limit=fee_limit,
    )


def _canonical_address(value: object, name: str) -> str:
    try:
        return to_hex(normalize_address(value))
    except InvalidInput as exc:
        raise InvalidInput(
            exc.message, code=exc.code, fields={name: ["Not a TRON address."]}
        ) from exc


def _canonical_addresses(parameters: dict[str, Any]) -> dict[str, Any]:
    """``parameters`` with every address in one form (lower hex ``41…``): one recipient
    written two ways is one recipient, in the stored intent and in the bytes we sign."""
    canonical = dict(parameters)
    for key, value in parameters.items():
        if key.endswith("_address") and key != "owner_address":  # replaced from owner
            canonical[key] = _canonical_address(value, key)
    if isinstance(parameters.get("votes"), list):
        canonical["votes"] = [
            {**vote, "vote_address": _canonical_address(vote.get("vote_address"), "votes")}
            if isinstance(vote, dict)
            else vote
            for vote in parameters["votes"]
        ]
    return canonical
