"""Clients and API keys in the admin. A key's secret is shown once, on the page that
answers its creation, and never stored; afterwards only its prefix identifies it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.safestring import SafeString

from lucid_payments.accounts.client_status import client_set_active
from lucid_payments.accounts.models import ApiKey, Client
from lucid_payments.accounts.scopes import ALL_SCOPES, Scope
from lucid_payments.accounts.services import api_key_create, api_key_revoke, client_create
from lucid_payments.core.admin_display import status_badge
from lucid_payments.core.admin_mixins import ListedOnlyInline
from lucid_payments.core.admin_reasons import reasoned_action
from lucid_payments.core.audit import AuditActor, audit_log

DISABLE_CLIENT_PERMISSION = "console.disable_client"
REVOKE_API_KEY_PERMISSION = "console.revoke_api_key"


class ApiKeyInline(ListedOnlyInline):
    model = ApiKey
    fields = ("prefix", "name", "scopes", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "state", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    # Disabling goes through the action (with a reason), not a checkbox.
    readonly_fields = ("is_active", "created_at")
    inlines = [ApiKeyInline]
    actions = ["disable_selected", "enable_selected"]

    def has_disable_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(DISABLE_CLIENT_PERMISSION))

    @admin.display(description="state", ordering="is_active")
    def state(self, client: Client) -> SafeString:
        return (
            status_badge("active", "active")
            if client.is_active
            else status_badge("blocked", "disabled")
        )

    @admin.action(description="Disable selected clients (with a reason)…", permissions=["disable"])
    def disable_selected(self, request: HttpRequest, queryset: QuerySet[Client]) -> Any:
        return self._set_active(request, queryset, active=False, verb="Disable")

    @admin.action(description="Enable selected clients (with a reason)…", permissions=["disable"])
    def enable_selected(self, request: HttpRequest, queryset: QuerySet[Client]) -> Any:
        return self._set_active(request, queryset, active=True, verb="Enable")

    def _set_active(
        self, request: HttpRequest, queryset: QuerySet[Client], *, active: bool, verb: str
    ) -> Any:
        actor = AuditActor.operator(request.user)
        return reasoned_action(
            self,
            request,
            queryset,
            verb=f"{verb} clients",
            apply=lambda client, reason: client_set_active(
                client_id=client.pk, active=active, reason=reason, actor=actor
            ),
        )

    def save_model(self, request: HttpRequest, obj: Client, form: Any, change: bool) -> None:
        actor = AuditActor.operator(request.user)
        if not change:
            created = client_create(name=obj.name, actor=actor)
            obj.pk, obj.created_at = created.pk, created.created_at
            if not obj.is_active:
                Client.objects.filter(pk=obj.pk).update(is_active=False)
            return
        super().save_model(request, obj, form, change)
        audit_log(
            actor=actor,
            action="client.updated",
            target=obj,
            data={"changed": list(form.changed_data), "is_active": obj.is_active},
            client_id=obj.pk,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # tenants own money and history; deactivate instead


class ApiKeyCreateForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(ALL_SCOPES),
        help_text="Service areas this key may call.",
    )

    class Meta:
        model = ApiKey
        fields = ("client", "name", "scopes")


class RevokedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active"), ("revoked", "Revoked")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "client", "scope_list", "created_at", "last_used_at", "state")
    list_filter = (RevokedFilter, "client")
    search_fields = ("prefix", "name", "client__name")
    actions = ["revoke_selected"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(REVOKE_API_KEY_PERMISSION))

    # key_hash is deliberately absent everywhere: it is no secret, but nobody needs it.
    readonly_fields = ("client", "prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    fields = ("client", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at")

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = ApiKeyCreateForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("client", "name", "scopes") if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    @admin.display(description="state")
    def state(self, obj: ApiKey) -> str:
        return "revoked" if obj.is_revoked else "active"

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        actor = AuditActor.operator(request.user)
        if change:
            super().save_model(request, obj, form, change)
            if form.changed_data:
                audit_log(
                    actor=actor,
                    action="api_key.renamed",
                    target=obj,
                    data={"name": obj.name},
                    client_id=obj.client_id,
                )
            return
        created, plaintext = api_key_create(
            client=form.cleaned_data["client"],
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            actor=actor,
        )
        obj.pk, obj.prefix, obj.created_at = created.pk, created.prefix, created.created_at
        # Kept on the request only, for response_add; never in the session or a message.
        request.new_api_key_plaintext = plaintext  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: Any = None
    ) -> HttpResponse:
        plaintext = getattr(request, "new_api_key_plaintext", None)
        if plaintext is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "api_key": obj,
            "plaintext": plaintext,
            "title": "API key created",
        }
        response = TemplateResponse(request, "admin/accounts/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke selected API keys (with a reason)…", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> Any:
        actor = AuditActor.operator(request.user)
        return reasoned_action(
            self,
            request,
            queryset,
            verb="Revoke API keys",
            apply=lambda api_key, reason: api_key_revoke(
                api_key=api_key, actor=actor, reason=reason
            ),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the row explains past audit entries
