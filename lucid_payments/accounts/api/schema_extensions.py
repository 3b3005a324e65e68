"""Teaches drf-spectacular how our API key authentication looks in OpenAPI.

Imported by ``AccountsConfig.ready`` so that every process's schema (and ``manage.py check``,
which warns about unknown authenticators) knows it.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "lucid_payments.accounts.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "lp_live_… / lp_test_… API key",
            "description": "`Authorization: Bearer <API key>`. Keys are created by operators "
            "(admin or `manage.py create_api_key`) and scoped per service area.",
        }
