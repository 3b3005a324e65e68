"""The roles' groups exist with the permissions their actions check, and support holds
no permission that changes anything."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from lucid_payments.console.roles import KYC_REVIEWER, PAYOUT_APPROVER, SUPPORT, TREASURY

pytestmark = pytest.mark.django_db


def _codes(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


def test_each_role_has_what_its_actions_check() -> None:
    assert "accounts.review_kycapplication" in _codes(KYC_REVIEWER)
    assert {
        "console.operate_energy_wallet",
        "console.export_accounting",
        "console.mark_invoice",
        "console.redeliver_webhook",
    } <= _codes(TREASURY)
    assert {"tron.view_outgoingtransaction", "payouts.approve_payout"} <= _codes(PAYOUT_APPROVER)
    assert {"sweeps.view_sweep", "console.retry_sweep"} <= _codes(TREASURY)


def test_support_only_looks() -> None:
    codes = _codes(SUPPORT)
    assert "invoices.view_invoice" in codes and "tron.view_chaintransfer" in codes
    assert {"payouts.view_payout", "sweeps.view_sweep", "sweeps.view_sweepaddress"} <= codes
    assert all(code.split(".")[1].startswith("view_") for code in codes)
    assert "wallets.view_sealedsecret" not in codes
