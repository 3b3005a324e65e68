"""Accounting exports: streamed CSV from the admin and from ``manage.py export``, for a
range of days and one client; refused to operators without the permission."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from django.test import Client as WebClient
from django.utils import timezone

from lucid_payments.accounts.services import client_create
from lucid_payments.console.roles import SUPPORT, TREASURY
from lucid_payments.core.models import AuditEvent
from lucid_payments.core.money import Asset
from tests.console.conftest import make_staff
from wallets.ledger.owners import LedgerOwner
from wallets.ledger.services import ledger_credit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.admin")]
EXPORTS = "/admin/console/exports/"


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def two_tenants() -> tuple[int, int]:
    ours, theirs = client_create(name="ours"), client_create(name="theirs")
    ledger_credit(
        owner=LedgerOwner.client(ours.pk), asset=Asset.USDT, amount=12_500_000, reference="t-1"
    )
    ledger_credit(owner=LedgerOwner.client(theirs.pk), asset=Asset.TRX, amount=1, reference="t-2")
    return ours.pk, theirs.pk


def test_the_ledger_of_one_client_streams_as_decimal_amounts(two_tenants: tuple[int, int]) -> None:
    ours, _ = two_tenants
    web = WebClient()
    web.force_login(make_staff("tess", TREASURY))
    today = timezone.now().date().isoformat()

    response = web.get(EXPORTS, {"export": "ledger", "start": today, "end": today, "client": ours})

    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv"
    rows = _rows(b"".join(response.streaming_content).decode())  # type: ignore[arg-type]
    assert [(r["reference"], r["owner_type"], r["asset"], r["amount"]) for r in rows] == [
        ("t-1", "client", "USDT", "12.5")
    ]
    audit = AuditEvent.objects.get(action="console.exported")
    assert audit.actor_label == "tess" and audit.client_id == ours


def test_a_range_before_the_entries_is_just_the_header(two_tenants: tuple[int, int]) -> None:
    web = WebClient()
    web.force_login(make_staff("tess", TREASURY))
    day = (timezone.now() - timedelta(days=3)).date().isoformat()
    response = web.get(EXPORTS, {"export": "ledger", "start": day, "end": day})
    assert _rows(b"".join(response.streaming_content).decode()) == []  # type: ignore[arg-type]


def test_bad_input_changes_nothing_and_support_may_not_export() -> None:
    web = WebClient()
    web.force_login(make_staff("tess", TREASURY))
    page = web.get(EXPORTS, {"export": "ledger", "start": "2026-02-01", "end": "2026-01-01"})
    assert page.status_code == 200 and "The last day is before the first." in page.content.decode()
    page = web.get(EXPORTS, {"export": "ledger", "start": "9999-12-01", "end": "9999-12-31"})
    assert page.status_code == 200 and "must be before 9999-12-31" in page.content.decode()
    with pytest.raises(CommandError, match="before 9999-12-31"):
        call_command("export", "ledger", "--start", "9999-12-01", "--end", "9999-12-31")

    support = WebClient()
    support.force_login(make_staff("sue", SUPPORT))
    assert support.get(EXPORTS).status_code == 403
    assert not AuditEvent.objects.filter(action="console.exported").exists()


def test_the_command_writes_a_file_with_progress(
    two_tenants: tuple[int, int], tmp_path: Path
) -> None:
    today = timezone.now().date().isoformat()
    target = tmp_path / "ledger.csv"
    err = io.StringIO()

    call_command(
        "export", "ledger", "--start", today, "--end", today, "--output", str(target), stderr=err
    )

    rows = _rows(target.read_text())
    assert sorted(r["reference"] for r in rows) == ["t-1", "t-1", "t-2", "t-2"]  # both legs
    assert "Wrote 4 rows" in err.getvalue()
