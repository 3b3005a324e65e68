"""Run as a process by test_energy_repair: plan and record the energy of a USDT send from
the hot wallet given as argv[1] to argv[2], drive the delegation into a block, print
"delegated" and hang, as a worker does before its send. The test kills it with SIGKILL."""

from __future__ import annotations

import sys
import time

import django

django.setup()

import httpx  # noqa: E402 - after django.setup()
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from lucid_payments.tron.outgoing.steps import outgoing_process  # noqa: E402
from usdt.energy.plan import energy_plan_for_usdt_send  # noqa: E402
from usdt.energy.policy import energy_for_usdt_send  # noqa: E402


def main() -> None:
    sender, to = sys.argv[1], sys.argv[2]
    plan = energy_plan_for_usdt_send(sender=sender, to=to, amount=1_000_000)
    with transaction.atomic():
        delegation = energy_for_usdt_send(plan=plan, purpose="crash-test:1")
    assert delegation is not None and delegation.delegate_outgoing_id is not None
    outgoing_process(delegation.delegate_outgoing_id)
    httpx.post(f"{settings.TRON_NODE_URL}/devnet/mine", json={"blocks": 1}, timeout=10)
    outgoing_process(delegation.delegate_outgoing_id)  # in a block: "delegated"
    print("delegated", flush=True)
    while True:  # the send would go now; we are killed first
        time.sleep(1)


if __name__ == "__main__":
    main()
