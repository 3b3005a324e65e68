"""Stake 2.0 as java-tron validates and executes it: freeze, unfreeze, withdraw, cancel,
delegate, undelegate, vote and voter rewards.

Every operation validates fully before it mutates anything, and raises
`ContractValidateError` with the text the real node puts after "Contract validate error : ".
TRX moves through the node's `AccountLedger`; everything else lives here and serialises to JSON.

Deliberate simplifications against mainnet (documented, not accidental):
- votes count for rewards from the next block, not from the next 6 h maintenance cycle;
- the per-block voter reward is split among witnesses by their votes, each witness keeps its
  brokerage, the rest goes to its voters pro rata (integer division, remainder dropped);
- the "new resource model" (TRON_POWER freezes) is off, as on mainnet, so tron power is the
  TRX frozen for bandwidth and energy, including what is delegated to others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import base58

from devnet.params import BLOCK_INTERVAL_MS, SUN_PER_TRX, ChainParams

BANDWIDTH = "BANDWIDTH"
ENERGY = "ENERGY"
RESOURCES = (BANDWIDTH, ENERGY)
MAX_VOTES_PER_TX = 30
ADDRESS_LENGTH = 21
ADDRESS_PREFIX = 0x41


class AccountLedger(Protocol):
    """The node's TRX balances (implemented by D1's account store)."""

    def exists(self, address: bytes) -> bool: ...

    def balance(self, address: bytes) -> int: ...

    def add_balance(self, address: bytes, delta: int) -> None: ...


class UsageBook(Protocol):
    """Staked-resource usage, kept by `ResourceMeter`; delegation needs to read and move it."""

    def staked_usage(self, address: bytes, resource: str, *, now_ms: int) -> int: ...

    def move_usage(
        self, *, source: bytes, target: bytes, resource: str, units: int, now_ms: int
    ) -> None: ...


class ContractValidateError(Exception):
    """str(e) is the real node's text after "Contract validate error : "."""


@dataclass
class _Unfreeze:
    resource: str
    amount: int
    expire_ms: int


@dataclass
class _Delegation:
    """One (owner, receiver, locked) record, as java-tron's DelegatedResourceStore keeps it."""

    amount: dict[str, int] = field(default_factory=dict)
    expire_ms: dict[str, int] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not any(self.amount.values())


@dataclass
class _StakeAccount:
    frozen: dict[str, int] = field(default_factory=dict)  # own stake, excludes delegated-out
    unfrozen: list[_Unfreeze] = field(default_factory=list)
    delegated_out: dict[str, int] = field(default_factory=dict)
    acquired: dict[str, int] = field(default_factory=dict)
    votes: list[tuple[bytes, int]] = field(default_factory=list)
    pending_reward: int = 0  # accrued since the last vote/unfreeze/withdraw
    allowance: int = 0  # reward moved onto the account, waiting for WithdrawBalance
    latest_withdraw_time: int = 0

    def tron_power(self) -> int:
        """SUN that backs votes: frozen for both resources plus what is delegated out."""
        return sum(self.frozen.values()) + sum(self.delegated_out.values())

    def weight_stake(self, resource: str) -> int:
        """SUN counted in the network's total weight for `resource` (own + delegated out)."""
        return self.frozen.get(resource, 0) + self.delegated_out.get(resource, 0)


def _hex(address: bytes) -> str:
    return address.hex()


def _valid_address(address: bytes) -> bool:
    return len(address) == ADDRESS_LENGTH and address[0] == ADDRESS_PREFIX


class StakeEngine:
    """Stake 2.0 state of every account plus the network totals derived from it."""

    def __init__(
        self, *, ledger: AccountLedger, params: ChainParams, witnesses: list[bytes]
    ) -> None:
        self.ledger = ledger
        self.params = params
        self.witnesses: tuple[bytes, ...] = tuple(witnesses)
        self._accounts: dict[bytes, _StakeAccount] = {}
        self._delegations: dict[tuple[bytes, bytes, bool], _Delegation] = {}
        # java-tron's V2 DelegatedResourceAccountIndex: (from, to) -> time of the latest
        # delegation between them; it lists accounts in that order and drops a pair only
        # when an undelegation leaves neither its locked nor its unlocked record.
        self._index: dict[tuple[bytes, bytes], int] = {}
        self._usage: UsageBook | None = None

    def attach_usage_book(self, usage: UsageBook) -> None:
        """Called by ResourceMeter so that delegation sees and moves resource usage."""
        self._usage = usage

    # ---- reads used by the resource meter ----------------------------------------------
    def total_weight(self, resource: str) -> int:
        """TotalNetWeight / TotalEnergyWeight: whole TRX staked network-wide, per account floor."""
        return sum(a.weight_stake(resource) // SUN_PER_TRX for a in self._accounts.values())

    def staked_for(self, address: bytes, resource: str) -> int:
        """SUN that entitles `address` to `resource`: own frozen plus acquired by delegation."""
        account = self._accounts.get(address)
        if account is None:
            return 0
        return account.frozen.get(resource, 0) + account.acquired.get(resource, 0)

    def acquired(self, address: bytes, resource: str) -> int:
        account = self._accounts.get(address)
        return account.acquired.get(resource, 0) if account else 0

    def tron_power(self, address: bytes) -> int:
        account = self._accounts.get(address)
        return account.tron_power() if account else 0

    def votes_used(self, address: bytes) -> int:
        account = self._accounts.get(address)
        return sum(count for _, count in account.votes) if account else 0

    def reward(self, address: bytes) -> int:
        """What `getReward` reports: allowance plus reward not yet moved onto the account."""
        account = self._accounts.get(address)
        return account.pending_reward + account.allowance if account else 0

    # ---- freeze / unfreeze -------------------------------------------------------------
    def freeze(self, *, owner: bytes, amount: int, resource: str, now_ms: int) -> None:
        """FreezeBalanceV2Contract."""
        self._require_owner(owner, missing=" not exists")
        if amount <= 0:
            raise ContractValidateError("frozenBalance must be positive")
        if amount < SUN_PER_TRX:
            raise ContractValidateError("frozenBalance must be greater than or equal to 1 TRX")
        if amount > self.ledger.balance(owner):
            raise ContractValidateError(
                "frozenBalance must be less than or equal to accountBalance"
            )
        if resource not in RESOURCES:
            raise ContractValidateError("ResourceCode error, valid ResourceCode[BANDWIDTH、ENERGY]")
        account = self._account(owner)
        self.ledger.add_balance(owner, -amount)
        account.frozen[resource] = account.frozen.get(resource, 0) + amount

    def unfreeze(self, *, owner: bytes, amount: int, resource: str, now_ms: int) -> None:
        """UnfreezeBalanceV2Contract: starts the unfreeze delay; expired ones are paid out."""
        self._require_owner(owner, missing=" does not exist")
        account = self._accounts.get(owner, _StakeAccount())
        if resource == BANDWIDTH and account.frozen.get(BANDWIDTH, 0) <= 0:
            raise ContractValidateError("no frozenBalance(BANDWIDTH)")
        if resource == ENERGY and account.frozen.get(ENERGY, 0) <= 0:
            raise ContractValidateError("no frozenBalance(Energy)")
        if resource not in RESOURCES:
            raise ContractValidateError("ResourceCode error.valid ResourceCode[BANDWIDTH、Energy]")
        if not 0 < amount <= account.frozen.get(resource, 0):
            raise ContractValidateError(f"Invalid unfreeze_balance, [{amount}] is error")
        pending = sum(1 for u in account.unfrozen if u.expire_ms > now_ms)
        if pending >= self.params.max_unfreeze_entries:
            raise ContractValidateError(
                "Invalid unfreeze operation, unfreezing times is over limit"
            )
        account = self._account(owner)
        self._move_reward_to_allowance(account)
        self._pay_out_expired(owner, account, now_ms)
        account.unfrozen.append(_Unfreeze(resource, amount, now_ms + self.params.unfreeze_delay_ms))
        account.frozen[resource] -= amount
        self._shrink_votes_to_power(account)

    def withdraw_expire_unfreeze(self, *, owner: bytes, now_ms: int) -> int:
        """WithdrawExpireUnfreezeContract; returns the SUN credited to the owner."""
        self._require_owner(owner, missing=" not exists")
        account = self._accounts.get(owner, _StakeAccount())
        if sum(u.amount for u in account.unfrozen if u.expire_ms <= now_ms) <= 0:
            raise ContractValidateError("no unFreeze balance to withdraw ")
        return self._pay_out_expired(owner, self._account(owner), now_ms)

    def cancel_all_unfreeze(self, *, owner: bytes, now_ms: int) -> None:
        """CancelAllUnfreezeV2Contract: unexpired unfreezes go back to frozen, expired are paid."""
        self._require_owner(owner, missing=" not exists")
        account = self._accounts.get(owner, _StakeAccount())
        if not account.unfrozen:
            raise ContractValidateError("No unfreezeV2 list to cancel")
        account = self._account(owner)
        self._move_reward_to_allowance(account)
        for entry in account.unfrozen:
            if entry.expire_ms > now_ms:
                account.frozen[entry.resource] = (
                    account.frozen.get(entry.resource, 0) + entry.amount
                )
        self._pay_out_expired(owner, account, now_ms)
        account.unfrozen = []

    def cancel_all_unfreeze_amounts(self, owner: bytes, *, now_ms: int) -> dict[str, int]:
        """What a cancel would return to frozen per resource (for the tx info the node writes)."""
        account = self._accounts.get(owner, _StakeAccount())
        amounts = dict.fromkeys(RESOURCES, 0)
        for entry in account.unfrozen:
            if entry.expire_ms > now_ms:
                amounts[entry.resource] += entry.amount
        return amounts

    def expired_unfreeze_amount(self, owner: bytes, *, now_ms: int) -> int:
        """SUN an unfreeze, withdraw or cancel would pay out now (withdraw_expire_amount)."""
        account = self._accounts.get(owner, _StakeAccount())
        return sum(u.amount for u in account.unfrozen if u.expire_ms <= now_ms)

    # ---- delegation --------------------------------------------------------------------
    def delegate(
        self,
        *,
        owner: bytes,
        receiver: bytes,
        amount: int,
        resource: str,
        lock: bool,
        lock_period: int,
        now_ms: int,
    ) -> None:
        """DelegateResourceContract; `lock_period` is in 3 s blocks (0 = the 3-day default)."""
        self._require_owner(owner, missing=" not exists")
        if amount < SUN_PER_TRX:
            raise ContractValidateError("delegateBalance must be greater than or equal to 1 TRX")
        if resource not in RESOURCES:
            raise ContractValidateError("ResourceCode error, valid ResourceCode[BANDWIDTH、ENERGY]")
        available = self._delegatable(owner, resource, now_ms)
        if amount > available:
            label = "FreezeBandwidthV2" if resource == BANDWIDTH else "FreezeEnergyV2"
            raise ContractValidateError(
                f"delegateBalance must be less than or equal to available {label} balance"
            )
        if not _valid_address(receiver):
            raise ContractValidateError("Invalid receiverAddress")
        if receiver == owner:
            raise ContractValidateError("receiverAddress must not be the same as ownerAddress")
        if not self.ledger.exists(receiver):
            raise ContractValidateError(f"Account[{_hex(receiver)}] not exists")
        period = lock_period or self.params.default_delegate_lock_period_blocks
        if lock:
            limit = self.params.max_delegate_lock_period_blocks
            if not 0 <= period <= limit:
                raise ContractValidateError(
                    "The lock period of delegate resource cannot be less than 0 and cannot "
                    f"exceed {limit}!"
                )
            locked = self._delegations.get((owner, receiver, True))
            if locked is not None:
                remain = locked.expire_ms.get(resource, 0) - now_ms
                if period * BLOCK_INTERVAL_MS < remain:
                    raise ContractValidateError(
                        f"The lock period for {resource} this time cannot be less than the "
                        f"remaining time[{remain}ms] of the last lock period for {resource}!"
                    )

        if self._is_contract(receiver):
            raise ContractValidateError("Do not allow delegate resources to contract addresses")

        self._unlock_expired(owner, receiver, now_ms)
        record = self._delegations.setdefault((owner, receiver, lock), _Delegation())
        record.amount[resource] = record.amount.get(resource, 0) + amount
        if lock:
            record.expire_ms[resource] = now_ms + period * BLOCK_INTERVAL_MS
        owner_account = self._account(owner)
        owner_account.frozen[resource] -= amount
        owner_account.delegated_out[resource] = (
            owner_account.delegated_out.get(resource, 0) + amount
        )
        receiver_account = self._account(receiver)
        receiver_account.acquired[resource] = receiver_account.acquired.get(resource, 0) + amount
        self._index[(owner, receiver)] = now_ms

    def undelegate(
        self, *, owner: bytes, receiver: bytes, amount: int, resource: str, now_ms: int
    ) -> None:
        """UnDelegateResourceContract: only unlocked (or lock-expired) delegations come back."""
        self._require_owner(owner, missing=" does not exist")
        if not _valid_address(receiver):
            raise ContractValidateError("Invalid receiverAddress")
        if receiver == owner:
            raise ContractValidateError("receiverAddress must not be the same as ownerAddress")
        unlocked = self._delegations.get((owner, receiver, False))
        locked = self._delegations.get((owner, receiver, True))
        if unlocked is None and locked is None:
            raise ContractValidateError("delegated Resource does not exist")
        if amount <= 0:
            raise ContractValidateError("unDelegateBalance must be more than 0 TRX")
        if resource not in RESOURCES:
            raise ContractValidateError("ResourceCode error.valid ResourceCode[BANDWIDTH、Energy]")
        free = unlocked.amount.get(resource, 0) if unlocked else 0
        if locked is not None and locked.expire_ms.get(resource, 0) < now_ms:
            free += locked.amount.get(resource, 0)
        if free < amount:
            name = (
                "delegatedFrozenBalance(BANDWIDTH)"
                if resource == BANDWIDTH
                else ("delegateFrozenBalance(Energy)")
            )
            raise ContractValidateError(
                f"insufficient {name}, request={amount}, unlock_balance={free}"
            )

        self._move_usage_back(owner, receiver, amount, resource, now_ms)
        receiver_account = self._account(receiver)
        receiver_account.acquired[resource] = max(
            0, receiver_account.acquired.get(resource, 0) - amount
        )
        self._unlock_expired(owner, receiver, now_ms)
        record = self._delegations[(owner, receiver, False)]
        record.amount[resource] -= amount
        if record.is_empty():
            del self._delegations[(owner, receiver, False)]
            if (owner, receiver, True) not in self._delegations:
                self._index.pop((owner, receiver), None)
        owner_account = self._account(owner)
        owner_account.delegated_out[resource] -= amount
        owner_account.frozen[resource] = owner_account.frozen.get(resource, 0) + amount

    def delegations_from(self, owner: bytes) -> list[dict[str, Any]]:
        """Outgoing delegations, hex addresses, one row per (receiver, locked) record."""
        receivers = sorted(
            {receiver for source, receiver, _ in self._delegations if source == owner}
        )
        return [row for receiver in receivers for row in self.delegated_resources(owner, receiver)]

    def delegated_resources(self, owner: bytes, receiver: bytes) -> list[dict[str, Any]]:
        """`getdelegatedresourcev2` rows (hex addresses): the unlocked record, then the locked
        one, each only if it still holds something — as java-tron's Wallet lists them."""
        rows = []
        for locked in (False, True):
            record = self._delegations.get((owner, receiver, locked))
            if record is None:
                continue
            row: dict[str, Any] = {"from": owner.hex(), "to": receiver.hex()}
            if record.amount.get(BANDWIDTH):
                row["frozen_balance_for_bandwidth"] = record.amount[BANDWIDTH]
            if record.amount.get(ENERGY):
                row["frozen_balance_for_energy"] = record.amount[ENERGY]
            if locked and record.expire_ms.get(BANDWIDTH):
                row["expire_time_for_bandwidth"] = record.expire_ms[BANDWIDTH]
            if locked and record.expire_ms.get(ENERGY):
                row["expire_time_for_energy"] = record.expire_ms[ENERGY]
            if len(row) > 2:
                rows.append(row)
        return rows

    def delegation_index(self, address: bytes) -> tuple[list[bytes], list[bytes]]:
        """(accounts delegating to `address`, accounts `address` delegates to), each in the
        order of their latest delegation, as `getdelegatedresourceaccountindexv2` lists them."""
        pairs = sorted(self._index.items(), key=lambda item: (item[1], item[0]))
        from_accounts = [source for (source, receiver), _ in pairs if receiver == address]
        to_accounts = [receiver for (source, receiver), _ in pairs if source == address]
        return from_accounts, to_accounts

    def can_delegate_max_size(
        self, owner: bytes, resource: str, *, now_ms: int, extra_usage: int = 0
    ) -> int:
        """`getcandelegatedmaxsize`: SUN of `resource` the owner could delegate now, with
        `extra_usage` points added to its usage (java-tron adds the size of a delegation
        transaction for bandwidth); below 1 TRX it is 0, as the node reports."""
        if resource not in RESOURCES or not self.ledger.exists(owner):
            return 0
        size = max(0, self._delegatable(owner, resource, now_ms, extra_usage=extra_usage))
        return size if size >= SUN_PER_TRX else 0

    def frozen_v2(self, address: bytes, resource: str) -> int:
        """Own frozen SUN for `resource` (not counting what is delegated out)."""
        account = self._accounts.get(address)
        return account.frozen.get(resource, 0) if account else 0

    def _delegatable(
        self, owner: bytes, resource: str, now_ms: int, *, extra_usage: int = 0
    ) -> int:
        """Own frozen SUN minus the part of current usage that own stake (not acquired) backs."""
        account = self._accounts.get(owner, _StakeAccount())
        frozen = account.frozen.get(resource, 0)
        if self._usage is None:
            return frozen
        usage = self._usage.staked_usage(owner, resource, now_ms=now_ms) + extra_usage
        limit = self._network_limit(resource)
        usage_sun = usage * SUN_PER_TRX * self.total_weight(resource) // limit if limit else 0
        return frozen - max(0, usage_sun - account.acquired.get(resource, 0))

    def _move_usage_back(
        self, owner: bytes, receiver: bytes, amount: int, resource: str, now_ms: int
    ) -> None:
        """The receiver's usage backed by the returned stake moves to the owner."""
        if self._usage is None:
            return
        receiver_account = self._accounts.get(receiver, _StakeAccount())
        entitled = self.staked_for(receiver, resource)
        weight = self.total_weight(resource)
        if entitled <= 0 or weight <= 0 or receiver_account.acquired.get(resource, 0) < amount:
            return
        usage = self._usage.staked_usage(receiver, resource, now_ms=now_ms)
        cap = amount * self._network_limit(resource) // (SUN_PER_TRX * weight)
        units = min(cap, usage * amount // entitled)
        if units > 0:
            self._usage.move_usage(
                source=receiver, target=owner, resource=resource, units=units, now_ms=now_ms
            )

    def _unlock_expired(self, owner: bytes, receiver: bytes, now_ms: int) -> None:
        """Move lock-expired amounts of one pair into its unlocked record."""
        locked = self._delegations.get((owner, receiver, True))
        if locked is None:
            return
        unlocked = self._delegations.setdefault((owner, receiver, False), _Delegation())
        for resource in RESOURCES:
            if locked.amount.get(resource) and locked.expire_ms.get(resource, 0) < now_ms:
                unlocked.amount[resource] = (
                    unlocked.amount.get(resource, 0) + locked.amount[resource]
                )
                locked.amount[resource] = 0
                locked.expire_ms.pop(resource, None)
        if locked.is_empty():
            del self._delegations[(owner, receiver, True)]
        if unlocked.is_empty():
            del self._delegations[(owner, receiver, False)]

    def _network_limit(self, resource: str) -> int:
        if resource == BANDWIDTH:
            return self.params.total_net_limit
        return self.params.total_energy_limit

    # ---- votes and rewards -------------------------------------------------------------
    def vote(self, *, owner: bytes, votes: list[tuple[bytes, int]], now_ms: int) -> None:
        """VoteWitnessContract: replaces the owner's votes; counts are whole TRX of tron power."""
        if not _valid_address(owner):
            raise ContractValidateError("Invalid address")
        if not votes:
            raise ContractValidateError("VoteNumber must more than 0")
        if len(votes) > MAX_VOTES_PER_TX:
            raise ContractValidateError(f"VoteNumber more than maxVoteNumber {MAX_VOTES_PER_TX}")
        total = 0
        for witness, count in votes:
            if not _valid_address(witness):
                raise ContractValidateError("Invalid vote address!")
            if count <= 0:
                raise ContractValidateError("vote count must be greater than 0")
            if not self.ledger.exists(witness):
                raise ContractValidateError(f"Account[{_hex(witness)}] not exists")
            if witness not in self.witnesses:
                raise ContractValidateError(f"Witness[{_hex(witness)}] not exists")
            total += count
        if not self.ledger.exists(owner):
            raise ContractValidateError(f"Account[{_hex(owner)}] not exists")
        power = self.tron_power(owner)
        if total * SUN_PER_TRX > power:
            raise ContractValidateError(
                f"The total number of votes[{total * SUN_PER_TRX}] is greater than the "
                f"tronPower[{power}]"
            )
        account = self._account(owner)
        self._move_reward_to_allowance(account)
        account.votes = list(votes)

    def withdraw_rewards(self, *, owner: bytes, now_ms: int) -> int:
        """WithdrawBalanceContract: pays allowance + accrued reward, at most once per 24 h."""
        self._require_owner(owner, missing=" not exists")
        if owner in self.witnesses:
            raise ContractValidateError(
                f"Account[{_hex(owner)}] is a guard representative and is not allowed to "
                "withdraw Balance"
            )
        account = self._accounts.get(owner, _StakeAccount())
        if now_ms - account.latest_withdraw_time < self.params.reward_withdraw_interval_ms:
            raise ContractValidateError(
                f"The last withdraw time is {account.latest_withdraw_time}, less than 24 hours"
            )
        amount = account.allowance + account.pending_reward
        if amount <= 0:
            raise ContractValidateError("witnessAccount does not have any reward")
        account = self._account(owner)
        account.allowance = 0
        account.pending_reward = 0
        account.latest_withdraw_time = now_ms
        self.ledger.add_balance(owner, amount)
        return amount

    def on_block(self, *, number: int, now_ms: int) -> None:
        """Accrue one block's voter reward: split among witnesses by votes, each keeps its
        brokerage and shares the rest with its voters pro rata."""
        per_witness: dict[bytes, list[tuple[_StakeAccount, int]]] = {}
        for account in self._accounts.values():
            for witness, count in account.votes:
                per_witness.setdefault(witness, []).append((account, count))
        total_votes = sum(c for voters in per_witness.values() for _, c in voters)
        if total_votes <= 0:
            return
        pool = self.params.vote_reward_per_block_sun
        for witness in sorted(per_witness):
            voters = per_witness[witness]
            witness_votes = sum(c for _, c in voters)
            share = pool * witness_votes // total_votes
            kept = share * self.params.witness_brokerage_percent // 100
            self._account(witness).pending_reward += kept
            for account, count in voters:
                account.pending_reward += (share - kept) * count // witness_votes

    def _move_reward_to_allowance(self, account: _StakeAccount) -> None:
        """java-tron settles accrued reward onto the account before votes or stake change."""
        account.allowance += account.pending_reward
        account.pending_reward = 0

    def _shrink_votes_to_power(self, account: _StakeAccount) -> None:
        """After an unfreeze, scale votes down pro rata if tron power no longer covers them."""
        total = sum(count for _, count in account.votes)
        power = account.tron_power()
        if total == 0 or power >= total * SUN_PER_TRX:
            return
        scaled = [(w, count * power // (total * SUN_PER_TRX)) for w, count in account.votes]
        account.votes = [(w, count) for w, count in scaled if count > 0]

    # ---- helpers -----------------------------------------------------------------------
    def _require_owner(self, owner: bytes, *, missing: str) -> None:
        if not _valid_address(owner):
            raise ContractValidateError("Invalid address")
        if not self.ledger.exists(owner):
            raise ContractValidateError(f"Account[{_hex(owner)}]{missing}")

    def _is_contract(self, address: bytes) -> bool:
        """Optional ledger capability: a ledger that knows contract accounts exposes
        `is_contract(address)`; without it no receiver counts as a contract."""
        probe = getattr(self.ledger, "is_contract", None)
        return bool(probe(address)) if callable(probe) else False

    def _account(self, address: bytes) -> _StakeAccount:
        return self._accounts.setdefault(address, _StakeAccount())

    def _pay_out_expired(self, owner: bytes, account: _StakeAccount, now_ms: int) -> int:
        expired = sum(u.amount for u in account.unfrozen if u.expire_ms <= now_ms)
        account.unfrozen = [u for u in account.unfrozen if u.expire_ms > now_ms]
        if expired:
            self.ledger.add_balance(owner, expired)
        return expired

    # ---- account JSON ------------------------------------------------------------------
    def account_fields(self, address: bytes, *, visible: bool) -> dict[str, Any]:
        """Stake 2.0 fields of `getaccount` (proto3 JSON: defaults omitted)."""
        account = self._accounts.get(address)
        if account is None:
            return {}
        render = _base58 if visible else _hex
        fields: dict[str, Any] = {}
        if account.votes:
            fields["votes"] = [
                {"vote_address": render(w), "vote_count": c} for w, c in account.votes
            ]
        if account.allowance:
            fields["allowance"] = account.allowance
        if account.latest_withdraw_time:
            fields["latest_withdraw_time"] = account.latest_withdraw_time
        frozen = []
        for resource in RESOURCES:
            if resource in account.frozen:
                entry: dict[str, Any] = {} if resource == BANDWIDTH else {"type": resource}
                if account.frozen[resource]:
                    entry["amount"] = account.frozen[resource]
                frozen.append(entry)
        if frozen:
            fields["frozenV2"] = frozen
        if account.unfrozen:
            fields["unfrozenV2"] = [
                {
                    **({} if u.resource == BANDWIDTH else {"type": u.resource}),
                    "unfreeze_amount": u.amount,
                    "unfreeze_expire_time": u.expire_ms,
                }
                for u in account.unfrozen
            ]
        if account.delegated_out.get(BANDWIDTH):
            fields["delegated_frozenV2_balance_for_bandwidth"] = account.delegated_out[BANDWIDTH]
        if account.acquired.get(BANDWIDTH):
            fields["acquired_delegated_frozenV2_balance_for_bandwidth"] = account.acquired[
                BANDWIDTH
            ]
        resource_fields: dict[str, Any] = {}
        if account.delegated_out.get(ENERGY):
            resource_fields["delegated_frozenV2_balance_for_energy"] = account.delegated_out[ENERGY]
        if account.acquired.get(ENERGY):
            resource_fields["acquired_delegated_frozenV2_balance_for_energy"] = account.acquired[
                ENERGY
            ]
        if resource_fields:
            fields["account_resource"] = resource_fields
        return fields

    # ---- persistence -------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        return {
            "accounts": {
                address.hex(): {
                    "frozen": dict(sorted(a.frozen.items())),
                    "unfrozen": [[u.resource, u.amount, u.expire_ms] for u in a.unfrozen],
                    "delegated_out": dict(sorted(a.delegated_out.items())),
                    "acquired": dict(sorted(a.acquired.items())),
                    "votes": [[w.hex(), c] for w, c in a.votes],
                    "pending_reward": a.pending_reward,
                    "allowance": a.allowance,
                    "latest_withdraw_time": a.latest_withdraw_time,
                }
                for address, a in sorted(self._accounts.items())
            },
            "delegations": [
                [
                    owner.hex(),
                    receiver.hex(),
                    locked,
                    dict(sorted(r.amount.items())),
                    dict(sorted(r.expire_ms.items())),
                ]
                for (owner, receiver, locked), r in sorted(self._delegations.items())
            ],
            "index": [
                [owner.hex(), receiver.hex(), time_ms]
                for (owner, receiver), time_ms in sorted(self._index.items())
            ],
        }

    def load_state(self, state: dict[str, Any]) -> None:
        accounts: dict[bytes, _StakeAccount] = {}
        for address, a in state.get("accounts", {}).items():
            accounts[bytes.fromhex(address)] = _StakeAccount(
                frozen={k: int(v) for k, v in a["frozen"].items()},
                unfrozen=[_Unfreeze(r, int(n), int(t)) for r, n, t in a["unfrozen"]],
                delegated_out={k: int(v) for k, v in a["delegated_out"].items()},
                acquired={k: int(v) for k, v in a["acquired"].items()},
                votes=[(bytes.fromhex(w), int(c)) for w, c in a["votes"]],
                pending_reward=int(a["pending_reward"]),
                allowance=int(a["allowance"]),
                latest_withdraw_time=int(a["latest_withdraw_time"]),
            )
        delegations: dict[tuple[bytes, bytes, bool], _Delegation] = {}
        for owner, receiver, locked, amount, expire in state.get("delegations", []):
            delegations[(bytes.fromhex(owner), bytes.fromhex(receiver), bool(locked))] = (
                _Delegation(
                    amount={k: int(v) for k, v in amount.items()},
                    expire_ms={k: int(v) for k, v in expire.items()},
                )
            )
        index = {
            (bytes.fromhex(owner), bytes.fromhex(receiver)): int(time_ms)
            for owner, receiver, time_ms in state.get("index", [])
        }
        if "index" not in state:  # a state saved before the index existed: rebuild it
            index = {(owner, receiver): 0 for owner, receiver, _ in delegations}
        self._accounts = accounts
        self._delegations = delegations
        self._index = index


def _base58(address: bytes) -> str:
    """Base58check of a 21-byte address (the `visible=true` form)."""
    text: str = base58.b58encode_check(address).decode("ascii")
    return text
