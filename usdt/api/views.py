"""usdt-manager API (8094). One view per operation; services do the work, selectors scope
every lookup to the caller's client. Network reads run outside database transactions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.errors import InvalidInput, Unprocessable
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.inputs import validated
from lucid_payments.core.money import Asset, Money
from lucid_payments.core.parsers import StrictJSONParser
from lucid_payments.core.schema import Operations
from lucid_payments.tron import addresses
from lucid_payments.tron.adapter.errors import NodeRejected
from lucid_payments.tron.selectors import outgoing_get
from usdt.api.serializers import (
    AllowanceOutput,
    StatsFilter,
    StatsOutput,
    UsdtApprovalInput,
    UsdtApprovalOutput,
    UsdtBalanceOutput,
    UsdtContractOutput,
    UsdtTransactionOutput,
    UsdtTransferFilter,
    UsdtTransferInput,
    UsdtTransferOutput,
    usdt_transfer_body,
)
from usdt.approvals import usdt_approval_create
from usdt.chain_reads import (
    trc20_transaction,
    usdt_allowance,
    usdt_balance,
    usdt_contract_info,
)
from usdt.models import UsdtApproval
from usdt.selectors import transfer_fees, usdt_transfer_get, usdt_transfer_list
from usdt.stats import DayStats, usdt_stats
from usdt.transfers import usdt_transfer_create, usdt_transfer_plan
from wallets.api.pagination import LedgerEntryPagination
from wallets.api.serializers import money
from wallets.selectors import wallet_get

TAGS = ["usdt"]
API = Operations(*TAGS)
JSON_BODY_ONLY = [StrictJSONParser]


def _address(value: str, name: str) -> str:
    if not addresses.is_valid(value):
        raise InvalidInput(
            f"{name} is not a valid TRON address.", fields={name: ["Not a TRON address."]}
        )
    return addresses.normalize_address(value)


class UsdtContractView(APIView):
    required_scope = Scope.USDT

    @API(
        "usdt_contract",
        "The USDT contract on this network: address, symbol, decimals, total supply",
        UsdtContractOutput,
        errors=(503,),
    )
    def get(self, request: Request) -> Response:
        info = usdt_contract_info(network=settings.TRON_NETWORK)
        body = {
            "network": info.network,
            "address": info.token.contract,
            "symbol": info.token.symbol,
            "decimals": info.token.decimals,
            "total_supply": money(info.total_supply, Asset.USDT),
        }
        return Response(UsdtContractOutput(body).data)


class UsdtBalanceView(APIView):
    required_scope = Scope.USDT

    @API(
        "usdt_balance", "On-chain USDT balance of any address", UsdtBalanceOutput, errors=(400, 503)
    )
    def get(self, request: Request, address: str) -> Response:
        address = _address(address, "address")
        body = {"address": address, "balance": money(usdt_balance(address), Asset.USDT)}
        return Response(UsdtBalanceOutput(body).data)


def _transfer_bodies(transfers: list[Any]) -> list[dict[str, Any]]:
    fees = transfer_fees(transfers)
    bodies = [usdt_transfer_body(t, fees.get(t.txid)) for t in transfers]
    return list(UsdtTransferOutput(bodies, many=True).data)


class UsdtTransferListCreateView(IdempotentMixin, APIView):
    required_scope = Scope.USDT
    parser_classes = JSON_BODY_ONLY
    pagination_class = LedgerEntryPagination
    idempotent_methods = frozenset({"POST"})
    idempotency_effect_model = "usdt.UsdtTransfer"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(UsdtTransferOutput(usdt_transfer_body(obj)).data, status=202)

    @API(
        "usdt_transfer_create",
        "Send USDT from one of your hot wallets (held on the ledger; settled when "
        "final; fee_limit from the energy estimate)",
        {202: UsdtTransferOutput},
        errors=(404, 503),
        request=UsdtTransferInput,
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        payload = validated(UsdtTransferInput, request.data)
        wallet = wallet_get(client=principal.client, wallet_id=payload["wallet_id"])
        amount: Money = payload["amount"]
        try:
            plan = usdt_transfer_plan(wallet=wallet, to=payload["to"], amount=amount.units)
        except NodeRejected as exc:
            raise Unprocessable(
                f"The transfer would fail on chain: {exc.message}", code="transfer_would_fail"
            ) from exc
        transfer = usdt_transfer_create(wallet=wallet, plan=plan, actor=principal.actor)
        return Response(UsdtTransferOutput(usdt_transfer_body(transfer)).data, status=202)

    @API.read(
        "usdt_transfer_list",
        "Your USDT transfers, newest first",
        UsdtTransferOutput(many=True),
        query=UsdtTransferFilter,
    )
    def get(self, request: Request, filters: dict[str, Any]) -> Response:
        principal = request_principal(request)
        transfers = usdt_transfer_list(client=principal.client, **filters)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(transfers, request, view=self) or []
        return paginator.get_paginated_response(_transfer_bodies(list(page)))


class UsdtTransferDetailView(APIView):
    required_scope = Scope.USDT

    @API.retrieve(
        "usdt_transfer_retrieve",
        "One of your USDT transfers, with its fees once final",
        UsdtTransferOutput,
    )
    def get(self, request: Request, transfer_id: int) -> Response:
        principal = request_principal(request)
        transfer = usdt_transfer_get(client=principal.client, transfer_id=transfer_id)
        return Response(_transfer_bodies([transfer])[0])


def _approval_body(approval: UsdtApproval) -> dict[str, Any]:
    outgoing = outgoing_get(outgoing_id=approval.outgoing_id)
    return {
        "id": approval.pk,
        "status": outgoing.status if outgoing else "",
        "wallet_id": approval.wallet_id,
        "owner": approval.owner,
        "spender": approval.spender,
        "amount": money(approval.amount, Asset.USDT),
        "txid": outgoing.txid if outgoing else "",
        "fee_limit": money(approval.fee_limit_sun, Asset.TRX),
    }


class UsdtApprovalCreateView(IdempotentMixin, APIView):
    required_scope = Scope.USDT
    parser_classes = JSON_BODY_ONLY
    idempotency_effect_model = "usdt.UsdtApproval"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(UsdtApprovalOutput(_approval_body(obj)).data, status=202)

    @API(
        "usdt_approval_create",
        "Let a spender move USDT from one of your hot wallets (approve)",
        {202: UsdtApprovalOutput},
        errors=(404, 503),
        request=UsdtApprovalInput,
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        payload = validated(UsdtApprovalInput, request.data)
        wallet = wallet_get(client=principal.client, wallet_id=payload["wallet_id"])
        amount: Money = payload["amount"]
        approval = usdt_approval_create(
            wallet=wallet,
            spender=payload["spender"],
            amount=amount.units,
            actor=principal.actor,
        )
        return Response(UsdtApprovalOutput(_approval_body(approval)).data, status=202)


class UsdtAllowanceView(APIView):
    required_scope = Scope.USDT

    @API(
        "usdt_allowance",
        "USDT that spender may still move for owner (on chain)",
        AllowanceOutput,
        errors=(400, 503),
    )
    def get(self, request: Request, owner: str, spender: str) -> Response:
        owner, spender = _address(owner, "owner"), _address(spender, "spender")
        body = {
            "owner": owner,
            "spender": spender,
            "allowance": money(usdt_allowance(owner, spender), Asset.USDT),
        }
        return Response(AllowanceOutput(body).data)


class UsdtTransactionView(APIView):
    required_scope = Scope.USDT

    @API(
        "usdt_transaction",
        "Any TRC20 transaction decoded: from, to, amount, result, energy, fee",
        UsdtTransactionOutput,
        errors=(400, 404, 503),
    )
    def get(self, request: Request, txid: str) -> Response:
        if len(txid) != 64 or any(c not in "0123456789abcdefABCDEF" for c in txid):
            raise InvalidInput("txid must be 64 hex characters.", fields={"txid": ["Invalid."]})
        tx = trc20_transaction(txid.lower())
        body = {
            "txid": tx.txid,
            "block_number": tx.block_number,
            "contract": tx.contract,
            "from_address": tx.from_address,
            "to": tx.to,
            "amount": money(tx.amount, Asset.USDT) if tx.is_usdt and tx.to else None,
            "raw_amount": str(tx.amount),
            "result": tx.result,
            "energy_total": tx.energy_total,
            "energy_from_stake": tx.energy_from_stake,
            "trx_burned_for_energy": money(tx.energy_fee, Asset.TRX),
            "bandwidth_used": tx.bandwidth_used,
            "fee": money(tx.fee, Asset.TRX),
        }
        return Response(UsdtTransactionOutput(body).data)


def _figures_body(row: DayStats) -> dict[str, Any]:
    return {
        "transfers": row.transfers,
        "confirmed": row.confirmed,
        "failed": row.failed,
        "volume": money(row.volume, Asset.USDT),
        "energy_total": row.energy_total,
        "energy_delegated": row.energy_delegated,
        "energy_burned": row.energy_burned,
        "trx_burned": money(row.trx_burned_sun, Asset.TRX),
        "trx_policy_cost": money(row.trx_policy_cost_sun, Asset.TRX),
        "trx_if_burning_everything": money(row.trx_if_burning_everything_sun, Asset.TRX),
        "trx_saved": money(row.trx_saved_sun, Asset.TRX),
    }


class UsdtStatsView(APIView):
    required_scope = Scope.USDT

    @API.read(
        "usdt_stats",
        "Your USDT volume, counts and fees per day, and the TRX saved against burning everything",
        StatsOutput,
        query=StatsFilter,
    )
    def get(self, request: Request, filters: dict[str, Any]) -> Response:
        principal = request_principal(request)
        rows, totals = usdt_stats(client=principal.client, days=filters["days"])
        days = [{"day": row.day, **_figures_body(row)} for row in rows]
        return Response(StatsOutput({"days": days, "totals": _figures_body(totals)}).data)
