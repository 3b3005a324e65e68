"""The dashboard's panels: each one a small selector and a template fragment.

A panel is registered once (an AppConfig's ``ready()``) and rendered on the admin's index
in ``order``, for the staff users who hold its ``permission`` (None: every staff user)::

    panel_register(Panel(
        key="payouts",
        title="Payouts",
        template="console/panels/payouts.html",
        context=payouts_panel,          # (request) -> dict for the template
        order=35,
        permission="payouts.view_payout",
    ))

The "needs a human" panel takes rows the same way (``attention_register``), and the
30-day panel takes series (``daily_series_register``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from lucid_payments.console.panels.attention import (
    AttentionItem,
    attention_register,
)
from lucid_payments.console.panels.daily import DailySeries, daily_series_register


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any]]
    order: int = 100
    permission: str | None = None


_PANELS: dict[str, Panel] = {}


def panel_register(panel: Panel) -> None:
    """Add (or replace, by key) a panel."""
    _PANELS[panel.key] = panel


def panels_for(request: HttpRequest) -> list[tuple[Panel, dict[str, Any]]]:
    """The panels ``request.user`` may see, in order, each with its computed context."""
    visible = [
        panel
        for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key))
        if panel.permission is None or request.user.has_perm(panel.permission)
    ]
    return [(panel, panel.context(request)) for panel in visible]


def _t(name: str) -> str:
    return f"console/panels/{name}.html"


def register_builtin_panels() -> None:
    from lucid_payments.console.panels import (
        attention,
        chain,
        custody,
        daily,
        payouts,
        sweeps,
        wallets,
    )

    runs, readings = "console.view_reconcilerun", "console.view_nodereading"
    for panel in (
        Panel("custody", "Custody: ledger and chain", _t("custody"), custody.context, 10, runs),
        Panel("attention", "Needs a human", _t("attention"), attention.context, 20),
        Panel("wallets", "Platform wallets", _t("wallets"), wallets.context, 30, readings),
        Panel("chain", "Chain health", _t("chain"), chain.context, 40, readings),
        Panel("daily", "Last 30 days", _t("daily"), daily.context, 50),
    ):
        panel_register(panel)
    attention.register_builtin_items()
    daily.register_builtin_series()
    payouts.register()
    sweeps.register()


__all__ = [
    "AttentionItem",
    "DailySeries",
    "Panel",
    "attention_register",
    "daily_series_register",
    "panel_register",
    "panels_for",
]
