"""Small builders for wallets tests (real services, real database)."""

from __future__ import annotations

from itertools import count

from lucid_payments.accounts.models import Client, Customer

_numbers = count(1)


def make_client(name: str | None = None) -> Client:
    return Client.objects.create(name=name or f"client-{next(_numbers)}")


def make_customer(client: Client, ref: str | None = None) -> Customer:
    return Customer.objects.create(client=client, external_ref=ref or f"cust-{next(_numbers)}")
