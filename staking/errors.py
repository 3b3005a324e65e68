"""Why the chain would refuse a staking operation, as a 422 with a code of its own.

Messages are java-tron's own where the chain has one, so a client who knows TRON sees
the refusal it expects; the code says which rule it broke.
"""

from __future__ import annotations

from lucid_payments.core.errors import Unprocessable


class StakingRefused(Unprocessable):
    default_code = "staking_refused"
