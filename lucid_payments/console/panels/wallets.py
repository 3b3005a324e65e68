"""Hot, cold, fee and energy wallets as the node last reported them: balances, energy
and bandwidth available, staked TRX and pending unfreezes."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from lucid_payments.console.node_readings import node_reading_latest
from lucid_payments.core.admin_display import amount_text

# More than this many wallets (every client's hot and fee wallets) are summarised by kind.
MAX_ROWS = 40


def context(request: HttpRequest) -> dict[str, Any]:
    reading = node_reading_latest()
    wallets = reading.wallets if reading is not None else []
    rows = [
        {
            "kind": w["kind"],
            "label": w["label"] or w["address"],
            "client": w["client"] or "platform",
            "address": w["address"],
            "wallet_id": w["wallet_id"],
            "trx": amount_text(w["trx_sun"], "TRX"),
            "usdt": amount_text(w["usdt_units"], "USDT"),
            "staked": amount_text(w["staked_sun"] + w["delegated_out_sun"], "TRX"),
            "energy": f"{w['energy_available']:,} / {w['energy_limit']:,}",
            "bandwidth": f"{w['bandwidth_available']:,} / {w['bandwidth_limit']:,}",
            "unfreezing": (
                f"{amount_text(w['unfreezing_sun'], 'TRX')} ({w['unfreezing_count']})"
                if w["unfreezing_count"]
                else "—"
            ),
        }
        for w in wallets[:MAX_ROWS]
    ]
    return {"reading": reading, "rows": rows, "more": max(len(wallets) - MAX_ROWS, 0)}
