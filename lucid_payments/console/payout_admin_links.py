"""How a payout is shown in the admin, linked to everything around it: its outgoing
transaction (and through it the signed attempts), its ledger entries, its network cost,
its events and its audit trail; its status as a badge and its amounts with their asset.

These are display helpers for the payouts admin (``payouts/admin.py``) to use in its
``list_display`` / ``readonly_fields``; kept here so that the console owns how things
are linked while the payouts admin owns the approvals.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from lucid_payments.core.admin_display import amount_text, changelist_link, status_badge
from payouts.models import Payout

# The list's filters beyond status and asset: which client, and when.
PAYOUT_LIST_FILTERS = (
    ("client", admin.RelatedOnlyFieldListFilter),
    ("created_at", admin.DateFieldListFilter),
)
# Search by the payout's id, the client's reference, the destination or the txid.
PAYOUT_SEARCH_FIELDS = ("=public_id", "reference", "=destination", "=txid")


def payout_status_badge(payout: Payout) -> SafeString:
    return status_badge(payout.status, payout.get_status_display())


def payout_amount(payout: Payout) -> str:
    return amount_text(payout.amount, payout.asset)


def payout_fee(payout: Payout) -> str:
    return amount_text(payout.fee, payout.asset)


def payout_outgoing_link(payout: Payout) -> SafeString | str:
    """Its outgoing transaction's page (which lists the signed attempts), or a dash for
    a payout booked internally or not sent yet."""
    if payout.outgoing_id is None:
        return "—"
    url = reverse("admin:tron_outgoingtransaction_change", args=[payout.outgoing_id])
    return format_html('<a href="{}">{}</a>', url, payout.txid or payout.ledger_reference)


def payout_related(payout: Payout) -> SafeString:
    links = [
        changelist_link("tron.outgoingattempt", "signed attempts", q=payout.ledger_reference),
        changelist_link("wallets.journalentry", "ledger entries", q=payout.ledger_reference),
        changelist_link("events.event", "events", q=payout.public_id),
        changelist_link("core.auditevent", "audit trail", q=f"payouts.payout {payout.pk}"),
    ]
    if payout.txid:
        links.insert(1, changelist_link("wallets.transactionfee", "network cost", q=payout.txid))
    return format_html(" · ".join(["{}"] * len(links)), *links)
