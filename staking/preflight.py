"""Checks against the chain before a staking operation is accepted.

The node validates every Stake 2.0 contract when it is broadcast, but that happens in the
worker, after the API has answered. These reads ask the same questions first (the wallet's
typed account, its delegatable stake, its reward), so a request the chain would refuse
gets a 422 naming the rule instead of an accepted operation that fails a moment later.
A refusal that still happens at broadcast (the state changed in between) ends the
operation ``failed`` with the node's code and message.

Network calls: run before the service's database transaction, never inside it.
"""

from __future__ import annotations

from lucid_payments.tron.adapter import accounts, reads
from lucid_payments.tron.adapter.accounts import Account
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.addresses import to_hex
from staking.errors import StakingRefused
from staking.models import Resource
from wallets.models.wallets import Wallet

SUN_PER_TRX = 1_000_000
# java-tron's limit on unfreezes waiting at once per account.
MAX_PENDING_UNFREEZES = 32
_RESOURCE_WORD = {Resource.BANDWIDTH: "BANDWIDTH", Resource.ENERGY: "Energy"}


def _account(wallet: Wallet, node: TronNode) -> Account:
    account = accounts.account(node, wallet.address)
    if not account.exists:
        raise StakingRefused(
            f"Account[{to_hex(wallet.address)}] not exists: the wallet has never received TRX.",
            code="wallet_not_activated",
        )
    return account


def _at_least_one_trx(amount_sun: int, name: str) -> None:
    if amount_sun < SUN_PER_TRX:
        raise StakingRefused(
            f"{name} must be greater than or equal to 1 TRX",
            code="amount_below_minimum",
            fields={"amount": ["At least 1 TRX."]},
        )


def freeze_check(*, wallet: Wallet, amount_sun: int, node: TronNode | None = None) -> None:
    _at_least_one_trx(amount_sun, "frozenBalance")
    account = _account(wallet, node or get_node())
    # The ledger may allow more than this address holds: the client's TRX can sit on its
    # other wallets, and the network fees the platform pays are burned from this address.
    if amount_sun > account.balance_sun:
        raise StakingRefused(
            f"frozenBalance must be less than or equal to accountBalance: the wallet holds "
            f"{account.balance_sun} SUN on chain.",
            code="wallet_balance_too_low",
            fields={"amount": ["More than the wallet holds on chain."]},
        )


def unfreeze_check(
    *, wallet: Wallet, amount_sun: int, resource: Resource, node: TronNode | None = None
) -> None:
    node = node or get_node()
    account = _account(wallet, node)
    frozen = account.frozen_sun.get(resource, 0)
    if frozen <= 0:
        raise StakingRefused(f"no frozenBalance({_RESOURCE_WORD[resource]})", code="nothing_frozen")
    if amount_sun > frozen:
        raise StakingRefused(
            f"Invalid unfreeze_balance, [{amount_sun}] is error: {frozen} SUN is frozen for "
            f"{resource} and not delegated.",
            code="unfreeze_exceeds_frozen",
            fields={"amount": ["More than is frozen."]},
        )
    now_ms = reads.now_block(node).timestamp_ms
    waiting = sum(1 for item in account.unfreezing if item.expire_time_ms > now_ms)
    if waiting >= MAX_PENDING_UNFREEZES:
        raise StakingRefused(
            "Invalid unfreeze operation, unfreezing times is over limit",
            code="too_many_unfreezes",
        )


def withdraw_expired_check(*, wallet: Wallet, node: TronNode | None = None) -> None:
    node = node or get_node()
    account = _account(wallet, node)
    now_ms = reads.now_block(node).timestamp_ms
    if not any(item.expire_time_ms <= now_ms for item in account.unfreezing):
        raise StakingRefused("no unFreeze balance to withdraw", code="nothing_to_withdraw")


def cancel_unfreezes_check(*, wallet: Wallet, node: TronNode | None = None) -> None:
    if not _account(wallet, node or get_node()).unfreezing:
        raise StakingRefused("No unfreezeV2 list to cancel", code="no_unfreezes")


def delegate_check(
    *,
    wallet: Wallet,
    receiver: str,
    amount_sun: int,
    resource: Resource,
    node: TronNode | None = None,
) -> None:
    node = node or get_node()
    _at_least_one_trx(amount_sun, "delegateBalance")
    if receiver == wallet.address:
        raise StakingRefused(
            "receiverAddress must not be the same as ownerAddress",
            code="delegate_to_self",
            fields={"receiver": ["The wallet's own address."]},
        )
    _account(wallet, node)
    if not accounts.account(node, receiver).exists:
        raise StakingRefused(
            f"Account[{to_hex(receiver)}] not exists: the receiver must be activated first.",
            code="receiver_not_activated",
            fields={"receiver": ["Not an activated account."]},
        )
    available = accounts.can_delegate_max_sun(node, wallet.address, resource)
    if amount_sun > available:
        raise StakingRefused(
            f"delegateBalance must be less than or equal to available FreezeBalanceV2 "
            f"balance: {available} SUN of {resource} stake can be delegated now.",
            code="not_enough_delegatable",
            fields={"amount": ["More than can be delegated."]},
        )


def vote_check(*, wallet: Wallet, total_votes: int, node: TronNode | None = None) -> None:
    account = _account(wallet, node or get_node())
    # Tron power is the TRX frozen for either resource, including what is delegated out.
    power_trx = (sum(account.frozen_sun.values()) + sum(account.delegated_out_sun.values())) // (
        SUN_PER_TRX
    )
    if total_votes > power_trx:
        raise StakingRefused(
            f"The total number of votes[{total_votes * SUN_PER_TRX}] is greater than the "
            f"tronPower[{power_trx * SUN_PER_TRX}]",
            code="not_enough_tron_power",
            fields={"votes": ["More votes than staked TRX."]},
        )


def claim_rewards_check(*, wallet: Wallet, node: TronNode | None = None) -> None:
    node = node or get_node()
    _account(wallet, node)
    if accounts.reward(node, wallet.address) <= 0:
        raise StakingRefused("witnessAccount does not have any reward", code="no_reward")
