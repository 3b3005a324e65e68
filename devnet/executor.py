"""Executing one transaction against the world state: fees, validation, state change, receipt.

Mirrors java-tron's order: bandwidth is paid first (free allowance, stake, else burned TRX),
then the contract validates against the reduced balance; if it refuses, nothing changes and
the client gets CONTRACT_VALIDATE_ERROR. A smart-contract call that reverts or runs out of
energy is still included (it paid for its resources) with `contractRet` REVERT/OUT_OF_ENERGY.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from devnet.addresses import to_base58
from devnet.errors import BroadcastError, ContractValidateFailure
from devnet.stake import ContractValidateError
from devnet.state import WorldState
from devnet.trc20 import ExecResult, Log
from devnet.txcodec import Contract, RawTransaction, signed_size

REVERT_MESSAGE = "REVERT opcode executed"
NO_CONTRACT_MESSAGE = "No contract or not a valid smart contract"


# Execution and _Outcome: built and dropped once per transaction, so plain slotted classes
# (a frozen dataclass's __init__ costs several times more).
@dataclass(slots=True)
class Execution:
    contract_ret: str
    fee: int | None
    """TransactionInfo.fee (None: not written, as java-tron omits a zero fee)."""
    info: dict[str, Any]
    """The rest of the hex-form TransactionInfo: without `id`, `fee` and the block fields."""


@dataclass(slots=True)
class _Outcome:
    contract_ret: str = "SUCCESS"
    extra_fee: int = 0  # TRX burned by the contract itself (account creation)
    info: dict[str, Any] | None = None  # contract-specific TransactionInfo fields
    receipt: dict[str, Any] | None = None


def log_json(log: Log) -> dict[str, Any]:
    return {
        "address": log.address.hex(),
        "topics": [topic.hex() for topic in log.topics],
        "data": log.data.hex(),
    }


class Executor:
    def __init__(self, world: WorldState) -> None:
        self.world = world
        self._handlers: dict[str, Callable[[Contract, RawTransaction, int], _Outcome]] = {
            "TransferContract": self._transfer,
            "TriggerSmartContract": self._trigger,
            "FreezeBalanceV2Contract": self._freeze,
            "UnfreezeBalanceV2Contract": self._unfreeze,
            "WithdrawExpireUnfreezeContract": self._withdraw_expire_unfreeze,
            "CancelAllUnfreezeV2Contract": self._cancel_all_unfreeze,
            "DelegateResourceContract": self._delegate,
            "UnDelegateResourceContract": self._undelegate,
            "VoteWitnessContract": self._vote,
            "WithdrawBalanceContract": self._withdraw_rewards,
        }

    # ---- the one entry point -------------------------------------------------------------
    def run(self, raw: RawTransaction, *, signature_count: int, now_ms: int) -> Execution:
        """Validate and apply `raw`; raise BroadcastError (and change nothing) if refused."""
        world = self.world
        contract = raw.contract
        owner = contract.address("owner_address")
        if not world.accounts.exists(owner):
            raise ContractValidateFailure(_no_owner_message(contract.type_name, owner))
        creates_account = contract.type_name == "TransferContract" and not world.accounts.exists(
            contract.address("to_address")
        )
        bandwidth = world.resources.bandwidth(
            payer=owner,
            tx_bytes=signed_size(raw, signature_count),
            now_ms=now_ms,
            creates_account=creates_account,
        )
        if world.accounts.balance(owner) < bandwidth.net_fee:
            raise BroadcastError("BANDWITH_ERROR", "Account resource insufficient error.")
        world.accounts.add_balance(owner, -bandwidth.net_fee)
        try:
            outcome = self._handlers[contract.type_name](contract, raw, now_ms)
        except BroadcastError:
            world.accounts.add_balance(owner, bandwidth.net_fee)
            raise
        bandwidth.apply()

        receipt: dict[str, Any] = dict(outcome.receipt or {})
        if bandwidth.net_usage:
            receipt["net_usage"] = bandwidth.net_usage
        if bandwidth.net_fee:
            receipt["net_fee"] = bandwidth.net_fee
        fee = bandwidth.net_fee + outcome.extra_fee + int(receipt.get("energy_fee", 0))
        info: dict[str, Any] = {"contractResult": [""]}
        info.update(outcome.info or {})
        info["receipt"] = _ordered_receipt(receipt)
        return Execution(outcome.contract_ret, fee or None, info)

    # ---- TRX ---------------------------------------------------------------------------
    def _transfer(self, contract: Contract, raw: RawTransaction, now_ms: int) -> _Outcome:
        accounts, params = self.world.accounts, self.world.params
        owner, to = contract.address("owner_address"), contract.address("to_address")
        amount = contract.integer("amount")
        if to == owner:
            raise ContractValidateFailure("Cannot transfer TRX to yourself.")
        if amount <= 0:
            raise ContractValidateFailure("Amount must be greater than 0.")
        creates = not accounts.exists(to)
        fee = params.create_new_account_fee_in_system_contract_sun if creates else 0
        if accounts.balance(owner) < amount + fee:
            raise ContractValidateFailure(
                "Validate TransferContract error, balance is not sufficient."
            )
        accounts.add_balance(owner, -(amount + fee))
        if creates:
            accounts.create(to, now_ms=now_ms)
        accounts.add_balance(to, amount)
        return _Outcome(extra_fee=fee)

    # ---- the token -----------------------------------------------------------------------
    def _trigger(self, contract: Contract, raw: RawTransaction, now_ms: int) -> _Outcome:
        world = self.world
        owner = contract.address("owner_address")
        token = world.token
        if contract.address("contract_address") != token.address:
            raise ContractValidateFailure(NO_CONTRACT_MESSAGE)
        max_fee = world.params.max_fee_limit_sun
        if not 0 <= raw.fee_limit <= max_fee:
            raise ContractValidateFailure(f"feeLimit must be >= 0 and <= {max_fee}")
        call_value = contract.integer("call_value")
        if call_value < 0:
            raise ContractValidateFailure("callValue must be >= 0")
        if world.accounts.balance(owner) < call_value:
            raise ContractValidateFailure(
                "Validate InternalTransfer error, balance is not sufficient."
            )
        data = contract.fields.get("data", b"")
        assert isinstance(data, bytes)
        result = token.execute(caller=owner, data=data, call_value=call_value)
        energy = world.resources.energy(
            payer=owner, energy=result.energy_used, fee_limit=raw.fee_limit, now_ms=now_ms
        )
        energy_fee = min(energy.energy_fee, world.accounts.balance(owner))
        out_of_energy = energy.out_of_energy or energy_fee < energy.energy_fee
        world.accounts.add_balance(owner, -energy_fee)
        energy.apply()
        info: dict[str, Any] = {"contract_address": token.address.hex()}
        if out_of_energy:
            ret = "OUT_OF_ENERGY"
            info["result"] = "FAILED"
            limit = energy.energy_usage + energy_fee // max(1, world.params.energy_fee_sun)
            info["resMessage"] = _hex_text(
                f"Not enough energy for 'SSTORE' operation executing: "
                f"curInvokeEnergyLimit[{limit}], curOpEnergy[{result.energy_used}], usedEnergy[0]"
            )
        elif not result.success:
            ret = "REVERT"
            info["contractResult"] = [result.return_data.hex()]
            info["result"] = "FAILED"
            info["resMessage"] = _hex_text(REVERT_MESSAGE)
        else:
            result.apply()
            ret = "SUCCESS"
            info["contractResult"] = [result.return_data.hex()]
            if result.logs:
                info["log"] = [log_json(log) for log in result.logs]
        receipt: dict[str, Any] = {"result": ret}
        if energy.energy_usage:
            receipt["energy_usage"] = energy.energy_usage
        if energy_fee:
            receipt["energy_fee"] = energy_fee
        receipt["energy_usage_total"] = result.energy_used
        return _Outcome(contract_ret=ret, info=info, receipt=receipt)

    def call_constant(
        self, *, owner: bytes, contract_address: bytes, data: bytes, call_value: int
    ) -> ExecResult:
        """Run a call without committing it (triggerconstantcontract, estimateenergy)."""
        token = self.world.token
        if contract_address != token.address:
            raise ContractValidateFailure(NO_CONTRACT_MESSAGE)
        return token.execute(caller=owner, data=data, call_value=call_value)

    # ---- Stake 2.0 (D2's engine validates fully before it mutates) -----------------------
    def _staking(self, operation: Callable[[], object]) -> object:
        try:
            return operation()
        except ContractValidateError as exc:
            raise ContractValidateFailure(str(exc)) from exc

    def _freeze(self, contract: Contract, raw: RawTransaction, now_ms: int) -> _Outcome:
        self._staking(
            lambda: self.world.stake.freeze(
                owner=contract.address("owner_address"),
                amount=contract.integer("frozen_balance"),
                resource=str(contract.fields.get("resource", "BANDWIDTH")),
                now_ms=now_ms,
            )
        )
        return _Outcome()

    def _unfreeze(self, contract: Contract, raw: RawTransaction, now_ms: int) -> _Outcome:
        # Unfreezing also pays out unfreezes that have already expired.
        expired = self.world.stake.expired_unfreeze_amount(
            contract.address("owner_address"), now_ms=now_ms
        )
        self._staking(
            lambda: self.world.stake.unfreeze(
                owner=contract.address("owner_address"),
                amount=contract.integer("unfreeze_balance"),
                resource=str(contract.fields.get("resource", "BANDWIDTH")),
                now_ms=now_ms,
            )
        )
        return _Outcome(info={"withdraw_expire_amount": expired} if expired else None)

    def _withdraw_expire_unfreeze(
        self, contract: Contract, raw: RawTransaction, now_ms: int
    ) -> _Outcome:
        amount = self._staking(
            lambda: self.world.stake.withdraw_expire_unfreeze(
                owner=contract.address("owner_address"), now_ms=now_ms
            )
        )
        return _Outcome(info={"withdraw_expire_amount": amount} if amount else None)

    def _cancel_all_unfreeze(
        self, contract: Contract, raw: RawTransaction, now_ms: int
    ) -> _Outcome:
        owner = contract.address("owner_address")
        expired = self.world.stake.expired_unfreeze_amount(owner, now_ms=now_ms)
        cancelled = self.world.stake.cancel_all_unfreeze_amounts(owner, now_ms=now_ms)
        self._staking(lambda: self.world.stake.cancel_all_unfreeze(owner=owner, now_ms=now_ms))
        info: dict[str, Any] = {}
        if expired:
            info["withdraw_expire_amount"] = expired
        if any(cancelled.values()):
            info["cancel_unfreezeV2_amount"] = [
                {"key": key, "value": value} for key, value in cancelled.items() if value
            ]
        return _Outcome(info=info or None)

    def _delegate(self, contract: Contract, raw: RawTransaction, now_ms: int) -> _Outcome:
        self._staking(
            lambda: self.world.stake.delegate(
                owner=contract.address("owner_address"),
                receiver=contract.address("receiver_address"),
                amount=contract.integer("balance"),
                resource=str(contract.fields.get("resource", "BANDWIDTH")),
                lock=bool(contract.fields.get("lock", False)),
                lock_period=contract.integer("lock_period"),
                now_ms=now_ms,
            )
        )
        return _Outcome()

    def _undelegate(self, contract: Contract, raw: RawTransaction, now_ms: int) -> _Outcome:
        self._staking(
            lambda: self.world.stake.undelegate(
                owner=contract.address("owner_address"),
                receiver=contract.address("receiver_address"),
                amount=contract.integer("balance"),
                resource=str(contract.fields.get("resource", "BANDWIDTH")),
                now_ms=now_ms,
            )
        )
        return _Outcome()

    def _vote(self, contract: Contract, raw: RawTransaction, now_ms: int) -> _Outcome:
        votes = contract.fields.get("votes", [])
        assert isinstance(votes, list)
        self._staking(
            lambda: self.world.stake.vote(
                owner=contract.address("owner_address"), votes=votes, now_ms=now_ms
            )
        )
        return _Outcome()

    def _withdraw_rewards(self, contract: Contract, raw: RawTransaction, now_ms: int) -> _Outcome:
        amount = self._staking(
            lambda: self.world.stake.withdraw_rewards(
                owner=contract.address("owner_address"), now_ms=now_ms
            )
        )
        return _Outcome(info={"withdraw_amount": amount} if amount else None)


def _no_owner_message(type_name: str, owner: bytes) -> str:
    if type_name == "TransferContract":
        return "Validate TransferContract error, no OwnerAccount."
    if type_name == "TriggerSmartContract":
        return "Validate TriggerSmartContract error, no OwnerAccount."
    return f"Account[{to_base58(owner)}] does not exist"


def _hex_text(text: str) -> str:
    return text.encode().hex()


def _ordered_receipt(receipt: dict[str, Any]) -> dict[str, Any]:
    order = (
        "energy_usage",
        "energy_fee",
        "origin_energy_usage",
        "energy_usage_total",
        "net_usage",
        "net_fee",
        "result",
    )
    return {key: receipt[key] for key in order if key in receipt}
