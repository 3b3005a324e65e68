"""The periodic catch-up sends a transfer whose energy became ready without its hook
having sent it (database only: the plan is written out, as the planner returns it)."""

from __future__ import annotations

from typing import Any

import pytest

from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset
from lucid_payments.tron.models import OutgoingTransaction
from usdt.energy.plan import EnergyPlan
from usdt.energy.wallet import energy_wallet_create
from usdt.models import DelegationStatus, EnergyDelegation, EnergyMode, UsdtTransfer
from usdt.transfers import usdt_transfer_create, usdt_transfers_send_ready
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.wallets import WalletKind
from wallets.services import wallet_create

pytestmark = pytest.mark.django_db

HOLDER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
TOKEN = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t"


def test_a_waiting_transfer_goes_once_its_delegation_is_in_a_block(
    usdt_api: tuple[Any, Any],
) -> None:
    tenant, _ = usdt_api
    hot = wallet_create(kind=WalletKind.HOT, client=tenant)
    energy = energy_wallet_create()
    ledger_credit(owner=LedgerOwner.client(tenant.pk), asset=Asset.USDT, amount=5, reference="r")
    plan = EnergyPlan(
        sender=hot.address,
        to=HOLDER,
        amount=5,
        token_contract=TOKEN,
        energy=64_285,
        energy_price_sun=100,
        fee_limit_sun=7_714_200,
        mode=EnergyMode.DELEGATED,
        delegate_energy=64_285,
        delegate_sun=1_000_000,
        energy_wallet_id=energy.pk,
    )
    transfer = usdt_transfer_create(wallet=hot, plan=plan, actor=AuditActor.system("test"))
    assert transfer.status == "awaiting_energy"
    assert usdt_transfers_send_ready() == 0  # the delegation is not in a block yet

    EnergyDelegation.objects.update(status=DelegationStatus.DELEGATED)  # as the hook records
    assert usdt_transfers_send_ready() == 1
    assert usdt_transfers_send_ready() == 0  # safe twice
    transfer = UsdtTransfer.objects.get()
    assert transfer.status == "sending"
    outgoing = OutgoingTransaction.objects.get(pk=transfer.outgoing_id)
    assert (outgoing.fee_limit, outgoing.client_id) == (7_714_200, tenant.pk)
