"""The outgoing transitions' retry: only a deadlock or serialization failure runs again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import OperationalError

from lucid_payments.tron.outgoing.lock_retry import run_retrying_lock_conflicts


class _Sqlstate(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _failing(sqlstate: str, *, times: int, calls: list[int]) -> Callable[[], str]:
    def run() -> str:
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError(sqlstate) from _Sqlstate(sqlstate)
        return "done"

    return run


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])
def test_a_lock_conflict_runs_again_after_a_jittered_pause(sqlstate: str) -> None:
    calls: list[int] = []
    pauses: list[float] = []

    result = run_retrying_lock_conflicts(
        _failing(sqlstate, times=2, calls=calls), sleep=pauses.append, jitter=lambda: 0.5
    )

    assert result == "done" and len(calls) == 3
    assert pauses == [0.01, 0.02]


def test_the_retries_are_bounded() -> None:
    calls: list[int] = []
    with pytest.raises(OperationalError):
        run_retrying_lock_conflicts(
            _failing("40P01", times=99, calls=calls), attempts=3, sleep=lambda _: None
        )
    assert len(calls) == 3


def test_other_database_errors_are_not_retried() -> None:
    calls: list[int] = []
    with pytest.raises(OperationalError):
        run_retrying_lock_conflicts(_failing("08006", times=1, calls=calls), sleep=lambda _: None)
    assert len(calls) == 1
