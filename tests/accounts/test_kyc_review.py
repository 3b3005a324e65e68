from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from lucid_payments.accounts.kyc_services import (
    kyc_approve,
    kyc_expire_due,
    kyc_record_operator_change,
    kyc_reject,
)
from lucid_payments.accounts.models import Customer, KycApplication
from lucid_payments.accounts.selectors import customer_is_kyc_verified
from lucid_payments.core.errors import Conflict, Forbidden, InvalidInput
from lucid_payments.core.models import AuditEvent
from tests.accounts.conftest import make_operator
from tests.accounts.kyc_factories import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice() -> User:
    return make_operator("alice")


@pytest.fixture
def bob() -> User:
    return make_operator("bob")


def test_approval_sets_reviewer_expiry_and_is_audited(customer: Customer, bob: User) -> None:
    application = make_application(customer)
    now = timezone.now()
    approved = kyc_approve(
        application_id=application.pk, operator=bob, reason="documents match", now=now
    )
    assert approved.status == KycApplication.Status.APPROVED
    assert approved.reviewer == bob and approved.reason == "documents match"
    assert approved.reviewed_at == now
    assert approved.expires_at == now + timedelta(days=365)
    event = AuditEvent.objects.get(action="kyc.approved", object_id=str(application.pk))
    assert event.actor_type == "operator" and event.actor_label == "bob"
    assert event.client_id == customer.client_id
    assert event.data["reason"] == "documents match"


def test_the_operator_who_created_an_application_cannot_approve_it(
    customer: Customer, alice: User, bob: User
) -> None:
    application = make_application(customer)
    kyc_record_operator_change(application=application, operator=alice, created=True)
    with pytest.raises(Forbidden) as refused:
        kyc_approve(application_id=application.pk, operator=alice, reason="looks fine")
    assert refused.value.code == "four_eyes"
    application.refresh_from_db()
    assert application.status == KycApplication.Status.PENDING and application.reviewer is None
    assert AuditEvent.objects.filter(action="kyc.approval_refused", actor_label="alice").exists()
    assert not AuditEvent.objects.filter(action="kyc.approved").exists()

    kyc_approve(application_id=application.pk, operator=bob, reason="checked")
    application.refresh_from_db()
    assert application.status == KycApplication.Status.APPROVED


def test_the_operator_who_last_edited_cannot_approve_but_the_creator_still_cannot_either(
    customer: Customer, alice: User, bob: User
) -> None:
    carol = make_operator("carol")
    application = make_application(customer)
    kyc_record_operator_change(application=application, operator=alice, created=True)
    kyc_record_operator_change(application=application, operator=bob, created=False)
    for author in (alice, bob):
        with pytest.raises(Forbidden):
            kyc_approve(application_id=application.pk, operator=author, reason="ok")
    kyc_approve(application_id=application.pk, operator=carol, reason="ok")
    assert AuditEvent.objects.filter(action="kyc.edited", actor_label="bob").exists()


def test_a_decision_needs_a_reason(customer: Customer, bob: User) -> None:
    application = make_application(customer)
    for decide in (kyc_approve, kyc_reject):
        with pytest.raises(InvalidInput) as missing:
            decide(application_id=application.pk, operator=bob, reason="   ")
        assert missing.value.code == "reason_required"
    application.refresh_from_db()
    assert application.status == KycApplication.Status.PENDING
    assert not AuditEvent.objects.filter(action__in=["kyc.approved", "kyc.rejected"]).exists()


def test_the_creator_may_reject_and_a_decided_application_cannot_be_decided_again(
    customer: Customer, alice: User, bob: User
) -> None:
    application = make_application(customer)
    kyc_record_operator_change(application=application, operator=alice, created=True)
    kyc_reject(application_id=application.pk, operator=alice, reason="blurred photo")
    application.refresh_from_db()
    assert application.status == KycApplication.Status.REJECTED
    assert AuditEvent.objects.filter(action="kyc.rejected", actor_label="alice").exists()
    with pytest.raises(Conflict):
        kyc_approve(application_id=application.pk, operator=bob, reason="too late")


def test_verification_ends_at_the_expiry_time(customer: Customer, bob: User) -> None:
    application = make_application(customer)
    approved_at = timezone.now() - timedelta(days=10)
    kyc_approve(application_id=application.pk, operator=bob, reason="ok", now=approved_at)
    expires_at = approved_at + timedelta(days=365)
    assert customer_is_kyc_verified(customer=customer, now=expires_at - timedelta(seconds=1))
    assert not customer_is_kyc_verified(customer=customer, now=expires_at)


def test_expiry_sweep_marks_expired_once_and_audits_once(customer: Customer, bob: User) -> None:
    application = make_application(customer)
    approved_at = timezone.now() - timedelta(days=400)
    kyc_approve(application_id=application.pk, operator=bob, reason="ok", now=approved_at)
    fresh = make_application(Customer.objects.create(client=customer.client, external_ref="c2"))
    kyc_approve(application_id=fresh.pk, operator=bob, reason="ok")

    assert kyc_expire_due() == 1
    assert kyc_expire_due() == 0  # safe to run twice
    application.refresh_from_db()
    fresh.refresh_from_db()
    assert application.status == KycApplication.Status.EXPIRED
    assert fresh.status == KycApplication.Status.APPROVED
    events = AuditEvent.objects.filter(action="kyc.expired")
    assert [(e.object_id, e.actor_type) for e in events] == [(str(application.pk), "system")]


def test_database_allows_one_pending_application_per_customer(customer: Customer) -> None:
    make_application(customer)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_application(customer)


def test_database_refuses_an_approval_without_expiry(customer: Customer) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_application(customer, status=KycApplication.Status.APPROVED)


def test_the_expiry_sweep_is_scheduled_hourly_after_migrate() -> None:
    from django_q.models import Schedule

    from lucid_payments.accounts.schedules import KYC_EXPIRY_SCHEDULE, SCHEDULES
    from lucid_payments.core.schedules import schedules_ensure

    schedules_ensure(SCHEDULES)  # migrate runs it each time: it must not add a second row
    schedule = Schedule.objects.get(name=KYC_EXPIRY_SCHEDULE)
    assert schedule.func == "lucid_payments.accounts.tasks.kyc_expire_due_task"
    assert schedule.schedule_type == Schedule.HOURLY


def test_the_expiry_task_runs_the_sweep(customer: Customer, bob: User) -> None:
    from lucid_payments.accounts.tasks import kyc_expire_due_task

    application = make_application(customer)
    long_ago = timezone.now() - timedelta(days=400)
    kyc_approve(application_id=application.pk, operator=bob, reason="ok", now=long_ago)
    assert kyc_expire_due_task() == 1
