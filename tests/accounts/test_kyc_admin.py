"""The KYC review queue in the Django admin, driven through Django's test client."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as WebClient

from lucid_payments.accounts.kyc_services import kyc_record_operator_change
from lucid_payments.accounts.models import Client, Customer, KycApplication, KycDocument
from lucid_payments.core.models import AuditEvent
from tests.accounts.conftest import PNG_BYTES, make_operator
from tests.accounts.kyc_factories import attach_document, make_application

pytestmark = pytest.mark.django_db

QUEUE = "/admin/accounts/kycapplication/"


def _browser(user: User) -> WebClient:
    web = WebClient()
    web.force_login(user)
    return web


@pytest.fixture
def alice() -> User:
    return make_operator("alice")


@pytest.fixture
def bob() -> User:
    return make_operator("bob")


def _listed_ids(response: Any) -> set[int]:
    return {
        int(n)
        for n in re.findall(
            r'href="/admin/accounts/kycapplication/(\d+)/change/', response.content.decode()
        )
    }


def test_queue_filters_by_status_level_and_client_and_searches(
    customer: Customer, other_tenant: Client, bob: User
) -> None:
    basic = make_application(customer, last_name="Hopper")
    foreign = make_application(
        Customer.objects.create(client=other_tenant, external_ref="x"),
        level=KycApplication.Level.FULL,
        last_name="Lamarr",
    )
    web = _browser(bob)
    assert _listed_ids(web.get(QUEUE)) == {basic.pk, foreign.pk}
    assert _listed_ids(web.get(QUEUE, {"level__exact": "full"})) == {foreign.pk}
    assert _listed_ids(web.get(QUEUE, {"status__exact": "approved"})) == set()
    by_client = web.get(QUEUE, {"customer__client__id__exact": customer.client_id})
    assert _listed_ids(by_client) == {basic.pk}
    assert _listed_ids(web.get(QUEUE, {"q": "lamarr"})) == {foreign.pk}
    assert _listed_ids(web.get(QUEUE, {"q": "cust-1"})) == {basic.pk}


def test_document_is_streamed_to_staff_with_view_permission_only(
    customer: Customer, bob: User
) -> None:
    application = make_application(customer)
    document = attach_document(application)
    url = f"{QUEUE}{application.pk}/documents/{document.pk}/"

    response = _browser(bob).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="kyc.document_viewed", actor_label="bob").exists()

    anonymous = WebClient().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    outsider = User.objects.create_user("outsider", is_staff=True)  # staff, no KYC permission
    assert _browser(outsider).get(url).status_code == 403
    other = make_application(Customer.objects.create(client=customer.client, external_ref="o"))
    assert _browser(bob).get(f"{QUEUE}{other.pk}/documents/{document.pk}/").status_code == 404


def test_files_have_no_public_url(customer: Customer) -> None:
    document = attach_document(make_application(customer))
    with pytest.raises(NotImplementedError):
        document.file.url


def test_approve_page_refuses_the_author_and_accepts_another_operator(
    customer: Customer, alice: User, bob: User
) -> None:
    application = make_application(customer)
    kyc_record_operator_change(application=application, operator=alice, created=True)
    approve_url = f"{QUEUE}{application.pk}/approve/"

    refused = _browser(alice).post(approve_url, {"reason": "I typed it, it is right"})
    assert refused.status_code == 403
    assert "Four eyes" in refused.content.decode()
    application.refresh_from_db()
    assert application.status == KycApplication.Status.PENDING

    blank = _browser(bob).post(approve_url, {"reason": "   "})
    assert blank.status_code == 200 and "This field is required" in blank.content.decode()
    application.refresh_from_db()
    assert application.status == KycApplication.Status.PENDING

    accepted = _browser(bob).post(approve_url, {"reason": "passport verified"})
    assert accepted.status_code == 302
    application.refresh_from_db()
    assert application.status == KycApplication.Status.APPROVED and application.reviewer == bob
    event = AuditEvent.objects.get(action="kyc.approved")
    assert event.actor_label == "bob" and event.data["reason"] == "passport verified"


def test_reject_page_needs_the_review_permission(customer: Customer, bob: User) -> None:
    application = make_application(customer)
    clerk = make_operator("clerk", review=False)
    reject_url = f"{QUEUE}{application.pk}/reject/"
    assert _browser(clerk).post(reject_url, {"reason": "no"}).status_code == 403
    assert _browser(bob).post(reject_url, {"reason": "expired passport"}).status_code == 302
    application.refresh_from_db()
    assert application.status == KycApplication.Status.REJECTED
    assert application.reason == "expired passport"


def test_change_page_offers_decisions_only_to_reviewers_of_pending_applications(
    customer: Customer, alice: User, bob: User
) -> None:
    application = make_application(customer)
    change_url = f"{QUEUE}{application.pk}/change/"
    assert 'id="kyc-approve"' in _browser(bob).get(change_url).content.decode()
    clerk = make_operator("clerk", review=False)
    assert 'id="kyc-approve"' not in _browser(clerk).get(change_url).content.decode()

    _browser(bob).post(f"{QUEUE}{application.pk}/approve/", {"reason": "fine"})
    decided = _browser(bob).get(change_url).content.decode()
    assert 'id="kyc-approve"' not in decided
    # Decided applications are history: the change page is read-only.
    assert _browser(bob).post(change_url, {"first_name": "Mallory"}).status_code == 403


def _management_forms(page: str) -> dict[str, str]:
    """The inline formsets' hidden management inputs, as the browser would send them."""
    fields = re.findall(
        r'<input type="hidden" name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"'
        r' value="(\d*)"',
        page,
    )
    return dict(fields)


def _add_application(web: WebClient, customer: Customer, upload: SimpleUploadedFile) -> Any:
    page = web.get(f"{QUEUE}add/").content.decode()
    data: dict[str, Any] = {
        **_management_forms(page),
        "customer": str(customer.pk),
        "level": "basic",
        "first_name": "Katherine",
        "last_name": "Johnson",
        "date_of_birth": "1918-08-26",
        "country": "us",
        "document_type": "passport",
        "document_number": "K1",
        "documents-2-0-kind": "document_front",
        "documents-2-0-file": upload,
    }
    return web.post(f"{QUEUE}add/", data)


def test_operator_created_application_records_its_author(customer: Customer, alice: User) -> None:
    response = _add_application(
        _browser(alice), customer, SimpleUploadedFile("f.png", PNG_BYTES, "image/png")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = KycApplication.objects.get()
    assert application.created_by == alice and application.last_edited_by == alice
    assert application.country == "US"
    document = KycDocument.objects.get()
    assert document.content_type == "image/png" and document.size == len(PNG_BYTES)
    assert AuditEvent.objects.filter(action="kyc.created", actor_label="alice").exists()


def test_operator_upload_is_checked_like_an_api_upload(customer: Customer, alice: User) -> None:
    response = _add_application(
        _browser(alice), customer, SimpleUploadedFile("f.png", b"<script>", "image/png")
    )
    assert response.status_code == 200
    assert "content is not one of" in response.content.decode()
    assert not KycApplication.objects.exists() and not KycDocument.objects.exists()


def test_there_are_no_bulk_decisions_or_deletes(customer: Customer, bob: User) -> None:
    make_application(customer)
    page = _browser(bob).get(QUEUE).content.decode()
    assert 'name="action"' not in page


def test_a_second_pending_application_is_a_form_error_not_a_crash(
    customer: Customer, alice: User
) -> None:
    make_application(customer)
    response = _add_application(
        _browser(alice), customer, SimpleUploadedFile("f.png", PNG_BYTES, "image/png")
    )
    assert response.status_code == 200
    assert "already has a pending application" in response.content.decode()
    assert KycApplication.objects.count() == 1
