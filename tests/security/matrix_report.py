"""The cross-tenant matrix as a table at the end of the run's output (path, method, status
for the other client, and the owner's own status for reads), whatever the capture mode."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

MATRIX_ROWS = pytest.StashKey[list["MatrixRow"]]()


@dataclass(frozen=True)
class MatrixRow:
    service: str
    method: str
    path: str
    kind: str
    status: int
    owner_status: int | None
    verdict: str


def matrix_record(config: pytest.Config, row: MatrixRow) -> None:
    config.stash.setdefault(MATRIX_ROWS, []).append(row)


def matrix_summary(terminalreporter: pytest.TerminalReporter) -> None:
    rows = terminalreporter.config.stash.get(MATRIX_ROWS, [])
    if not rows:
        return
    terminalreporter.section("cross-tenant matrix (another client's key, first tenant's ids)")
    width = max(len(row.path) for row in rows)
    terminalreporter.write_line(
        f"{'service':<16} {'method':<7} {'path':<{width}} {'kind':<12} other owner verdict"
    )
    for row in rows:
        owner = "-" if row.owner_status is None else str(row.owner_status)
        terminalreporter.write_line(
            f"{row.service:<16} {row.method:<7} {row.path:<{width}} {row.kind:<12} "
            f"{row.status:<5} {owner:<5} {row.verdict}"
        )
