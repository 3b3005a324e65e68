"""The soak with faults in its short form: one minute of the random workload on the whole
stack while the node drops, busies, 503s and forks and the worker and the scanner are
killed; the summary's invariants must hold (bench/soak)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.soak.run import WORKLOAD_SERVICES, SoakOptions, soak_run
from lucid_payments.localdb.errors import LocalPostgresError
from lucid_payments.localdb.resolve import local_database_url
from tests.deploy.support import database_url

pytestmark = [pytest.mark.devnet, pytest.mark.heavy(minutes=3), pytest.mark.timeout(900)]

SEED = 20261206


@pytest.fixture
def database_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PostgreSQL server of the soak's own where one can be started here.

    Events are listed only once every older write transaction of the server has ended,
    and the suite's other workers run tests that hold one transaction for minutes (the
    payout fault matrix): on a shared server the soak would wait for them, not for its
    stack. Without local server binaries (``DATABASE_URL`` only), the suite's server."""
    try:
        url = urlsplit(local_database_url(tmp_path_factory.mktemp("soak-pg")))
    except LocalPostgresError:
        return database_url("postgres")
    return urlunsplit(url._replace(path="/postgres"))


def test_a_minute_of_faults_loses_no_money_sends_nothing_twice_and_delivers_every_event(
    tmp_path: Path, database_server: str
) -> None:
    options = SoakOptions(
        minutes=1,
        seed=SEED,
        database_server=database_server,
        workdir=tmp_path,
        services=WORKLOAD_SERVICES,
        settle_timeout_s=300,
    )
    summary = soak_run(options, report=print)

    assert summary["settled"], summary
    assert summary["reconcile_ok"] and summary["ledger_verify_ok"], summary
    assert summary["sent_twice"] == [] and summary["outgoing_unlike_chain"] == [], summary
    assert summary["invoices_wrong"] == [] and summary["deposits_wrong"] == [], summary
    assert summary["events"] > 0 and summary["events_unacknowledged"] == 0, summary
    assert summary["webhook_unverified"] == 0, summary
    # The faults really happened: every kind at least once, and the killed came back.
    assert set(summary["faults"]) >= {"fork", "kill_worker", "kill_scanner"}, summary
    assert summary["restarts"].get("worker", 0) >= 1, summary
    # Payouts on both routes and in a batch went out and were counted on chain.
    assert {"payout_v0", "payout_kyc", "batch_payout"} <= set(summary["outgoing"]), summary
    assert summary["ok"], summary
