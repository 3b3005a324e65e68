"""The customer permission classes the payout router uses, exercised through a real view."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.urls import path
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.accounts.authentication import request_principal
from lucid_payments.accounts.models import Client, Customer, KycApplication
from lucid_payments.accounts.permissions import HasRequiredScope, IsKycVerified, V0Allowed
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.selectors import customer_get
from lucid_payments.urls.common import service_urlpatterns
from tests.accounts.conftest import KeyedClient
from tests.accounts.kyc_factories import make_application

pytestmark = pytest.mark.django_db


class _CustomerActionView(APIView):
    """Shaped like a payout view: loads the customer by client, then checks it."""

    required_scope = Scope.PAYOUTS
    route_permissions: list[Any] = []

    def post(self, request: Request, customer_id: int) -> Response:
        customer = customer_get(client=request_principal(request).client, customer_id=customer_id)
        self.check_object_permissions(request, customer)
        return Response({"ok": True})


class KycRouteView(_CustomerActionView):
    permission_classes = [HasRequiredScope, IsKycVerified]


class V0RouteView(_CustomerActionView):
    permission_classes = [HasRequiredScope, V0Allowed]


class NoScopeView(APIView):
    def get(self, request: Request) -> Response:
        return Response({})


urlpatterns = service_urlpatterns(
    [
        path("kyc-route/<int:customer_id>", KycRouteView.as_view()),
        path("v0-route/<int:customer_id>", V0RouteView.as_view()),
        path("no-scope", NoScopeView.as_view()),
    ]
)
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _approve(customer: Customer, *, expires_in: timedelta) -> None:
    now = timezone.now()
    make_application(
        customer,
        status=KycApplication.Status.APPROVED,
        reviewed_at=now,
        expires_at=now + expires_in,
    )


def test_kyc_route_needs_an_approved_unexpired_kyc(
    customer: Customer, keyed_client: KeyedClient
) -> None:
    api = keyed_client(customer.client)
    refused = api.post(f"/api/v1/kyc-route/{customer.pk}")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "kyc_required"

    _approve(customer, expires_in=-timedelta(seconds=1))  # approved, but already expired
    assert api.post(f"/api/v1/kyc-route/{customer.pk}").status_code == 403

    other = Customer.objects.create(client=customer.client, external_ref="verified")
    _approve(other, expires_in=timedelta(days=1))
    assert api.post(f"/api/v1/kyc-route/{other.pk}").status_code == 200


def test_blocked_customers_pass_neither_route(
    customer: Customer, keyed_client: KeyedClient
) -> None:
    api = keyed_client(customer.client)
    _approve(customer, expires_in=timedelta(days=1))
    assert api.post(f"/api/v1/v0-route/{customer.pk}").status_code == 200
    Customer.objects.filter(pk=customer.pk).update(status=Customer.Status.BLOCKED)
    for route in ("v0-route", "kyc-route"):
        response = api.post(f"/api/v1/{route}/{customer.pk}")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "customer_blocked"


def test_customer_checks_never_cross_tenants(
    customer: Customer, other_tenant: Client, keyed_client: KeyedClient
) -> None:
    _approve(customer, expires_in=timedelta(days=1))
    stranger = keyed_client(other_tenant)
    assert stranger.post(f"/api/v1/kyc-route/{customer.pk}").status_code == 404


def test_a_view_without_required_scope_fails_closed(
    customer: Customer, keyed_client: KeyedClient
) -> None:
    api = keyed_client(customer.client)
    api.raise_request_exception = False
    with override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False):
        response = api.get("/api/v1/no-scope")
    assert response.status_code == 500
