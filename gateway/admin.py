"""Admin: webhook endpoints (secrets never shown; enable/disable and description editable,
audited) and deliveries with their attempts (failed ones are the operator's alert), with a
redeliver action. Every change goes through the services, which audit it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from gateway.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookSecret
from gateway.webhooks.services import delivery_redeliver, endpoint_delete, endpoint_update
from lucid_payments.core.admin_display import status_badge
from lucid_payments.core.admin_mixins import ListedOnlyInline, ReadOnlyAdmin
from lucid_payments.core.audit import AuditActor

ENDPOINT_FIELDS: tuple[str, ...] = (
    "public_id",
    "client",
    "url",
    "events",
    "description",
    "enabled",
    "disabled_reason",
    "failing_since",
    "created_at",
    "updated_at",
)
EDITABLE_ENDPOINT_FIELDS = ("enabled", "description")


class WebhookSecretInline(ListedOnlyInline):
    """When each secret was made and until when it signs; never the secret itself."""

    model = WebhookSecret
    fields = ("created_at", "expires_at")
    readonly_fields = fields

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "client", "url", "enabled", "disabled_reason", "created_at"]
    list_filter = ["enabled", "disabled_reason"]
    search_fields = ["=public_id", "url"]
    list_select_related = ["client"]
    fields = ENDPOINT_FIELDS
    readonly_fields = tuple(f for f in ENDPOINT_FIELDS if f not in EDITABLE_ENDPOINT_FIELDS)
    inlines = [WebhookSecretInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("gateway.change_webhookendpoint"))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("gateway.delete_webhookendpoint"))

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        """Through the service: the row is locked, re-read and the change audited."""
        endpoint_update(
            endpoint=obj,
            actor=AuditActor.operator(request.user),
            enabled=form.cleaned_data["enabled"],
            description=form.cleaned_data["description"],
        )

    def delete_model(self, request: HttpRequest, obj: WebhookEndpoint) -> None:
        endpoint_delete(endpoint=obj, actor=AuditActor.operator(request.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            endpoint_delete(endpoint=endpoint, actor=AuditActor.operator(request.user))


class WebhookAttemptInline(ListedOnlyInline):
    model = WebhookAttempt
    fields = ("started_at", "status_code", "latency_ms", "succeeded", "response_excerpt", "error")
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "public_id",
        "event_type",
        "endpoint",
        "status_badge",
        "round_attempts",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    list_filter = ["status", "event_type", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["=public_id", "=event__public_id", "=endpoint__public_id"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    fields = (
        "public_id",
        "endpoint",
        "event",
        "event_type",
        "status",
        "round_attempts",
        "next_attempt_at",
        "claimed_until",
        "delivered_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_redeliver_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("console.redeliver_webhook"))

    @admin.display(description="status", ordering="status")
    def status_badge(self, delivery: WebhookDelivery) -> SafeString:
        return status_badge(delivery.status, delivery.get_status_display())

    @admin.action(
        description="Redeliver (same webhook-id, new retry schedule)", permissions=["redeliver"]
    )
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        actor = AuditActor.operator(request.user)
        count = 0
        for delivery in queryset:
            delivery_redeliver(delivery=delivery, actor=actor)
            count += 1
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)
