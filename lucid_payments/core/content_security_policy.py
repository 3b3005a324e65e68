"""Content-Security-Policy on every response of every process (django-csp underneath).

Two policies, picked by what the response is:

- an HTML page (the admin, the API docs at /api/docs/) gets ``settings.
  CONTENT_SECURITY_POLICY``: scripts, styles, fonts, images and requests from our own
  origin only, no inline script or style, no plugins, and no framing;
- anything else (the JSON API, the OpenAPI document, metrics, static files) renders
  nothing a browser should run, so it gets ``CONTENT_SECURITY_POLICY_NOT_HTML``:
  ``default-src 'none'`` and no framing. A JSON error page opened in a browser can then
  neither run nor load anything, whatever an attacker managed to reflect into it.

A view that needs its own policy (the hosted checkout page: its nonce'd scripts, a QR
image) says so with django-csp's decorators, which win over both defaults::

    from csp.constants import NONCE, SELF
    from csp.decorators import csp_update

    @csp_update({"script-src": [NONCE], "img-src": [SELF, "data:"]})
    def checkout(request): ...   # templates use {{ request.csp_nonce }}

(``csp_override`` replaces the page policy instead of extending it.)
"""

from __future__ import annotations

from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase


def _is_html(response: HttpResponseBase) -> bool:
    content_type = str(response.get("Content-Type", ""))
    return content_type.split(";", 1)[0].strip().lower() == "text/html"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the strict policy for everything that is not HTML."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts: PolicyParts = super().get_policy_parts(request, response, report_only)
        chose_its_own = parts.config is not None or parts.update or parts.replace
        if not report_only and not chose_its_own and not _is_html(response):
            not_html: dict[str, Any] = settings.CONTENT_SECURITY_POLICY_NOT_HTML
            parts.config = dict(not_html)
        return parts
