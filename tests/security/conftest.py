"""Fixtures of the security tests: the devnet, a fixed master key, and tenants."""

from tests.security.tenants import tenants  # noqa: F401 - fixture
from tests.wallets.conftest import devnet, test_master_key  # noqa: F401 - fixtures
