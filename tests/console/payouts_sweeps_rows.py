"""Payouts and sweeps as the console reads them: rows in the states an operator looks
for, written straight to the database (the payouts and sweeps suites drive the real
flows; here only what the console shows of them is under test)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from gateway.sweeps.models import Sweep, SweepAddress, SweepKind, SweepStatus, new_sweep_id
from lucid_payments.accounts.models import Client, Customer
from payouts.models import Payout, PayoutRoute, PayoutStatus, new_payout_id
from wallets.custody import internal_reference
from wallets.models import TransactionFee

ADDRESS = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"
DESTINATION = "TLsV52sRDL79HXGGm9yzwKibb6BeruhUzy"


def payout(client: Client, *, status: str, asset: str = "USDT", **fields: Any) -> Payout:
    customer = Customer.objects.get_or_create(client=client, external_ref="cust-1")[0]
    public_id = new_payout_id()
    return Payout.objects.create(
        public_id=public_id,
        client=client,
        customer=customer,
        network=settings.TRON_NETWORK,
        destination=DESTINATION,
        asset=asset,
        amount=fields.pop("amount", 7_250_000),
        reference=fields.pop("reference", public_id),
        route=PayoutRoute.V0,
        status=status,
        ledger_reference=f"payout:{public_id}",
        **fields,
    )


def sweep(client: Client, *, status: str, address: str = ADDRESS, **fields: Any) -> Sweep:
    SweepAddress.objects.get_or_create(
        network=settings.TRON_NETWORK, address=address, defaults={"client": client, "due": False}
    )
    public_id = new_sweep_id()
    return Sweep.objects.create(
        public_id=public_id,
        client=client,
        network=settings.TRON_NETWORK,
        kind=fields.pop("kind", SweepKind.DEPOSIT),
        asset=fields.pop("asset", "USDT"),
        source_address=address,
        destination_address=DESTINATION,
        amount=fields.pop("amount", 40_000_000),
        status=status,
        reference=internal_reference(f"sweep:{public_id}"),
        **fields,
    )


def completed_sweep(client: Client, *, at: datetime, txid: str) -> Sweep:
    return sweep(
        client,
        status=SweepStatus.COMPLETED,
        txid=txid,
        cost_energy_sun=3_000_000,
        cost_bandwidth_sun=345_000,
        completed_at=at,
        costed_at=at,
        final_at=at,
    )


def fee_row(*, txid: str, reference: str, fee_sun: int, client: Client | None = None) -> Any:
    """The fee row of a transaction we sent, as ``wallets.fee_receipts`` records it."""
    return TransactionFee.objects.create(
        network=settings.TRON_NETWORK,
        txid=txid,
        outgoing_id=int(txid[:8], 16),
        reference=reference,
        client=client,
        contract_type="TriggerSmartContract",
        owner_address=ADDRESS,
        succeeded=True,
        block_number=100,
        block_time=timezone.now(),
        energy_total=0,
        energy_delegated=0,
        energy_own_stake=0,
        energy_contract=0,
        energy_burned=0,
        energy_burned_sun=0,
        energy_price_sun=100,
        bandwidth_used=345,
        bandwidth_burned_sun=fee_sun,
        activation_sun=0,
        fee_sun=fee_sun,
    )


__all__ = ["PayoutStatus", "SweepStatus", "completed_sweep", "fee_row", "payout", "sweep"]
