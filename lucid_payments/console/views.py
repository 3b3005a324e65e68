"""The console's own admin pages: the accounting export form and its streamed CSV.

Run inside ``admin_site.admin_view`` (staff login, CSRF); the permission is checked here,
since custom admin URLs get none for free.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse

from lucid_payments.console.export_forms import ExportForm
from lucid_payments.console.exports import export_get, export_rows
from lucid_payments.console.exports.csv_stream import csv_lines
from lucid_payments.core.audit import AuditActor, audit_log

EXPORT_PERMISSION = "console.export_accounting"


def exports_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """GET: the form. GET with the form's fields: the CSV, streamed."""
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    form = ExportForm(request.GET if "export" in request.GET else None)
    if form.is_bound and form.is_valid():
        export = export_get(form.cleaned_data["export"])
        span = form.export_range()
        with transaction.atomic():
            audit_log(
                actor=AuditActor.operator(request.user),
                action="console.exported",
                data={
                    "export": export.name,
                    "start": span.start.isoformat(),
                    "end": span.end.isoformat(),
                },
                client_id=span.client_id,
            )
        client = f"-client{span.client_id}" if span.client_id else ""
        filename = (
            f"{export.name}{client}-{span.start:%Y%m%d}-{form.cleaned_data['end']:%Y%m%d}.csv"
        )
        response = StreamingHttpResponse(
            csv_lines(export.header, export_rows(export, span)), content_type="text/csv"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    context = {
        **admin.site.each_context(request),
        "title": "Accounting exports",
        "form": form,
    }
    return TemplateResponse(request, "admin/console/exports.html", context)
