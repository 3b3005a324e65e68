"""Energy benchmark: TRX spent per USDT transfer, with and without the policy.

    python -m bench.energy                 # 100 transfers in each mode
    python -m bench.energy --transfers 20  # quicker look

A devnet in this process (blocks on demand) and a throwaway PostgreSQL database of our own
(``bench_energy_<pid>``). Each mode sends ``--transfers`` USDT transfers from a fresh hot
wallet of a tenant through the same services the API calls (plan, then accept), in
batches of 10, and drives the worker's steps until every transfer is final and every
delegation reclaimed. Half go to an address that already holds USDT (the ~64k-energy
case), half to a fresh one (the ~130k case), alternating.

- ``burn``: no energy wallet: each sender burns TRX for its energy.
- ``policy``: the energy wallet has ``--stake`` TRX staked for energy and delegates it
  just in time; the cost is the transfers' own fees plus the policy's delegate and
  reclaim transactions.

TRX spent is read twice: from the fee rows (``wallets.fee_receipts``, one per txid, from
the solidified receipts) and from the chain (how much TRX left the hot wallet and the
energy wallet); the run fails if they disagree. The last line printed is a JSON object:
per mode, ``trx_per_transfer`` and its parts; ``saving_per_transfer`` and ``saving_pct``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from typing import Any

SUN = 1_000_000
BATCH = 10
HOLDER = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def setup_django() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.test")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    connection.settings_dict["TEST"]["NAME"] = f"bench_energy_{os.getpid()}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    settings.LUCID_MASTER_KEY = secrets.token_urlsafe(32)[:43] + "="
    return connection


def _fresh_address() -> str:
    from lucid_payments.tron.addresses import hex_to_base58

    return hex_to_base58("41" + secrets.token_hex(20))


def drive(chain: Any, *, rounds: int = 200) -> None:
    """The worker's steps for every unfinished transaction, a block at a time, until
    nothing is left to do."""
    from django.conf import settings

    from lucid_payments.tron.models import OutgoingTransaction
    from lucid_payments.tron.models.outgoing import ACTIVE_STATUSES
    from lucid_payments.tron.outgoing.steps import outgoing_process
    from usdt.models import OPEN_DELEGATION_STATUSES, EnergyDelegation, UsdtTransfer

    for _ in range(rounds):
        active = list(
            OutgoingTransaction.objects.filter(
                network=settings.TRON_NETWORK, status__in=ACTIVE_STATUSES
            ).values_list("id", flat=True)
        )
        waiting = UsdtTransfer.objects.filter(status__in=("awaiting_energy", "sending")).exists()
        open_delegations = EnergyDelegation.objects.filter(
            status__in=OPEN_DELEGATION_STATUSES
        ).exists()
        if not active and not waiting and not open_delegations:
            return
        for outgoing_id in active:
            outgoing_process(outgoing_id)
        chain.mine()
    raise RuntimeError("transactions still unfinished after the round limit")


def fund_hot_wallet(chain: Any, tenant: Any, *, trx: int, usdt: int) -> Any:
    from lucid_payments.core.money import Asset
    from wallets.ledger.owners import LedgerOwner
    from wallets.ledger.services import ledger_credit
    from wallets.models.wallets import WalletKind
    from wallets.services import wallet_create

    wallet = wallet_create(kind=WalletKind.HOT, client=tenant, label="bench")
    _faucet(chain, wallet.address, trx=trx, usdt=usdt)
    owner = LedgerOwner.client(tenant.pk)
    ledger_credit(owner=owner, asset=Asset.USDT, amount=usdt, reference=f"bench:{wallet.pk}")
    return wallet


def _faucet(chain: Any, address: str, *, trx: int = 0, usdt: int = 0) -> None:
    import httpx

    body: dict[str, Any] = {"address": address}
    if trx:
        body["trx"] = trx
    if usdt:
        body["usdt"] = usdt
    response = httpx.post(f"{chain.url}/devnet/faucet", json=body, timeout=10)
    response.raise_for_status()
    chain.mine()


def run_mode(chain: Any, tenant: Any, *, transfers: int, energy_wallet: Any) -> dict[str, Any]:
    from django.conf import settings

    from lucid_payments.core.audit import AuditActor
    from lucid_payments.tron.adapter.accounts import account
    from lucid_payments.tron.adapter.node import get_node
    from usdt.models import EnergyDelegation, UsdtTransfer
    from usdt.transfers import usdt_transfer_create, usdt_transfer_plan
    from wallets.fee_receipts import transaction_fees_catch_up
    from wallets.models.fees import TransactionFee

    node = get_node()
    hot = fund_hot_wallet(chain, tenant, trx=(transfers * 20 + 10) * SUN, usdt=transfers * SUN)
    hot_before = account(node, hot.address).balance_sun
    energy_before = account(node, energy_wallet.address).balance_sun if energy_wallet else 0
    first_transfer = (
        UsdtTransfer.objects.order_by("-id").values_list("id", flat=True).first()
    ) or 0
    first_delegation = (
        EnergyDelegation.objects.order_by("-id").values_list("id", flat=True).first()
    ) or 0
    actor = AuditActor.system("bench.energy")
    started = time.monotonic()
    for start in range(0, transfers, BATCH):
        for n in range(start, min(start + BATCH, transfers)):
            to = HOLDER if n % 2 == 0 else _fresh_address()
            plan = usdt_transfer_plan(wallet=hot, to=to, amount=SUN)
            usdt_transfer_create(wallet=hot, plan=plan, actor=actor)
        drive(chain)
    elapsed = time.monotonic() - started
    while transaction_fees_catch_up(network=settings.TRON_NETWORK, node=node):
        pass
    sent = list(UsdtTransfer.objects.filter(id__gt=first_transfer, wallet=hot))
    assert all(t.status == "confirmed" for t in sent), "a transfer did not confirm"
    delegation_ids = list(
        EnergyDelegation.objects.filter(id__gt=first_delegation).values_list("id", flat=True)
    )
    transfer_fees = TransactionFee.objects.filter(txid__in=[t.txid for t in sent])
    policy_references = [
        f"internal:energy-{kind}:{pk}" for pk in delegation_ids for kind in ("delegate", "activate")
    ]
    policy_fees = TransactionFee.objects.filter(reference__in=policy_references)
    reclaim_fees = TransactionFee.objects.filter(
        reference__regex=r"^internal:energy-reclaim:("
        + "|".join(map(str, delegation_ids or [0]))
        + "):"
    )
    transfer_sun = sum(f.fee_sun for f in transfer_fees)
    energy_sun = sum(f.energy_burned_sun for f in transfer_fees)
    bandwidth_sun = sum(f.bandwidth_burned_sun for f in transfer_fees)
    policy_sun = sum(f.fee_sun for f in policy_fees) + sum(f.fee_sun for f in reclaim_fees)
    on_chain = hot_before - account(node, hot.address).balance_sun
    if energy_wallet is not None:
        on_chain += energy_before - account(node, energy_wallet.address).balance_sun
    if on_chain != transfer_sun + policy_sun:
        raise AssertionError(f"fee rows {transfer_sun + policy_sun} != chain {on_chain} SUN")
    total = transfer_sun + policy_sun
    return {
        "transfers": len(sent),
        "trx_per_transfer": round(total / len(sent) / SUN, 6),
        "trx_energy_burned_per_transfer": round(energy_sun / len(sent) / SUN, 6),
        "trx_bandwidth_burned_per_transfer": round(bandwidth_sun / len(sent) / SUN, 6),
        "trx_policy_per_transfer": round(policy_sun / len(sent) / SUN, 6),
        "energy_delegated": sum(f.energy_delegated for f in transfer_fees),
        "energy_burned": sum(f.energy_burned for f in transfer_fees),
        "delegations": len(delegation_ids),
        "total_trx": total / SUN,
        "wall_s": round(elapsed, 1),
    }


def stake_energy_wallet(chain: Any, *, trx: int) -> Any:
    from lucid_payments.core.audit import AuditActor
    from usdt.energy.wallet import energy_wallet_create, energy_wallet_freeze

    wallet = energy_wallet_create()
    _faucet(chain, wallet.address, trx=(trx + 1_000) * SUN)
    energy_wallet_freeze(
        amount_sun=trx * SUN, reference="bench:stake", actor=AuditActor.system("bench.energy")
    )
    drive(chain)
    return wallet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--transfers", type=int, default=100, help="transfers per mode")
    parser.add_argument("--stake", type=int, default=100_000, help="TRX the energy wallet stakes")
    args = parser.parse_args(argv)

    connection = setup_django()
    test_name = connection.settings_dict["NAME"]
    from django.conf import settings

    from devnet.testing import running_devnet
    from lucid_payments.accounts.services import client_create
    from lucid_payments.tron.adapter.node import reset_node

    figures: dict[str, Any] = {"transfers": args.transfers, "stake_trx": args.stake}
    try:
        with running_devnet(solid_lag=3) as chain:
            settings.TRON_NODE_URLS = [chain.url]
            settings.TRON_NODE_URL = chain.url
            settings.TRON_NETWORK = "devnet"
            reset_node()
            _faucet(chain, HOLDER, usdt=1)
            tenant = client_create(name="bench-energy")
            figures["burn"] = run_mode(chain, tenant, transfers=args.transfers, energy_wallet=None)
            energy_wallet = stake_energy_wallet(chain, trx=args.stake)
            figures["policy"] = run_mode(
                chain, tenant, transfers=args.transfers, energy_wallet=energy_wallet
            )
    finally:
        connection.close()
        connection.creation.destroy_test_db(test_name, verbosity=0)
    burn, policy = figures["burn"]["trx_per_transfer"], figures["policy"]["trx_per_transfer"]
    figures["saving_per_transfer"] = round(burn - policy, 6)
    figures["saving_pct"] = round(100 * (burn - policy) / burn, 1) if burn else 0.0
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
