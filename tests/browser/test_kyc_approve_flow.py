"""The KYC approve flow in a real headless Chromium against a live admin server.

Operator A creates and edits an application, so four eyes refuses A's approval; operator
B approves it with a reason. The database and the audit log must show exactly that.

Uses Debian's Chromium (``apt-get install chromium``); nothing is downloaded. Without it
the test skips and says why.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from lucid_payments.accounts.models import Customer, KycApplication
from lucid_payments.accounts.services import client_create
from lucid_payments.core.models import AuditEvent
from tests.accounts.conftest import PNG_BYTES, make_operator
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.urls("lucid_payments.urls.admin")]


def test_author_is_refused_and_a_second_operator_approves(
    browser: Any, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    alice, bob = make_operator("alice"), make_operator("bob")
    customer = Customer.objects.create(client=client_create(name="shop"), external_ref="c-1")
    passport = tmp_path / "passport.png"
    passport.write_bytes(PNG_BYTES)

    # Operator A types an application in, with a scanned passport.
    page = log_in(browser, live_server.url, alice)
    page.goto("/admin/accounts/kycapplication/add/")
    page.fill("#id_customer", str(customer.pk))
    page.select_option("#id_level", "basic")
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Lovelace")
    page.fill("#id_date_of_birth", "1990-12-10")
    page.fill("#id_country", "GB")
    page.select_option("#id_document_type", "passport")
    page.fill("#id_document_number", "P123")
    page.select_option("select[name='documents-2-0-kind']", "document_front")
    page.set_input_files("input[name='documents-2-0-file']", str(passport))
    page.click("input[name='_save']")
    page.wait_for_selector(".messagelist .success")
    application = KycApplication.objects.get(customer=customer)
    assert application.created_by == alice

    # ... then corrects it.
    page.goto(f"/admin/accounts/kycapplication/{application.pk}/change/")
    assert page.locator("#kyc-four-eyes-note").is_visible()
    page.fill("#id_document_number", "P1234567")
    page.click("input[name='_save']")
    page.wait_for_selector(".messagelist .success")

    # A's own approval is refused.
    page.goto(f"/admin/accounts/kycapplication/{application.pk}/change/")
    page.click("#kyc-approve")
    page.fill("#id_reason", "I checked it myself")
    page.click("#kyc-decision-submit")
    assert "Four eyes" in page.inner_text("#kyc-decision-error")
    application.refresh_from_db()
    assert application.status == KycApplication.Status.PENDING

    # Operator B finds it in the queue, looks at the document and approves with a reason.
    page = log_in(browser, live_server.url, bob)
    page.goto("/admin/accounts/kycapplication/?status__exact=pending")
    page.click(f"a[href*='/kycapplication/{application.pk}/change/']")
    document_link = page.locator("a.kyc-document-link").first
    document = page.request.get(document_link.get_attribute("href"))
    assert document.status == 200 and document.body() == PNG_BYTES
    page.click("#kyc-approve")
    page.click("#kyc-decision-submit")  # without a reason the browser does not submit
    assert page.eval_on_selector("#id_reason", "field => !field.checkValidity()")
    application.refresh_from_db()
    assert application.status == KycApplication.Status.PENDING
    page.fill("#id_reason", "Passport matches the applicant")
    page.click("#kyc-decision-submit")
    page.wait_for_selector(".messagelist .success")

    application.refresh_from_db()
    assert application.status == KycApplication.Status.APPROVED
    assert application.reviewer == bob
    assert (application.created_by, application.last_edited_by) == (alice, alice)
    assert application.document_number == "P1234567"
    assert application.reason == "Passport matches the applicant"
    assert application.expires_at is not None and application.reviewed_at is not None

    trail = list(
        AuditEvent.objects.filter(object_id=str(application.pk), action__startswith="kyc.")
        .order_by("id")
        .values_list("action", "actor_label")
    )
    assert trail == [
        ("kyc.created", "alice"),
        ("kyc.edited", "alice"),
        ("kyc.approval_refused", "alice"),
        ("kyc.document_viewed", "bob"),
        ("kyc.approved", "bob"),
    ]
    approved = AuditEvent.objects.get(action="kyc.approved", object_id=str(application.pk))
    assert approved.data["reason"] == "Passport matches the applicant"
    assert approved.client_id == customer.client_id
    assert os.listdir(tmp_path / "media" / "kyc-documents")  # the file landed privately
