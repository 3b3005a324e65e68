"""The staked bucket: a freeze's hold closes into it, unstaking moves it back, custody
never changes, and only a client may have one."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from lucid_payments.core.money import Asset
from tests.wallets.conftest import run_deferred_checks
from tests.wallets.ledger_helpers import assert_ledger_consistent
from wallets.errors import InsufficientFunds, LedgerConflict
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import (
    ledger_credit,
    ledger_hold,
    ledger_release,
    ledger_stake,
    ledger_unstake,
)
from wallets.models.ledger import Bucket, HoldStatus, LedgerAccount, OwnerType

pytestmark = pytest.mark.django_db

CLIENT = LedgerOwner.client(7)
TRX = 1_000_000


def bucket(owner: LedgerOwner, name: Bucket) -> int:
    account = LedgerAccount.objects.filter(
        owner_type=owner.type, owner_id=owner.id, asset=Asset.TRX, bucket=name
    ).first()
    return account.balance if account else 0


def custody() -> int:
    return bucket(LedgerOwner.platform(), Bucket.CUSTODY)


def test_a_freeze_hold_becomes_staked_then_unstaked_and_custody_never_moves() -> None:
    ledger_credit(owner=CLIENT, asset=Asset.TRX, amount=10 * TRX, reference="dep")
    ledger_hold(owner=CLIENT, asset=Asset.TRX, amount=4 * TRX, reference="staking:a")
    hold = ledger_stake(reference="staking:a")
    again = ledger_stake(reference="staking:a")  # the handler ran twice: booked once

    assert (hold.status, again.closing_entry_id) == (HoldStatus.SETTLED, hold.closing_entry_id)
    assert bucket(CLIENT, Bucket.STAKED) == 4 * TRX
    assert bucket(CLIENT, Bucket.AVAILABLE) == 6 * TRX
    assert custody() == -10 * TRX

    ledger_unstake(owner=CLIENT, amount=3 * TRX, reference="staking:b:unstake")
    ledger_unstake(owner=CLIENT, amount=3 * TRX, reference="staking:b:unstake")
    run_deferred_checks()
    assert (bucket(CLIENT, Bucket.STAKED), bucket(CLIENT, Bucket.AVAILABLE)) == (TRX, 9 * TRX)
    assert custody() == -10 * TRX
    assert_ledger_consistent()


def test_unstaking_more_than_is_staked_is_refused() -> None:
    with pytest.raises(InsufficientFunds):
        ledger_unstake(owner=CLIENT, amount=TRX, reference="staking:c:unstake")
    assert bucket(CLIENT, Bucket.AVAILABLE) == 0


def test_a_released_hold_cannot_be_staked() -> None:
    ledger_credit(owner=CLIENT, asset=Asset.TRX, amount=2 * TRX, reference="dep")
    ledger_hold(owner=CLIENT, asset=Asset.TRX, amount=TRX, reference="staking:d")
    ledger_release(reference="staking:d")
    with pytest.raises(LedgerConflict) as refused:
        ledger_stake(reference="staking:d")
    assert refused.value.code == "hold_closed"
    assert bucket(CLIENT, Bucket.STAKED) == 0


def test_only_a_client_can_have_a_staked_account() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerAccount.objects.create(
            owner_type=OwnerType.CUSTOMER,
            owner_id=3,
            client_id=7,
            asset=Asset.TRX,
            bucket=Bucket.STAKED,
        )
