"""How the admin shows money, statuses and links between records.

Amounts always carry their asset (``12.5 USDT``), never bare base units; statuses are
labelled badges whose colour says whether someone should look; links go to the other
record's admin page. The badge colours live in the console's stylesheet.
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from lucid_payments.core.money import format_amount

TXID_PATTERN = re.compile(r"[0-9a-fA-F]{64}")

# Status values by tone; anything else is neutral.
GOOD = {"paid", "final", "delivered", "confirmed", "approved", "active", "agree", "settled", "done"}
BAD = {
    "failed",
    "invalid",
    "rejected",
    "dropped",
    "differ",
    "expired",
    "blocked",
    "revoked",
}
WAITING = {
    "pending",
    "processing",
    "seen",
    "new",
    "broadcast",
    "signed",
    "held",
    "queued",
    "inconclusive",
}


def amount_text(units: int | None, asset: str) -> str:
    """``12_500_000, "USDT"`` → ``"12.5 USDT"``; None → an em dash."""
    if units is None:
        return "—"
    return f"{format_amount(int(units), asset)} {asset}"


def sun_text(units: int | None) -> str:
    return amount_text(units, "TRX")


def tone(value: str) -> str:
    if value in GOOD:
        return "good"
    if value in BAD:
        return "bad"
    if value in WAITING:
        return "waiting"
    return "neutral"


def status_badge(value: str, label: str | None = None) -> SafeString:
    return format_html(
        '<span class="badge badge-{}" data-status="{}">{}</span>',
        tone(value),
        value,
        label or value.replace("_", " "),
    )


def admin_link(obj: Any, text: object | None = None) -> SafeString | str:
    """A link to ``obj``'s admin change page, or its text when it has none."""
    if obj is None:
        return "—"
    meta = obj._meta
    try:
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return str(text if text is not None else obj)
    return format_html('<a href="{}">{}</a>', url, text if text is not None else obj)


def changelist_link(model: Any, text: str, **filters: object) -> SafeString:
    """A link to ``model``'s admin list filtered by ``filters`` (``q`` searches). ``model``
    is the class or ``"app_label.modelname"`` (for an app whose models stay behind its
    boundary)."""
    label = model if isinstance(model, str) else model._meta.label_lower
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    query = urlencode({key: str(value) for key, value in filters.items()})
    return format_html('<a href="{}?{}">{}</a>', url, query, text)


def lower_txids(search_term: str) -> str:
    """Txids are stored lower-case and searched by exact match (indexed); people paste
    them from explorers in either case. Base58 addresses are case-sensitive: left alone."""
    return " ".join(
        word.lower() if TXID_PATTERN.fullmatch(word) else word for word in search_term.split()
    )
