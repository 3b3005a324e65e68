"""How API keys appear in every service's OpenAPI document.

drf-spectacular cannot guess a security scheme for our own authentication class and warns
(which ``spectacular --fail-on-warn`` turns into a failure). This extension declares it as
an HTTP bearer scheme. It is registered by being imported, from ``CoreConfig.ready``; the
target is named by its dotted path so that importing this module does not import the
accounts app before the app registry is ready.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

API_KEY_DESCRIPTION = (
    "An API key of your client, sent as `Authorization: Bearer <key>`. A key reads "
    "`lp_live_<8 hex>_<43 url-safe chars>` on mainnet deployments and "
    "`lp_test_<8 hex>_<43 url-safe chars>` on every other network; the first 16 characters "
    "are its public prefix. A key is shown once, when it is created, and carries scopes "
    "(one per service area): a request outside the key's scopes is 403, a missing, unknown "
    "or revoked key is 401."
)


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "lucid_payments.accounts.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "lp_live|lp_test API key",
            "description": API_KEY_DESCRIPTION,
        }
