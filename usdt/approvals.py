"""``approve(spender, amount)`` from a client's hot wallet. It moves no USDT, so nothing
is held; its fee_limit comes from a dry run's energy at the chain's price plus the margin,
and it burns (or uses the wallet's own energy): approvals are rare, delegating for them
would cost more than it saves."""

from __future__ import annotations

import uuid

from django.db import transaction

from lucid_payments.core.audit import AuditActor
from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.idempotency import idempotency_effect
from lucid_payments.core.money import Asset
from lucid_payments.tron.adapter.node import TronNode, get_node
from lucid_payments.tron.adapter.resource_prices import resource_prices
from lucid_payments.tron.adapter.trc20 import approve_energy
from lucid_payments.tron.outgoing.contracts import trc20_approve
from lucid_payments.tron.outgoing.services import outgoing_create
from lucid_payments.tron.tokens import token_get
from usdt.energy.plan import fee_limit_for
from usdt.models import UsdtApproval
from wallets.models.wallets import Wallet, WalletKind

REFERENCE_PREFIX = "usdt-approval:"


def usdt_approval_create(
    *, wallet: Wallet, spender: str, amount: int, actor: AuditActor, node: TronNode | None = None
) -> UsdtApproval:
    """Estimate (network reads), then record the approval (one transaction)."""
    if wallet.kind != WalletKind.HOT or not wallet.can_sign or wallet.client_id is None:
        raise InvalidInput(
            "Approvals are sent from a client's hot wallet.", code="wallet_cannot_send"
        )
    node = node or get_node()
    token = token_get(Asset.USDT, node=node)
    energy = approve_energy(
        node, contract=token.contract, owner=wallet.address, spender=spender, amount=amount
    ).energy
    fee_limit = fee_limit_for(energy, energy_price_sun=resource_prices(node).energy_sun)
    call = trc20_approve(
        owner=wallet.address,
        token=token.contract,
        spender=spender,
        amount=amount,
        fee_limit_sun=fee_limit,
    )
    with transaction.atomic():
        outgoing = outgoing_create(
            call=call,
            reference=f"{REFERENCE_PREFIX}{uuid.uuid4().hex}",
            client=wallet.client,
            actor=actor,
        )
        approval = UsdtApproval.objects.create(
            client_id=wallet.client_id,
            wallet=wallet,
            network=wallet.network,
            owner=wallet.address,
            spender=spender,
            amount=amount,
            token_contract=token.contract,
            fee_limit_sun=fee_limit,
            outgoing_id=outgoing.pk,
        )
        idempotency_effect(approval)
    return approval
