"""What needs a human: counts of things waiting for an operator, each linking to the list
that shows them. Other apps add rows with ``attention_register`` (payouts awaiting
approval, failed sweeps, …)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone


@dataclass(frozen=True)
class AttentionItem:
    key: str
    label: str
    count: Callable[[], int]
    url: Callable[[], str]  # the filtered admin list; called only when shown
    permission: str | None = None
    order: int = 100


_ITEMS: dict[str, AttentionItem] = {}


def attention_register(item: AttentionItem) -> None:
    _ITEMS[item.key] = item


def context(request: HttpRequest) -> dict[str, Any]:
    rows = []
    for item in sorted(_ITEMS.values(), key=lambda i: (i.order, i.key)):
        if item.permission is not None and not request.user.has_perm(item.permission):
            continue
        count = item.count()
        rows.append({"key": item.key, "label": item.label, "count": count, "url": item.url()})
    return {"rows": rows}


def _kyc_pending() -> int:
    from lucid_payments.accounts.models import KycApplication

    return KycApplication.objects.filter(status=KycApplication.Status.PENDING).count()


def _webhooks_failed() -> int:
    from gateway.webhooks.models import DeliveryStatus, WebhookDelivery

    return WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).count()


def _tasks_failed() -> int:
    from django_q.models import Failure

    return Failure.objects.filter(stopped__gte=timezone.now() - timedelta(days=1)).count()


def _outgoing_failed() -> int:
    from lucid_payments.tron.selectors import outgoing_failed_count_since

    return outgoing_failed_count_since(since=timezone.now() - timedelta(days=1))


def url_to(name: str, query: str = "") -> Callable[[], str]:
    """The admin list ``name`` filtered by ``query``, resolved when the row is shown."""
    return lambda: reverse(name) + (f"?{query}" if query else "")


def register_builtin_items() -> None:
    attention_register(
        AttentionItem(
            "kyc_pending",
            "KYC applications pending review",
            _kyc_pending,
            url_to("admin:accounts_kycapplication_changelist", "status__exact=pending"),
            "accounts.view_kycapplication",
            10,
        )
    )
    attention_register(
        AttentionItem(
            "webhooks_failed",
            "Webhook deliveries failed",
            _webhooks_failed,
            url_to("admin:gateway_webhookdelivery_changelist", "status__exact=failed"),
            "gateway.view_webhookdelivery",
            50,
        )
    )
    attention_register(
        AttentionItem(
            "outgoing_failed",
            "Our transactions failed (24 h)",
            _outgoing_failed,
            url_to("admin:tron_outgoingtransaction_changelist", "status__exact=failed"),
            "tron.view_outgoingtransaction",
            60,
        )
    )
    attention_register(
        AttentionItem(
            "tasks_failed",
            "Background tasks failed (24 h)",
            _tasks_failed,
            url_to("admin:django_q_failure_changelist"),
            "django_q.view_failure",
            70,
        )
    )
