"""trx-staking API (8096). One view per operation: the chain is asked first
(``staking.preflight``, outside any transaction), then a service records the operation;
the worker sends it. Every lookup is scoped to the caller's client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.scopes import Scope
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.money import Money
from lucid_payments.core.parsers import StrictJSONParser
from lucid_payments.core.schema import Operations
from staking import preflight, services
from staking.api.pagination import OperationPagination
from staking.api.serializers import (
    DelegateInput,
    DelegationOutput,
    FreezeInput,
    OperationFilter,
    OperationOutput,
    ResourcesOutput,
    UnfreezeInput,
    VoteInput,
    WalletInput,
    delegation_body,
    operation_body,
)
from staking.chain_reads import wallet_resources
from staking.models import Resource, StakingOperation
from staking.selectors import delegation_get, delegation_list, operation_get, operation_list
from wallets.models.wallets import Wallet
from wallets.selectors import wallet_get

TAGS = ["staking"]
API = Operations(*TAGS)
JSON_BODY_ONLY = [StrictJSONParser]
# Refusals a chain check or the ledger can answer with, on every money-moving POST.
POST_ERRORS = (404, 503)


def _accepted(operation: StakingOperation) -> Response:
    return Response(OperationOutput(operation_body(operation)).data, status=202)


class _OperationView(IdempotentMixin, APIView):
    required_scope = Scope.STAKING
    parser_classes = JSON_BODY_ONLY
    # Every staking POST (freeze, delegate, vote, ...) accepts one operation.
    idempotency_effect_model = "staking.StakingOperation"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return _accepted(obj)

    def _wallet(self, request: Request, data: dict[str, Any]) -> Wallet:
        return wallet_get(client=request_principal(request).client, wallet_id=data["wallet_id"])

    def _actor(self, request: Request) -> AuditActor:
        return request_principal(request).actor

    def _wallet_only(
        self,
        request: Request,
        check: Callable[..., None],
        record: Callable[..., StakingOperation],
    ) -> Response:
        """An operation that takes nothing but the wallet: asked of the chain, then recorded."""
        payload = WalletInput(data=request.data)
        payload.is_valid(raise_exception=True)
        wallet = self._wallet(request, payload.validated_data)
        check(wallet=wallet)
        return _accepted(record(wallet=wallet, actor=self._actor(request)))


def _post_schema(operation_id: str, summary: str, request: Any) -> Any:
    return API(operation_id, summary, {202: OperationOutput}, errors=POST_ERRORS, request=request)


class FreezeView(_OperationView):
    @_post_schema(
        "staking_freeze",
        "Stake TRX for energy or bandwidth (held on the ledger; staked when final)",
        FreezeInput,
    )
    def post(self, request: Request) -> Response:
        payload = FreezeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        wallet = self._wallet(request, payload.validated_data)
        amount: Money = payload.validated_data["amount"]
        preflight.freeze_check(wallet=wallet, amount_sun=amount.units)
        operation = services.staking_freeze(
            wallet=wallet,
            amount_sun=amount.units,
            resource=Resource(payload.validated_data["resource"]),
            actor=self._actor(request),
        )
        return _accepted(operation)


class UnfreezeView(_OperationView):
    @_post_schema(
        "staking_unfreeze",
        "Start unfreezing staked TRX (withdrawable after the chain's wait)",
        UnfreezeInput,
    )
    def post(self, request: Request) -> Response:
        payload = UnfreezeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        wallet = self._wallet(request, payload.validated_data)
        amount: Money = payload.validated_data["amount"]
        resource = Resource(payload.validated_data["resource"])
        preflight.unfreeze_check(wallet=wallet, amount_sun=amount.units, resource=resource)
        operation = services.staking_unfreeze(
            wallet=wallet, amount_sun=amount.units, resource=resource, actor=self._actor(request)
        )
        return _accepted(operation)


class WithdrawExpiredView(_OperationView):
    @_post_schema(
        "staking_withdraw_expired",
        "Withdraw unfrozen TRX whose wait is over back to the available balance",
        WalletInput,
    )
    def post(self, request: Request) -> Response:
        return self._wallet_only(
            request, preflight.withdraw_expired_check, services.staking_withdraw_expired
        )


class CancelUnfreezesView(_OperationView):
    @_post_schema(
        "staking_cancel_unfreezes",
        "Cancel every pending unfreeze (those whose wait is over are withdrawn)",
        WalletInput,
    )
    def post(self, request: Request) -> Response:
        return self._wallet_only(
            request, preflight.cancel_unfreezes_check, services.staking_cancel_unfreezes
        )


class DelegationListCreateView(_OperationView):
    @API("staking_delegation_list", "Your delegations, newest first", DelegationOutput(many=True))
    def get(self, request: Request) -> Response:
        delegations = delegation_list(client=request_principal(request).client)
        bodies = [delegation_body(d) for d in delegations[:500]]
        return Response(DelegationOutput(bodies, many=True).data)

    @_post_schema(
        "staking_delegate",
        "Delegate energy or bandwidth to an activated address, optionally locked",
        DelegateInput,
    )
    def post(self, request: Request) -> Response:
        payload = DelegateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        wallet = self._wallet(request, payload.validated_data)
        amount: Money = payload.validated_data["amount"]
        resource = Resource(payload.validated_data["resource"])
        receiver = payload.validated_data["receiver"]
        preflight.delegate_check(
            wallet=wallet, receiver=receiver, amount_sun=amount.units, resource=resource
        )
        operation = services.staking_delegate(
            wallet=wallet,
            receiver=receiver,
            amount_sun=amount.units,
            resource=resource,
            lock_period=payload.validated_data.get("lock_period"),
            actor=self._actor(request),
        )
        return _accepted(operation)


class UndelegateView(_OperationView):
    @_post_schema("staking_undelegate", "Take back an active delegation in full", None)
    def post(self, request: Request, delegation_id: int) -> Response:
        principal = request_principal(request)
        delegation = delegation_get(client=principal.client, delegation_id=delegation_id)
        return _accepted(
            services.staking_undelegate(delegation=delegation, actor=self._actor(request))
        )


class VoteView(_OperationView):
    @_post_schema("staking_vote", "Vote for witnesses with the wallet's tron power", VoteInput)
    def post(self, request: Request) -> Response:
        payload = VoteInput(data=request.data)
        payload.is_valid(raise_exception=True)
        wallet = self._wallet(request, payload.validated_data)
        votes = [(v["witness"], v["count"]) for v in payload.validated_data["votes"]]
        preflight.vote_check(wallet=wallet, total_votes=sum(count for _, count in votes))
        return _accepted(
            services.staking_vote(wallet=wallet, votes=votes, actor=self._actor(request))
        )


class ClaimRewardsView(_OperationView):
    @_post_schema(
        "staking_rewards_claim",
        "Claim the wallet's voting rewards (credited to you when final)",
        WalletInput,
    )
    def post(self, request: Request) -> Response:
        payload = WalletInput(data=request.data)
        payload.is_valid(raise_exception=True)
        wallet = self._wallet(request, payload.validated_data)
        preflight.claim_rewards_check(wallet=wallet)
        return _accepted(services.staking_claim_rewards(wallet=wallet, actor=self._actor(request)))


class ResourcesView(APIView):
    required_scope = Scope.STAKING

    @API(
        "staking_resources_retrieve",
        "A wallet's stake, delegations, resources, pending unfreezes, votes, reward",
        ResourcesOutput,
        errors=(404, 503),
    )
    def get(self, request: Request, wallet_id: int) -> Response:
        wallet = wallet_get(client=request_principal(request).client, wallet_id=wallet_id)
        return Response(ResourcesOutput(wallet_resources(wallet)).data)


class OperationListView(APIView):
    required_scope = Scope.STAKING
    pagination_class = OperationPagination

    @API.read(
        "staking_operation_list",
        "Your staking operations, newest first",
        OperationOutput(many=True),
        query=OperationFilter,
    )
    def get(self, request: Request, wanted: dict[str, Any]) -> Response:
        operations = operation_list(
            client=request_principal(request).client,
            wallet_id=wanted.get("wallet_id"),
            kind=wanted.get("kind"),
            status=wanted.get("status"),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(operations, request, view=self) or []
        bodies = [operation_body(o) for o in page]
        return paginator.get_paginated_response(OperationOutput(bodies, many=True).data)


class OperationDetailView(APIView):
    required_scope = Scope.STAKING

    @API.retrieve("staking_operation_retrieve", "One of your staking operations", OperationOutput)
    def get(self, request: Request, operation_id: int) -> Response:
        operation = operation_get(
            client=request_principal(request).client, operation_id=operation_id
        )
        return Response(OperationOutput(operation_body(operation)).data)
