"""The double-entry ledger: accounts, journal entries, postings and holds.

Sign convention: a posting's amount is signed and never zero. Balances of client and
customer accounts (and the platform's own ``available``/``held``) are what we owe the
owner, so they are positive. The platform's ``custody`` account is the other side of
every deposit and withdrawal: it carries minus what we hold on chain, so that every
entry sums to zero per asset. A client's ``staked`` account holds its TRX frozen on chain
(Stake 2.0), unfreezing or delegated out: still in custody and still the client's, but
not spendable until it is withdrawn back to ``available``. The platform's
``network_fees`` account is the expense side of TRX our own transactions burned on
chain: each fee is booked custody +fee (less held on chain) against network_fees -fee,
so its balance is minus the fees paid so far.

The database enforces the rules that matter (see migration 0002): postings of one entry
sum to zero per asset (a deferred constraint trigger, checked at commit), entries and
postings are append-only, and the cached balance of a client or customer account is
never negative.

``DailyDeposits`` rolls the deposits up per day and asset, so that reports over weeks read
a row a day instead of every posting; the service that books a deposit keeps it, in the
same transaction, and ``ledger_verify`` recomputes it from the postings.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from lucid_payments.core.money import Asset


class OwnerType(models.TextChoices):
    PLATFORM = "platform"
    CLIENT = "client"
    CUSTOMER = "customer"


class Bucket(models.TextChoices):
    AVAILABLE = "available"
    HELD = "held"
    # Platform only: the counterpart of money that entered or left custody on chain.
    CUSTODY = "custody"
    # Platform only: TRX burned by our own outgoing transactions (bandwidth, energy,
    # account activation), an expense booked against custody.
    NETWORK_FEES = "network_fees", "Network fees"
    # Client only: TRX frozen on chain (Stake 2.0), unfreezing or delegated out.
    STAKED = "staked"


class EntryKind(models.TextChoices):
    CREDIT = "credit"
    HOLD = "hold"
    SETTLE = "settle"
    RELEASE = "release"
    TRANSFER = "transfer"
    NETWORK_FEE = "network_fee", "Network fee"
    # held → staked (a freeze is final) and staked → available (unstaked TRX withdrawn).
    STAKE = "stake"
    UNSTAKE = "unstake"


class LedgerAccount(models.Model):
    """One balance: (owner, asset, bucket). ``balance`` caches the sum of its postings and
    is only changed under ``select_for_update`` in the transaction that adds them."""

    owner_type = models.CharField(max_length=16, choices=OwnerType.choices)
    # 0 for the platform; otherwise the Client or Customer primary key.
    owner_id = models.BigIntegerField()
    # The tenant that may see this account: the client itself, or the customer's client.
    # Null for the platform. Denormalised so API reads filter with one indexed column.
    client_id = models.BigIntegerField(null=True, blank=True)
    asset = models.CharField(max_length=8, choices=Asset.choices)
    bucket = models.CharField(max_length=16, choices=Bucket.choices)
    balance = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "asset", "bucket"],
                name="ledger_account_unique_owner_asset_bucket",
            ),
            # Clients and customers can never owe us: their balances stay non-negative,
            # checked under the row lock by the services and here as the last line.
            models.CheckConstraint(
                condition=Q(owner_type=OwnerType.PLATFORM) | Q(balance__gte=0),
                name="ledger_account_tenant_balance_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(bucket=Bucket.CUSTODY, owner_type=OwnerType.PLATFORM)
                | ~Q(bucket=Bucket.CUSTODY),
                name="ledger_account_custody_is_platform_only",
            ),
            models.CheckConstraint(
                condition=Q(bucket=Bucket.NETWORK_FEES, owner_type=OwnerType.PLATFORM)
                | ~Q(bucket=Bucket.NETWORK_FEES),
                name="ledger_account_network_fees_is_platform_only",
            ),
            models.CheckConstraint(
                condition=Q(bucket=Bucket.STAKED, owner_type=OwnerType.CLIENT)
                | ~Q(bucket=Bucket.STAKED),
                name="ledger_account_staked_is_client_only",
            ),
            models.CheckConstraint(
                condition=(Q(owner_type=OwnerType.PLATFORM, owner_id=0, client_id__isnull=True))
                | (~Q(owner_type=OwnerType.PLATFORM) & Q(owner_id__gt=0, client_id__isnull=False)),
                name="ledger_account_owner_shape",
            ),
        ]
        indexes = [models.Index(fields=["client_id", "asset"], name="ledger_account_client_idx")]

    def __str__(self) -> str:
        owner = (
            "platform"
            if self.owner_type == OwnerType.PLATFORM
            else f"{self.owner_type} {self.owner_id}"
        )
        return f"{owner} {self.asset} {self.bucket}"


class JournalEntry(models.Model):
    """One business event. ``reference`` is unique: the same event (a chain transfer, a
    payout's hold) can be booked only once. Append-only: corrections are new entries."""

    reference = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    description = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.reference}"


class Posting(models.Model):
    """One leg of an entry. ``balance_after`` is the account's balance right after this
    posting, recorded under the account lock, so statements need no window functions."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    amount = models.BigIntegerField()
    balance_after = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_posting_amount_not_zero"),
            models.UniqueConstraint(
                fields=["entry", "account"], name="ledger_posting_one_per_account"
            ),
        ]
        indexes = [models.Index(fields=["account", "entry"], name="ledger_posting_account_idx")]

    def __str__(self) -> str:
        return f"{self.amount:+d} on account {self.account_id} (entry {self.entry_id})"


# A credit is a deposit when its reference names a chain transfer
# (``wallets.deposits.deposit_reference``): "chain:<network>:<txid>:<index>".
DEPOSIT_REFERENCE_PREFIX = "chain:"


class DailyDeposits(models.Model):
    """The deposits of one UTC day in one asset: ``amount`` is the sum of the positive
    postings of every credit entry created that day whose reference starts with
    ``DEPOSIT_REFERENCE_PREFIX``, ``deposits`` how many there were. Written only by
    ``ledger_credit``, in the transaction that books the deposit, so it always equals
    those postings (``wallets.ledger.verify.daily_deposit_mismatches`` checks)."""

    day = models.DateField()
    asset = models.CharField(max_length=8, choices=Asset.choices)
    amount = models.BigIntegerField(default=0)
    deposits = models.BigIntegerField(default=0)

    class Meta:
        verbose_name_plural = "daily deposits"
        constraints = [
            models.UniqueConstraint(fields=["day", "asset"], name="daily_deposits_day_asset"),
            models.CheckConstraint(
                condition=Q(amount__gte=0, deposits__gte=0), name="daily_deposits_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.asset}: {self.deposits} deposit(s), {self.amount}"


class HoldStatus(models.TextChoices):
    HELD = "held"
    SETTLED = "settled"
    RELEASED = "released"


class Hold(models.Model):
    """Funds moved from an owner's available to held balance, waiting for the outcome:
    settled (they left custody) or released (back to available). Exactly one of the two,
    once: the transition locks the row and re-checks the status."""

    reference = models.CharField(max_length=200, unique=True)
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="holds")
    amount = models.BigIntegerField()
    status = models.CharField(max_length=16, choices=HoldStatus.choices, default=HoldStatus.HELD)
    hold_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="opened_hold"
    )
    closing_entry = models.OneToOneField(
        JournalEntry, on_delete=models.PROTECT, related_name="closed_hold", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_hold_amount_positive"),
            models.CheckConstraint(
                condition=Q(status=HoldStatus.HELD, closing_entry__isnull=True)
                | (~Q(status=HoldStatus.HELD) & Q(closing_entry__isnull=False)),
                name="ledger_hold_closed_has_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"hold {self.reference} ({self.status})"
