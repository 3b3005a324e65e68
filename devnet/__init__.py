"""A local TRON-compatible node (what Anvil is to Ethereum) for development and tests.

See devnet/README.md. `TOKEN_ADDRESS` is the USDT-shaped TRC20 token every devnet deploys at
genesis; it does not depend on the seed.
"""

TOKEN_ADDRESS = "TMEMwVQtet1e4Bm36woZYtS1HRvYyFtwES"

__all__ = ["TOKEN_ADDRESS"]
