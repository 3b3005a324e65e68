"""One shared output serializer renders each body exactly as a fresh one would, and
nothing of one body leaks into the next."""

from __future__ import annotations

from datetime import UTC, datetime

from lucid_payments.core.representation import represent
from payouts.api.serializers import PayoutOutput, payout_body
from payouts.models import Payout


def _payout(n: int, **fields: object) -> Payout:
    values: dict[str, object] = {
        "public_id": f"po_{n}",
        "client_id": 1,
        "customer_id": n,
        "network": "devnet",
        "destination": "TF8h2RjdwccAqJ6WEXPKfpP4TWpAyh7GWV",
        "asset": "TRX",
        "amount": 1_000_000 + n,
        "fee": n,
        "reference": f"ref-{n}",
        "metadata": {"n": n},
        "funding": "client",
        "route": "v0",
        "status": "queued",
        "approvals_required": 0,
        "network_cost_estimate_sun": None,
        "created_at": datetime(2026, 12, 7, 5, n, tzinfo=UTC),
        **fields,
    }
    return Payout(**values)


def test_a_shared_renderer_answers_what_a_fresh_serializer_answers() -> None:
    bodies = [
        payout_body(_payout(1), approvals=0),
        payout_body(
            _payout(2, status="failed", failure_code="x", network_cost_estimate_sun=268_000),
            approvals=0,
        ),
        payout_body(
            _payout(3, asset="USDT", confirmed_at=datetime(2026, 12, 8, tzinfo=UTC)), approvals=0
        ),
    ]
    for body in bodies + bodies:  # again, after the others: nothing carried over
        assert represent(PayoutOutput, body) == dict(PayoutOutput(body).data)
    assert represent(PayoutOutput, bodies[0]) != represent(PayoutOutput, bodies[1])
