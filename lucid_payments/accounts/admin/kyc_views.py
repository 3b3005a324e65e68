"""Admin views of the KYC queue: the approve / reject page and the document viewer.

Both run inside ``admin_site.admin_view`` (staff login, CSRF) and check the model
permissions themselves, since custom admin URLs get no permission check for free.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from lucid_payments.accounts.admin.kyc_forms import KycDecisionForm
from lucid_payments.accounts.kyc_services import kyc_approve, kyc_reject
from lucid_payments.accounts.models import KycApplication, KycDocument
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.errors import Conflict, Forbidden

if TYPE_CHECKING:
    from lucid_payments.accounts.admin.kyc import KycApplicationAdmin

REVIEW_PERMISSION = "accounts.review_kycapplication"

View = Callable[..., HttpResponseBase]


def kyc_decision_view(model_admin: KycApplicationAdmin, *, approve: bool) -> View:
    """GET: the application and a reason box. POST: decide, or show why not."""
    decide = kyc_approve if approve else kyc_reject
    verb = "approve" if approve else "reject"

    def view(request: HttpRequest, application_id: int) -> HttpResponse:
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        application = get_object_or_404(
            KycApplication.objects.select_related("customer__client"), pk=application_id
        )
        change_url = reverse("admin:accounts_kycapplication_change", args=[application.pk])
        form = KycDecisionForm(request.POST if request.method == "POST" else None)
        status = 200
        if request.method == "POST" and form.is_valid():
            try:
                decide(
                    application_id=application.pk,
                    operator=request.user,  # type: ignore[arg-type]
                    reason=form.cleaned_data["reason"],
                )
            except Forbidden as exc:  # four eyes
                form.add_error(None, exc.message)
                status = 403
            except Conflict as exc:  # decided meanwhile by someone else
                messages.error(request, exc.message)
                return HttpResponseRedirect(change_url)
            else:
                messages.success(request, f"KYC application #{application.pk}: {verb}d.")
                return HttpResponseRedirect(reverse("admin:accounts_kycapplication_changelist"))
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": KycApplication._meta,
            "application": application,
            "documents": application.documents.all(),
            "form": form,
            "verb": verb,
            "title": f"{verb.capitalize()} KYC application #{application.pk}",
            "change_url": change_url,
        }
        return TemplateResponse(
            request, "admin/accounts/kycapplication/decision.html", context, status=status
        )

    return view


def kyc_document_view(model_admin: KycApplicationAdmin) -> View:
    """Stream one document to a staff member allowed to view the application."""

    def view(request: HttpRequest, application_id: int, document_id: int) -> HttpResponseBase:
        document = get_object_or_404(
            KycDocument.objects.select_related("application__customer"),
            pk=document_id,
            application_id=application_id,
        )
        if not model_admin.has_view_permission(request, document.application):
            raise PermissionDenied
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("The document file is missing.") from exc
        audit_log(
            actor=AuditActor.operator(request.user),
            action="kyc.document_viewed",
            target=document.application,
            data={"document": document.pk, "kind": document.kind},
            client_id=document.application.customer.client_id,
        )
        response = FileResponse(handle, content_type=document.content_type)
        response["Content-Disposition"] = f'inline; filename="kyc-{document.pk}.{_ext(document)}"'
        # Identity documents are never cached. Images get a sandbox so that nothing served
        # from the admin's origin can run script; PDFs are left to the browser's viewer,
        # which a sandbox would block, and which runs no script in our origin.
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        if document.content_type != "application/pdf":
            response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
        return response

    return view


def _ext(document: KycDocument) -> str:
    name: Any = document.file.name or ""
    return str(name).rsplit(".", 1)[-1] if "." in str(name) else "bin"
