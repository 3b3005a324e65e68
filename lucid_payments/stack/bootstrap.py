"""Development credentials for ``make up``: an operator for the admin, a demo client and
a fresh API key for it. Never in production: there, operators and keys are created on
purpose with ``createsuperuser``, ``create_client`` and ``create_api_key``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured

DEV_ADMIN_USERNAME = "admin"
DEV_ADMIN_PASSWORD = "admin"
DEMO_CLIENT_NAME = "Demo client"
DEV_KEY_NAME = "development key (make up)"


@dataclass(frozen=True)
class DevAdmin:
    username: str
    # None when the operator changed the password since we created the account.
    password: str | None


@dataclass(frozen=True)
class DemoApiKey:
    client_name: str
    key: str | None
    # Why there is no key, when there is none.
    note: str | None = None


def _refuse_in_production() -> None:
    if settings.PRODUCTION:
        raise ImproperlyConfigured(
            "Development credentials are never created in production (LUCID_ENV=production)."
        )


def ensure_dev_admin() -> DevAdmin:
    """Create the development superuser once; later runs leave a changed password alone."""
    _refuse_in_production()
    user_model = get_user_model()
    user = user_model.objects.filter(username=DEV_ADMIN_USERNAME).first()
    if user is None:
        user_model.objects.create_superuser(
            username=DEV_ADMIN_USERNAME, email="admin@localhost", password=DEV_ADMIN_PASSWORD
        )
        return DevAdmin(DEV_ADMIN_USERNAME, DEV_ADMIN_PASSWORD)
    known = user.check_password(DEV_ADMIN_PASSWORD)
    return DevAdmin(DEV_ADMIN_USERNAME, DEV_ADMIN_PASSWORD if known else None)


def issue_demo_api_key() -> DemoApiKey:
    """A new key with every scope for the demo client (created on first use).

    A key's secret is stored only as a hash, so every run issues a fresh one; earlier
    development keys stay valid so that a demo app configured with one keeps working.
    """
    _refuse_in_production()
    try:
        from lucid_payments.accounts.models import Client
        from lucid_payments.accounts.services import api_key_create, client_create
        from lucid_payments.core.audit import AuditActor
    except ImportError as exc:
        return DemoApiKey(DEMO_CLIENT_NAME, None, note=f"accounts services unavailable ({exc})")
    actor = AuditActor.system("make up")
    client = Client.objects.filter(name=DEMO_CLIENT_NAME).first()
    if client is None:
        client = client_create(name=DEMO_CLIENT_NAME, actor=actor)
    _api_key, plaintext = api_key_create(client=client, name=DEV_KEY_NAME, actor=actor)
    return DemoApiKey(DEMO_CLIENT_NAME, plaintext)
