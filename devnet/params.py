"""Chain parameters of the devnet: fees, resource totals and Stake 2.0 timing.

Defaults follow TRON mainnet where the devnet models the behaviour; switches for features the
devnet does not model (dynamic energy, adaptive energy, shielded transactions, market...) are
reported as off so that a client reading `getchainparameters` is not misled.
"""

from __future__ import annotations

from dataclasses import dataclass

SUN_PER_TRX = 1_000_000
MS_PER_DAY = 86_400_000
BLOCK_INTERVAL_MS = 3_000


@dataclass(frozen=True)
class ChainParams:
    """Every number the engines and the node charge or check against."""

    energy_fee_sun: int = 100
    """SUN burned per energy unit when the payer has no (or not enough) staked energy."""
    transaction_fee_sun: int = 1_000
    """SUN burned per bandwidth byte when free and staked bandwidth are exhausted."""
    create_account_fee_sun: int = 100_000
    """Burned by a TransferContract that creates its recipient (when paid in TRX)."""
    create_new_account_fee_in_system_contract_sun: int = 1_000_000
    """Extra TRX a TransferContract pays when it creates its recipient."""
    create_new_account_bandwidth_rate: int = 1
    """Bandwidth points per byte charged against staked bandwidth when creating an account."""
    free_net_limit: int = 600
    """Free bandwidth points per account per 24 h."""
    total_net_limit: int = 43_200_000_000
    """Bandwidth points per 24 h shared by all stakers in proportion to their stake."""
    total_energy_limit: int = 180_000_000_000
    """Energy per 24 h shared by all stakers in proportion to their stake."""
    unfreeze_delay_ms: int = 14 * MS_PER_DAY
    """Time between UnfreezeBalanceV2 and the TRX becoming withdrawable."""
    max_fee_limit_sun: int = 15_000 * SUN_PER_TRX
    """Largest fee_limit a smart-contract transaction may carry."""
    max_unfreeze_entries: int = 32
    """At most this many pending (unwithdrawn) unfreezes per account."""
    max_delegate_lock_period_blocks: int = 864_000
    """Longest lock_period (in 3 s blocks) a DelegateResourceContract may ask for."""
    default_delegate_lock_period_blocks: int = 86_400
    """lock_period applied when lock=true and no lock_period is given (3 days)."""
    witness_pay_per_block_sun: int = 16_000_000
    """Block reward of the producing witness (kept by the witness, not shared)."""
    vote_reward_per_block_sun: int = 160_000_000
    """Reward shared per block among all voters, pro rata to their votes."""
    witness_brokerage_percent: int = 20
    """Share of the voter reward a witness keeps (mainnet default brokerage)."""
    reward_withdraw_interval_ms: int = MS_PER_DAY
    """WithdrawBalanceContract may succeed at most once per this interval."""
    maintenance_time_interval_ms: int = 6 * 3_600_000
    memo_fee_sun: int = 1_000_000
    multi_sign_fee_sun: int = 1_000_000
    update_account_permission_fee_sun: int = 100_000_000
    account_upgrade_cost_sun: int = 9_999_000_000
    asset_issue_fee_sun: int = 1_024_000_000
    max_cpu_time_of_one_tx_ms: int = 80
    max_create_account_tx_size: int = 1_000

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"ChainParams.{name} must be a non-negative int, got {value!r}")

    @property
    def unfreeze_delay_days(self) -> int:
        """The whole days `getUnfreezeDelayDays` reports (a sub-day devnet delay reports 0)."""
        return self.unfreeze_delay_ms // MS_PER_DAY

    def chain_parameters(self) -> list[dict[str, int | str]]:
        """`wallet/getchainparameters` entries in java-tron's order and key names.

        Like the real node (proto3 JSON), an entry whose value is 0 carries only its key.
        """
        values: list[tuple[str, int]] = [
            ("getMaintenanceTimeInterval", self.maintenance_time_interval_ms),
            ("getAccountUpgradeCost", self.account_upgrade_cost_sun),
            ("getCreateAccountFee", self.create_account_fee_sun),
            ("getTransactionFee", self.transaction_fee_sun),
            ("getAssetIssueFee", self.asset_issue_fee_sun),
            ("getWitnessPayPerBlock", self.witness_pay_per_block_sun),
            ("getWitnessStandbyAllowance", 115_200_000_000),
            (
                "getCreateNewAccountFeeInSystemContract",
                self.create_new_account_fee_in_system_contract_sun,
            ),
            ("getCreateNewAccountBandwidthRate", self.create_new_account_bandwidth_rate),
            ("getAllowCreationOfContracts", 1),
            ("getRemoveThePowerOfTheGr", 1),
            ("getEnergyFee", self.energy_fee_sun),
            ("getExchangeCreateFee", 1_024_000_000),
            ("getMaxCpuTimeOfOneTx", self.max_cpu_time_of_one_tx_ms),
            ("getAllowUpdateAccountName", 0),
            ("getAllowSameTokenName", 1),
            ("getAllowDelegateResource", 1),
            ("getTotalEnergyLimit", self.total_energy_limit),
            ("getAllowTvmTransferTrc10", 1),
            ("getTotalEnergyCurrentLimit", self.total_energy_limit),
            ("getAllowMultiSign", 1),
            ("getAllowAdaptiveEnergy", 0),
            ("getTotalEnergyTargetLimit", self.total_energy_limit // 14_400),
            ("getTotalEnergyAverageUsage", 0),
            ("getUpdateAccountPermissionFee", self.update_account_permission_fee_sun),
            ("getMultiSignFee", self.multi_sign_fee_sun),
            ("getAllowAccountStateRoot", 0),
            ("getAllowProtoFilterNum", 0),
            ("getAllowTvmConstantinople", 1),
            ("getAllowTvmSolidity059", 1),
            ("getAllowTvmIstanbul", 1),
            ("getAllowShieldedTRC20Transaction", 0),
            ("getForbidTransferToContract", 0),
            ("getAdaptiveResourceLimitTargetRatio", 10),
            ("getAdaptiveResourceLimitMultiplier", 1_000),
            ("getChangeDelegation", 1),
            ("getWitness127PayPerBlock", self.vote_reward_per_block_sun),
            ("getAllowMarketTransaction", 0),
            ("getMarketSellFee", 0),
            ("getMarketCancelFee", 0),
            ("getAllowPBFT", 0),
            ("getAllowTransactionFeePool", 0),
            ("getMaxFeeLimit", self.max_fee_limit_sun),
            ("getAllowOptimizeBlackHole", 1),
            ("getAllowNewResourceModel", 0),
            ("getAllowTvmFreeze", 0),
            ("getAllowTvmVote", 0),
            ("getAllowTvmLondon", 1),
            ("getAllowTvmCompatibleEvm", 0),
            ("getAllowAccountAssetOptimization", 0),
            ("getFreeNetLimit", self.free_net_limit),
            ("getTotalNetLimit", self.total_net_limit),
            ("getAllowHigherLimitForMaxCpuTimeOfOneTx", 1),
            ("getAllowAssetOptimization", 1),
            ("getAllowNewReward", 1),
            ("getMemoFee", self.memo_fee_sun),
            ("getAllowDelegateOptimization", 1),
            ("getUnfreezeDelayDays", self.unfreeze_delay_days),
            ("getAllowOptimizedReturnValueOfChainId", 1),
            ("getAllowDynamicEnergy", 0),
            ("getDynamicEnergyThreshold", 0),
            ("getDynamicEnergyIncreaseFactor", 0),
            ("getDynamicEnergyMaxFactor", 0),
            ("getAllowTvmShangHai", 1),
            ("getAllowCancelAllUnfreezeV2", 1),
            ("getMaxDelegateLockPeriod", self.max_delegate_lock_period_blocks),
            ("getAllowOldRewardOpt", 1),
            ("getAllowEnergyAdjustment", 1),
            ("getMaxCreateAccountTxSize", self.max_create_account_tx_size),
        ]
        return [{"key": key, "value": value} if value else {"key": key} for key, value in values]
