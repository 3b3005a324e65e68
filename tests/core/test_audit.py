from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@dataclass
class StandInApiKey:
    """The three attributes audit needs from accounts.ApiKey (owned by another app)."""

    pk: int
    client_id: int
    prefix: str


@pytest.fixture
def operator() -> User:
    return User.objects.create_user("alice", password="pw", is_staff=True)


def test_operator_action_on_an_object_is_recorded(operator: User) -> None:
    event = audit_log(
        actor=AuditActor.operator(operator),
        action="kyc.approved",
        target=operator,
        data={"reason": "documents match"},
        client_id=7,
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor_type == AuditEvent.ActorType.OPERATOR
    assert (stored.actor_id, stored.actor_label) == (str(operator.pk), "alice")
    assert stored.action == "kyc.approved"
    assert (stored.object_type, stored.object_id) == ("auth.user", str(operator.pk))
    assert stored.client_id == 7
    assert stored.data == {"reason": "documents match"}
    assert stored.created_at is not None


def test_api_key_actor_defaults_the_client_to_the_keys_client() -> None:
    key = StandInApiKey(pk=3, client_id=42, prefix="lp_live_ab12cd34")
    event = audit_log(actor=AuditActor.api_key(key), action="customer.created")
    assert (event.actor_type, event.actor_id, event.actor_label) == (
        "api_key",
        "3",
        "lp_live_ab12cd34",
    )
    assert event.client_id == 42
    assert (event.object_type, event.object_id, event.data) == ("", "", {})


def test_system_actor_is_named_by_its_job() -> None:
    event = audit_log(actor=AuditActor.system("kyc_expiry"), action="kyc.expired")
    assert (event.actor_type, event.actor_id, event.actor_label) == (
        "system",
        "kyc_expiry",
        "kyc_expiry",
    )
    assert event.client_id is None


def test_action_is_required() -> None:
    with pytest.raises(ValueError):
        audit_log(actor=AuditActor.system("x"), action="")
    assert not AuditEvent.objects.exists()


def _event() -> AuditEvent:
    return audit_log(actor=AuditActor.system("test"), action="thing.done", data={"n": 1})


def test_database_refuses_to_update_an_event_through_the_orm() -> None:
    event = _event()
    event.action = "thing.undone"
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        event.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(data={"n": 2})
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.action, stored.data) == ("thing.done", {"n": 1})


def test_database_refuses_to_delete_an_event_even_in_raw_sql() -> None:
    event = _event()
    with pytest.raises(IntegrityError), transaction.atomic():
        event.delete()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.fixture
def superuser_client(client: Client) -> Client:
    user = User.objects.create_superuser("root", password="pw")
    client.force_login(user)
    return client


def test_admin_lists_and_filters_and_searches_events(superuser_client: Client) -> None:
    audit_log(actor=AuditActor.system("sweeper"), action="wallet.swept")
    audit_log(actor=AuditActor.system("expirer"), action="kyc.expired")

    def shown_actions(query: str) -> set[str]:
        response = superuser_client.get(f"/admin/core/auditevent/{query}")
        assert response.status_code == 200
        return {event.action for event in response.context["cl"].result_list}

    assert shown_actions("") == {"wallet.swept", "kyc.expired"}
    assert shown_actions("?action=kyc.expired") == {"kyc.expired"}
    assert shown_actions("?actor_type__exact=system&q=sweeper") == {"wallet.swept"}
    assert shown_actions("?created_at__year=" + str(timezone.now().year)) == {
        "wallet.swept",
        "kyc.expired",
    }


def test_admin_is_read_only(superuser_client: Client) -> None:
    event = _event()
    url = f"/admin/core/auditevent/{event.pk}/change/"

    detail = superuser_client.get(url)
    assert detail.status_code == 200
    assert b"thing.done" in detail.content
    assert b'name="_save"' not in detail.content

    assert superuser_client.get("/admin/core/auditevent/add/").status_code == 403
    assert superuser_client.post(url, {"action": "edited"}).status_code == 403
    delete_url = f"/admin/core/auditevent/{event.pk}/delete/"
    assert superuser_client.post(delete_url, {"post": "yes"}).status_code == 403
    listing = superuser_client.get("/admin/core/auditevent/")
    assert b'value="delete_selected"' not in listing.content
    assert AuditEvent.objects.get(pk=event.pk).action == "thing.done"
