"""Fixtures of the payout tests: a tenant with a payouts key, its customers (with or
without an approved KYC), ledger balances, addresses in custody, and operators."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.utils import timezone
from rest_framework.test import APIClient

from lucid_payments.accounts.models import Client, Customer, KycApplication
from lucid_payments.accounts.scopes import Scope
from lucid_payments.accounts.services import api_key_create, client_create, customer_create
from lucid_payments.core.audit import AuditActor
from lucid_payments.core.money import Asset
from tests.wallets.conftest import (  # noqa: F401 - fixtures
    devnet,
    next_owner_id,
    test_master_key,
)
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.selectors import owner_balances
from wallets.ledger.services import ledger_credit
from wallets.services import customer_deposit_address

UNIT = 1_000_000  # base units of one USDT or one TRX
ACTOR = AuditActor.system("tests")


@dataclass
class Tenant:
    client: Client
    api: APIClient

    def post(self, path: str, body: dict[str, Any] | None = None, **headers: str) -> Any:
        headers.setdefault("HTTP_IDEMPOTENCY_KEY", uuid.uuid4().hex)
        return self.api.post(path, body or {}, format="json", **headers)

    def customer(self, *, kyc: bool = False) -> Customer:
        customer = customer_create(
            client=self.client, external_ref=f"c-{uuid.uuid4().hex[:12]}", actor=ACTOR
        )
        if kyc:
            kyc_approved(customer)
        return customer

    def payout(self, customer: Customer, destination: str, amount: str, **body: Any) -> Any:
        return self.post(
            "/api/v1/payouts",
            {
                "customer_id": customer.pk,
                "destination": destination,
                "asset": body.pop("asset", "USDT"),
                "amount": amount,
                "reference": body.pop("reference", uuid.uuid4().hex),
                **body,
            },
        )

    def fund(self, asset: Asset, units: int, customer: Customer | None = None) -> None:
        owner = (
            LedgerOwner.client(self.client.pk)
            if customer is None
            else LedgerOwner.customer(customer.pk, client_id=self.client.pk)
        )
        ledger_credit(owner=owner, asset=asset, amount=units, reference=f"test:{uuid.uuid4().hex}")

    def balance(self, asset: Asset, customer: Customer | None = None) -> tuple[int, int]:
        owner = (
            LedgerOwner.client(self.client.pk)
            if customer is None
            else LedgerOwner.customer(customer.pk, client_id=self.client.pk)
        )
        for row in owner_balances(owner=owner):
            if row.asset == asset:
                return row.available, row.held
        return 0, 0


def keyed_tenant(*scopes: Scope) -> Tenant:
    client = client_create(name=f"payouts-tenant-{next_owner_id()}")
    _, key = api_key_create(
        client=client, name="payouts", scopes=list(scopes or (Scope.PAYOUTS, Scope.WALLETS))
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return Tenant(client, api)


@pytest.fixture
def tenant(db: None) -> Tenant:
    return keyed_tenant()


def kyc_approved(customer: Customer, *, days: int = 30) -> KycApplication:
    now = timezone.now()
    return KycApplication.objects.create(
        customer=customer,
        status=KycApplication.Status.APPROVED,
        first_name="Ada",
        last_name="Lovelace",
        date_of_birth=date(1990, 1, 1),
        country="GB",
        document_type=KycApplication.DocumentType.PASSPORT,
        document_number="X1",
        reviewed_at=now,
        expires_at=now + timedelta(days=days),
    )


def custody_address_of_another_client() -> tuple[Customer, str]:
    """A deposit address in our custody: a customer of another client owns it."""
    other = client_create(name=f"payouts-other-{next_owner_id()}")
    customer = customer_create(client=other, external_ref="receiver", actor=ACTOR)
    address, _ = customer_deposit_address(customer=customer)
    return customer, address.address


@pytest.fixture
def custody_destination(db: None) -> str:
    return custody_address_of_another_client()[1]


def operator(name: str, *, approver: bool = True) -> User:
    user = User.objects.create_user(username=f"{name}-{next_owner_id()}", is_staff=True)
    if approver:
        user.user_permissions.add(Permission.objects.get(codename="approve_payout"))
    return User.objects.get(pk=user.pk)  # a fresh instance: no stale permission cache
