"""Admin actions that need a reason: an intermediate page asks for it, then the action
runs per object through its service (which audits who, when and why).

    @admin.action(description="Mark paid…", permissions=["mark"])
    def mark_paid(self, request, queryset):
        return reasoned_action(self, request, queryset, verb="Mark paid",
                               apply=lambda obj, reason: invoice_mark(...))

Errors a service raises for one object (``ApplicationError``) are reported per object;
the others still run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from lucid_payments.core.errors import ApplicationError


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        strip=True,
        help_text="Required. Recorded with the change in the audit log.",
    )


def reasoned_action(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    verb: str,
    apply: Callable[[Any, str], object],
) -> TemplateResponse | None:
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for obj in queryset:
            try:
                apply(obj, form.cleaned_data["reason"])
            except ApplicationError as exc:
                model_admin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            model_admin.message_user(request, f"{verb}: {done} done.", messages.SUCCESS)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{verb}: why?",
        "verb": verb,
        "objects": list(queryset),
        "form": form,
        "opts": model_admin.model._meta,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/reasoned_action.html", context)
