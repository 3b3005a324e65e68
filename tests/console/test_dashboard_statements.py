"""The dashboard's cost in SQL statements: a handful per panel, whatever the data holds.

A panel that loops over rows (a query per invoice, per reading, per day) shows here as a
count that grows with the data; ``python -m bench.admin`` measures the time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lucid_payments.console.models import NodeReading, ReconcileRun
from lucid_payments.console.roles import SUPPORT
from tests.console.conftest import make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.urls("lucid_payments.urls.admin")]

# Today's dashboard sends 23 (superuser) and 25 (support: permission checks); the bound
# leaves room for a few more panels, not for a query per row.
MAX_STATEMENTS = 40


def _statements(http: HttpClient) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert http.get("/admin/").status_code == 200
    return len(captured.captured_queries)


def _readings(count: int) -> None:
    now = timezone.now()
    NodeReading.objects.bulk_create(
        NodeReading(
            read_at=now - timedelta(minutes=5 * n),
            network="devnet",
            head_block=1_000 - n,
            solid_block=980 - n,
            error="" if n % 2 else "node timed out",
        )
        for n in range(count)
    )
    ReconcileRun.objects.bulk_create(
        ReconcileRun(
            finished_at=now - timedelta(minutes=5 * n),
            source="schedule",
            verdict=ReconcileRun.Verdict.AGREE,
        )
        for n in range(count)
    )


@pytest.mark.parametrize("superuser", [True, False], ids=["superuser", "support"])
def test_the_dashboard_sends_a_bounded_number_of_statements(superuser: bool) -> None:
    roles = () if superuser else (SUPPORT,)
    http = HttpClient()
    http.force_login(make_staff("op", *roles, superuser=superuser))
    _statements(http)  # warm: content types, permissions
    _readings(3)
    few = _statements(http)
    _readings(60)
    many = _statements(http)

    assert many == few
    assert many <= MAX_STATEMENTS
