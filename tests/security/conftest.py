"""Fixtures of the security tests: the devnet, a fixed master key, and tenants."""

import pytest

from tests.security.matrix_report import matrix_summary
from tests.security.tenants import tenants  # noqa: F401 - fixture
from tests.wallets.conftest import devnet, test_master_key  # noqa: F401 - fixtures


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    matrix_summary(terminalreporter)
