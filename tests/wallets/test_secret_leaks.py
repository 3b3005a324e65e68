"""No secret appears in the database unencrypted, in logs, or in any API response.

A known private key is imported, an HD seed is generated and used (wallets, customer
deposit addresses, signing), every wallet-manager endpoint is called; then every row of
every table, every captured log record and every response body is searched for the key
material as raw bytes, hex (both cases) and base64, and for the mnemonic.
"""

from __future__ import annotations

import base64
import io
import logging
import sys

import pytest
from django.core.management import call_command
from django.db import connection

from lucid_payments.accounts.models import Customer
from lucid_payments.core.money import Asset
from lucid_payments.tron.signing import signer_for
from tests.wallets.conftest import TEST_MASTER_KEY
from wallets.hd import derive
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit
from wallets.models.wallets import WalletAddress
from wallets.services import platform_mnemonic

pytestmark = [pytest.mark.django_db, pytest.mark.devnet]

KNOWN_KEY = bytes.fromhex("c4a1d5e2b7f80916a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912")


def _forms(secret: bytes) -> list[bytes]:
    """The ways a secret could be written down."""
    return [
        secret,
        secret.hex().encode(),
        secret.hex().upper().encode(),
        base64.b64encode(secret),
        base64.urlsafe_b64encode(secret),
        base64.b64encode(secret).rstrip(b"="),
    ]


def _database_dump() -> tuple[bytes, list[bytes]]:
    """Every row of every table as text, and every bytea value as raw bytes."""
    text_parts: list[bytes] = []
    binary_parts: list[bytes] = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        for table in tables:
            cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')
            text_parts.extend(row.encode() for (row,) in cursor.fetchall())
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = %s AND data_type = 'bytea'",
                [table],
            )
            for (column,) in cursor.fetchall():
                cursor.execute(f'SELECT "{column}" FROM "{table}"')
                binary_parts.extend(bytes(v) for (v,) in cursor.fetchall() if v is not None)
    return b"\n".join(text_parts), binary_parts


def test_no_secret_in_the_database_logs_or_api_responses(
    devnet, wallets_api, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    tenant, api = wallets_api
    responses: list[bytes] = []

    def record(response) -> dict:
        responses.append(response.content)
        return response.json() if response.content else {}

    # An imported hot key (through the command, from stdin).
    monkeypatch.setattr(sys, "stdin", io.StringIO(KNOWN_KEY.hex()))
    command_output = io.StringIO()
    call_command("import_hot_wallet_key", "--label", "legacy", stdout=command_output)
    imported_address = command_output.getvalue().split()[-1]
    signer_for(imported_address).sign(b"\x22" * 32)

    # HD wallets, addresses, a customer deposit address, every endpoint.
    hot = record(api.post("/api/v1/wallets", {"kind": "hot"}, format="json"))
    deposit = record(api.post("/api/v1/wallets", {"kind": "deposit"}, format="json"))
    record(api.post(f"/api/v1/wallets/{deposit['id']}/addresses", {}, format="json"))
    record(api.get("/api/v1/wallets"))
    detail = record(api.get(f"/api/v1/wallets/{hot['id']}"))
    assert detail["chain"] is not None  # the on-chain view was really read
    customer = Customer.objects.create(client=tenant, external_ref="leak-check")
    record(api.post(f"/api/v1/customers/{customer.pk}/deposit-address"))
    ledger_credit(owner=LedgerOwner.client(tenant.pk), asset=Asset.TRX, amount=5, reference="f")
    record(
        api.post(
            f"/api/v1/wallets/{hot['id']}/transfers",
            {"to": imported_address, "amount": {"amount": "0.000001", "asset": "TRX"}},
            format="json",
            HTTP_IDEMPOTENCY_KEY="leak-1",
        )
    )
    record(api.get("/api/v1/balances"))
    record(api.get(f"/api/v1/balances?customer={customer.pk}"))
    record(api.get("/api/v1/ledger/entries"))
    signer_for(hot["address"]).sign(b"\x33" * 32)

    # What must never appear: the imported key, the mnemonic, every derived key, the
    # master key.
    mnemonic = platform_mnemonic().reveal()
    secrets = [KNOWN_KEY, mnemonic, base64.b64decode(TEST_MASTER_KEY)]
    for address in WalletAddress.objects.exclude(index=None).select_related("wallet"):
        derived = derive(
            platform_mnemonic(), account=address.wallet.hd_account, index=address.index
        )
        secrets.append(derived.private_key.reveal())
    forbidden = [form for secret in secrets for form in _forms(secret)]
    forbidden.append(" ".join(mnemonic.decode().split()[:4]).encode())  # part of the phrase

    dump_text, dump_binary = _database_dump()
    logs = "\n".join(
        f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    ).encode()
    places = {
        "database": dump_text,
        "logs": logs,
        "api": b"\n".join(responses),
        "command output": command_output.getvalue().encode(),
    }
    assert dump_text and responses
    for name, haystack in places.items():
        for form in forbidden:
            assert form not in haystack, f"secret material found in {name}"
    for value in dump_binary:
        for form in forbidden:
            assert form not in value, "secret material found in a binary column"
