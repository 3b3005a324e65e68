"""The KYC review queue.

Operators filter and search pending applications, open the documents (streamed by a staff
view, never a public URL) and approve or reject each one on its own page with a mandatory
reason. There are deliberately no bulk actions: every decision is looked at and explained.
Whoever created or last edited an application cannot approve it (four eyes, enforced in
``kyc_approve``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from lucid_payments.accounts.admin.kyc_forms import KycApplicationForm, KycDocumentUploadForm
from lucid_payments.accounts.admin.kyc_views import kyc_decision_view, kyc_document_view
from lucid_payments.accounts.kyc_services import kyc_record_operator_change
from lucid_payments.accounts.models import KycApplication, KycDocument

REVIEW_PERMISSION = "accounts.review_kycapplication"


def _pending(obj: KycApplication | None) -> bool:
    return obj is None or obj.status == KycApplication.Status.PENDING


class KycDocumentListInline(admin.TabularInline):
    """The stored documents, each with a link to the staff-only viewer."""

    model = KycDocument
    fields = ("kind", "content_type", "size", "uploaded_at", "view_link")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "documents"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="document")
    def view_link(self, document: KycDocument) -> SafeString:
        url = reverse(
            "admin:accounts_kycapplication_document",
            args=[document.application_id, document.pk],
        )
        return format_html(
            '<a class="kyc-document-link" href="{}" target="_blank" rel="noopener">view</a>', url
        )


class KycDocumentUploadInline(admin.TabularInline):
    """Blank rows to add documents while the application is pending."""

    model = KycDocument
    form = KycDocumentUploadForm
    fields = ("kind", "file")
    extra = 1
    can_delete = False
    verbose_name_plural = "add documents"

    def get_queryset(self, request: HttpRequest) -> QuerySet[KycDocument]:
        return super().get_queryset(request).none()  # existing ones are listed above

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _pending(obj) and super().has_add_permission(request, obj)


class ClientFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = "client"


@admin.register(KycApplication)
class KycApplicationAdmin(admin.ModelAdmin):
    form = KycApplicationForm
    change_form_template = "admin/accounts/kycapplication/change_form.html"
    list_display = (
        "id",
        "applicant",
        "customer",
        "client",
        "level",
        "status",
        "submitted_at",
        "created_by",
        "last_edited_by",
        "reviewer",
        "expires_at",
    )
    list_display_links = ("id", "applicant")
    list_filter = ("status", "level", ("customer__client", ClientFilter))
    search_fields = (
        "first_name",
        "last_name",
        "document_number",
        "customer__external_ref",
        "customer__email",
        "customer__client__name",
    )
    ordering = ("submitted_at",)
    list_select_related = ("customer__client", "created_by", "last_edited_by", "reviewer")
    autocomplete_fields = ()
    raw_id_fields = ("customer",)
    actions = None  # no bulk decisions: each one is reviewed and gets its own reason
    decision_fields = (
        "status",
        "submitted_at",
        "created_by",
        "last_edited_by",
        "reviewer",
        "reason",
        "reviewed_at",
        "expires_at",
    )
    fieldsets = (
        (
            "Applicant",
            {
                "fields": (
                    "customer",
                    "level",
                    ("first_name", "last_name"),
                    "date_of_birth",
                    "country",
                    ("document_type", "document_number"),
                )
            },
        ),
        ("Review", {"fields": decision_fields}),
    )
    inlines = [KycDocumentListInline, KycDocumentUploadInline]

    @admin.display(description="applicant", ordering="last_name")
    def applicant(self, obj: KycApplication) -> str:
        return f"{obj.first_name} {obj.last_name}"

    @admin.display(description="client", ordering="customer__client__name")
    def client(self, obj: KycApplication) -> str:
        return str(obj.customer.client)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Status and decision data change only through approve / reject.
        return self.decision_fields

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return self.fieldsets[:1]
        return self.fieldsets

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A decided application is history: it can be viewed, not edited.
        return _pending(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        touched = form.has_changed() or any(formset.has_changed() for formset in formsets)
        if touched or not change:
            kyc_record_operator_change(
                application=form.instance,
                operator=request.user,  # type: ignore[arg-type]
                created=not change,
            )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        application = self.get_object(request, object_id)
        can_review = request.user.has_perm(REVIEW_PERMISSION)
        context = {
            **(extra_context or {}),
            "can_decide": application is not None and _pending(application) and can_review,
            "four_eyes_note": _four_eyes_note(application, request),
            "document_summary": _document_summary(application),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        own = [
            path(
                "<int:application_id>/approve/",
                wrap(kyc_decision_view(self, approve=True)),
                name="accounts_kycapplication_approve",
            ),
            path(
                "<int:application_id>/reject/",
                wrap(kyc_decision_view(self, approve=False)),
                name="accounts_kycapplication_reject",
            ),
            path(
                "<int:application_id>/documents/<int:document_id>/",
                wrap(kyc_document_view(self)),
                name="accounts_kycapplication_document",
            ),
        ]
        return own + super().get_urls()


def _four_eyes_note(application: KycApplication | None, request: HttpRequest) -> str:
    if application is None or not _pending(application):
        return ""
    if request.user.pk in {application.created_by_id, application.last_edited_by_id}:
        return "You created or last edited this application: another operator must approve it."
    return ""


def _document_summary(application: KycApplication | None) -> SafeString:
    if application is None:
        return SafeString("")
    return format_html_join(
        ", ",
        "{} ({})",
        ((d.get_kind_display(), d.content_type) for d in application.documents.all()),
    )
