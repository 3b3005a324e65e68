"""Operator roles: Django groups with the permissions that the admin's actions check.

A role lists permissions as ``app_label.codename``; ``app_label.view_*`` means every view
permission of that app. Permissions that do not exist (an app not installed yet, such as
``payouts`` before it lands) are skipped and granted by the next ``migrate`` that finds
them. The groups are created by a data migration and re-asserted after every migrate
and flush (``post_migrate``); a role's permissions are exactly its list, so a change here
reaches every database on the next deploy.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as installed_apps
from django.apps.registry import Apps

# Disabling a client and revoking its API keys stay with superusers: they cut a tenant off.
KYC_REVIEWER = "KYC reviewer"
PAYOUT_APPROVER = "Payout approver"
TREASURY = "Treasury"
SUPPORT = "Support (read-only)"

# Apps whose records an operator may look at. The keystore's models are left out of
# support's view on purpose: metadata only, but nobody outside treasury needs it.
VIEWABLE_APPS = (
    "accounts",
    "core",
    "tron",
    "events",
    "wallets",
    "gateway",
    "invoices",
    "usdt",
    "staking",
    "payouts",
    "sweeps",
    "console",
    "django_q",
)
KEYSTORE = ("wallets.view_sealedsecret", "wallets.view_platformseed")

ROLES: dict[str, tuple[str, ...]] = {
    KYC_REVIEWER: (
        "accounts.view_*",
        "accounts.add_kycapplication",
        "accounts.change_kycapplication",
        "accounts.add_kycdocument",
        "accounts.review_kycapplication",
        "core.view_auditevent",
    ),
    PAYOUT_APPROVER: (
        "payouts.view_*",
        "payouts.approve_payout",
        "accounts.view_client",
        "accounts.view_customer",
        "tron.view_*",
        "wallets.view_ledgeraccount",
        "wallets.view_journalentry",
        "wallets.view_hold",
        "events.view_event",
        "core.view_auditevent",
    ),
    TREASURY: (
        "wallets.view_*",
        "usdt.view_*",
        "staking.view_*",
        "tron.view_*",
        "invoices.view_*",
        "console.view_*",
        "accounts.view_client",
        "core.view_auditevent",
        "console.operate_energy_wallet",
        "console.export_accounting",
        "console.mark_invoice",
        "console.redeliver_webhook",
        "gateway.view_webhookdelivery",
        "gateway.view_webhookendpoint",
        # Refilling a short hot wallet is treasury's: it sees the payouts that wait for it.
        "payouts.view_*",
        "sweeps.view_*",
        "sweeps.add_sweepsettings",
        "sweeps.change_sweepsettings",
        "sweeps.change_sweepaddress",
        "console.retry_sweep",
    ),
    SUPPORT: tuple(f"{app}.view_*" for app in VIEWABLE_APPS),
}
# Held back from support: see VIEWABLE_APPS.
EXCLUDED: dict[str, tuple[str, ...]] = {SUPPORT: KEYSTORE}


def _permission_ids(
    permission_model: Any, patterns: tuple[str, ...], excluded: set[str]
) -> set[int]:
    ids: set[int] = set()
    for pattern in patterns:
        app_label, codename = pattern.split(".", 1)
        rows = permission_model.objects.filter(content_type__app_label=app_label)
        if codename.endswith("*"):
            rows = rows.filter(codename__startswith=codename[:-1])
        else:
            rows = rows.filter(codename=codename)
        for pk, code in rows.values_list("pk", "codename"):
            if f"{app_label}.{code}" not in excluded:
                ids.add(pk)
    return ids


def roles_ensure(*, apps: Apps | None = None, using: str = "default", **_: Any) -> None:
    """Create each role's group and give it exactly its permissions (those that exist).

    ``post_migrate`` receiver and data-migration body; ``apps`` is the migration state's
    registry when called from one."""
    from django.contrib.auth.management import create_permissions

    apps = apps or installed_apps
    try:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
    except LookupError:
        return
    # post_migrate reaches this receiver before Django's own for the apps after this one
    # (and a flush has just emptied auth_permission): create every app's permissions
    # first, as Django would a moment later, so that none is missed.
    # It takes the installed app (for its models module) and reads the models of ``apps``.
    for app_config in installed_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
    for name, patterns in ROLES.items():
        group = group_model.objects.using(using).get_or_create(name=name)[0]
        ids = _permission_ids(permission_model, patterns, set(EXCLUDED.get(name, ())))
        group.permissions.set(ids)
