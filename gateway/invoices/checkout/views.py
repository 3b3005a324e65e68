"""The hosted checkout page (/pay/<id>) and its public JSON status (/pay/<id>/status).

Public: the invoice's random id is the only thing that opens them. The page works
without JavaScript (it then refreshes itself); with it, it polls the status and updates
in place. Its script and style are inline with the request's CSP nonce; it loads nothing
from anywhere (the QR code is inline SVG).
"""

from __future__ import annotations

from csp.constants import NONCE
from csp.decorators import csp_update
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gateway.invoices.checkout.presenter import checkout_state
from gateway.invoices.checkout.rate_limit import over_limit
from gateway.invoices.checkout.snapshot import checkout_invoice
from lucid_payments.core.errors import NotFound

POLL_SECONDS = 3
# Without JavaScript the page reloads itself this often while something can still change.
REFRESH_SECONDS = 10


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


# django-csp's decorator is typed for views without URL arguments; it passes them on.
@require_GET
@csp_update({"script-src": [NONCE], "style-src": [NONCE], "connect-src": ["'self'"]})  # type: ignore[arg-type]
def checkout_page(request: HttpRequest, invoice_id: str) -> HttpResponse:
    try:
        invoice = checkout_invoice(invoice_id)
    except NotFound:
        response = render(request, "invoices/checkout_not_found.html", status=404)
        response["Cache-Control"] = "no-store"
        return response
    state = checkout_state(invoice)
    context = {
        "state": state,
        "qr": invoice.qr_svg,
        "countdown": "{}:{:02d}".format(*divmod(state["seconds_left"], 60)),
        "poll_seconds": POLL_SECONDS,
        "refresh_seconds": REFRESH_SECONDS,
    }
    response = render(request, "invoices/checkout.html", context)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the id in the URL is the capability
    return response


@require_GET
def checkout_status(request: HttpRequest, invoice_id: str) -> HttpResponse:
    limited, retry_after = over_limit(request, invoice_id)
    if limited:
        response = _error(429, "throttled", _("Too many requests; try again shortly."))
        response["Retry-After"] = str(retry_after)
        return response
    try:
        invoice = checkout_invoice(invoice_id)
    except NotFound:
        return _error(404, "invoice_not_found", _("No such invoice."))
    response = JsonResponse(checkout_state(invoice))
    response["Cache-Control"] = "no-store"
    return response
