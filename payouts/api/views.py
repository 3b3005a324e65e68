"""The payouts API (payout-router, 8092). One view per operation; services do the work,
selectors scope every lookup to the caller's client."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.models import Customer
from lucid_payments.accounts.permissions import IsKycVerified, V0Allowed
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.selectors import customer_get
from lucid_payments.core.cancel_views import CancelView
from lucid_payments.core.errors import ApplicationError
from lucid_payments.core.idempotency import IdempotentMixin
from lucid_payments.core.inputs import validated
from lucid_payments.core.money import Asset
from lucid_payments.core.paging import NewestFirstList, Page, Window
from lucid_payments.core.parsers import StrictJSONParser
from lucid_payments.core.schema import Operations
from payouts.api.serializers import (
    LimitsOutput,
    LimitsQuery,
    PayoutCreateInput,
    PayoutFilter,
    PayoutOutput,
    PayoutPageOutput,
    allowance_body,
    payout_body,
    payout_output,
)
from payouts.limits import payout_allowance
from payouts.models import Payout, PayoutFunding, PayoutRoute
from payouts.policy import client_payout_policy
from payouts.selectors import payout_get, payout_network_costs, payout_page
from payouts.services import payout_cancel, payout_create, payout_route

TAGS = ["payouts"]
API = Operations(*TAGS)
JSON_BODY_ONLY = [StrictJSONParser]


def _route_permission(route: PayoutRoute) -> BasePermission:
    return IsKycVerified() if route == PayoutRoute.KYC else V0Allowed()


def _may_use(request: Request, view: APIView, customer: Customer, route: PayoutRoute) -> bool:
    try:
        return bool(_route_permission(route).has_object_permission(request, view, customer))
    except ApplicationError:
        return False


def _payout_bodies(payouts: list[Payout]) -> list[dict[str, Any]]:
    costs = payout_network_costs(payouts)
    return [payout_body(p, costs.get(p.txid)) for p in payouts]


PAYOUT_LIST = NewestFirstList(
    PayoutFilter, PayoutPageOutput, key="payouts", tags=TAGS, render=_payout_bodies
)


class PayoutListCreateView(IdempotentMixin, APIView):
    required_scope = Scope.PAYOUTS
    parser_classes = JSON_BODY_ONLY
    idempotency_effect_model = "payouts.Payout"

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response(payout_output(obj), status=201)

    @PAYOUT_LIST.get(operation_id="payout_list", summary="Your payouts, newest first")
    def get(self, request: Request, window: Window, filters: dict[str, Any]) -> Page[Payout]:
        return payout_page(client_id=request_principal(request).client_id, window=window, **filters)

    @API(
        "payout_create",
        "Pay a customer out to a TRON address (held on the funding balance at once)",
        {201: PayoutOutput},
        errors=(404,),
        request=PayoutCreateInput,
        description="The route is ours to choose: kyc for a customer with an approved, "
        "unexpired KYC, else v0, each with its limits (403 kyc_required on v0, "
        "limit_exceeded on kyc, saying what is still allowed). Above your approval "
        "threshold the payout waits for operators.",
    )
    def post(self, request: Request) -> Response:
        principal = request_principal(request)
        wanted = validated(PayoutCreateInput, request.data)
        customer = customer_get(client=principal.client, customer_id=wanted["customer_id"])
        route = payout_route(customer=customer)
        _route_permission(route).has_object_permission(request, self, customer)
        created = payout_create(
            client=principal.client,
            customer=customer,
            destination=wanted["destination"],
            asset=Asset(wanted["asset"]),
            amount=wanted["amount_units"],
            reference=wanted["reference"],
            metadata=wanted["metadata"],
            funding=PayoutFunding(wanted["funding"]),
            actor=principal.actor,
            route=route,  # the one whose permission was checked above
        )
        return Response(created.body, status=201)


class PayoutDetailView(APIView):
    required_scope = Scope.PAYOUTS

    @API.retrieve(
        "payout_retrieve", "One payout, with its network costs once recorded", PayoutOutput
    )
    def get(self, request: Request, payout_id: str) -> Response:
        principal = request_principal(request)
        payout = payout_get(client_id=principal.client_id, payout_id=payout_id)
        costs = payout_network_costs([payout])
        return Response(payout_output(payout, costs.get(payout.txid)))


@API.cancel(
    "payout_cancel", "Cancel a payout not sent yet (awaiting approval or queued)", PayoutOutput
)
class PayoutCancelView(CancelView):
    required_scope = Scope.PAYOUTS

    def cancelled(self, request: Request, payout_id: str) -> dict[str, Any]:
        principal = request_principal(request)
        payout = payout_get(client_id=principal.client_id, payout_id=payout_id)
        return payout_output(payout_cancel(payout=payout, actor=principal.actor))


class LimitsView(APIView):
    required_scope = Scope.PAYOUTS

    @API.read(
        "payout_limits",
        "What a customer may still send on each route now (rolling 24 h)",
        LimitsOutput,
        errors=(404,),
        query=LimitsQuery,
    )
    def get(self, request: Request, query: dict[str, Any]) -> Response:
        principal = request_principal(request)
        customer = customer_get(client=principal.client, customer_id=query["customer_id"])
        destination = query.get("destination")
        policy = client_payout_policy(principal.client_id)
        routes: dict[str, Any] = {}
        for route in PayoutRoute:
            routes[route.value] = {"available": _may_use(request, self, customer, route)}
            for asset in Asset:
                allowance = payout_allowance(
                    client_id=principal.client_id,
                    customer_id=customer.pk,
                    route=route,
                    asset=asset,
                    destination=destination,
                    policy=policy,
                )
                routes[route.value][asset.value] = allowance_body(allowance)
        body = {
            "customer_id": customer.pk,
            "route": payout_route(customer=customer),
            "routes": routes,
        }
        return Response(LimitsOutput(body).data)
