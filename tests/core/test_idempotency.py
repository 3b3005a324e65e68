"""IdempotentMixin against the real PostgreSQL, through tiny test-only views.

The views record each real execution as an AuditEvent, so "how many times did the work
run" is a row count. Authentication is a stand-in for accounts' ApiKey: the mixin only
needs ``request.auth.client_id``.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.urls import path
from django.utils import timezone
from django_q.models import Schedule
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from lucid_payments.core import tasks
from lucid_payments.core.audit import AuditActor, audit_log
from lucid_payments.core.idempotency import (
    IdempotentMixin,
    idempotency_effect,
    request_fingerprint,
)
from lucid_payments.core.models import AuditEvent, IdempotencyRecord
from lucid_payments.core.schedules import PURGE_IDEMPOTENCY_FUNC, SCHEDULES, schedules_ensure

# --- test-only views ----------------------------------------------------------------------


@dataclass(frozen=True)
class StandInKey:
    client_id: int


class StandInUser:
    is_authenticated = True


class StandInKeyAuthentication(BaseAuthentication):
    """``X-Test-Client: 5`` authenticates as a key of client 5."""

    def authenticate(self, request: Request) -> tuple[StandInUser, StandInKey] | None:
        client = request.headers.get("X-Test-Client")
        return (StandInUser(), StandInKey(client_id=int(client))) if client else None

    def authenticate_header(self, request: Request) -> str:
        return "Test"


class NoteInput(serializers.Serializer[Any]):
    note = serializers.CharField()
    status = serializers.IntegerField(default=201)


class _TestView(IdempotentMixin, APIView):
    authentication_classes = [StandInKeyAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes: list[Any] = []

    def work(self, request: Request) -> Response:
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        event = audit_log(
            actor=AuditActor.system("test"),
            action="test.executed",
            data={"note": data.validated_data["note"], "path": request.path},
        )
        body = {"id": event.pk, "note": data.validated_data["note"], "at": event.created_at}
        response = Response(body, status=data.validated_data["status"])
        response["Location"] = f"/things/{event.pk}"
        return response


class NoteView(_TestView):
    def post(self, request: Request) -> Response:
        return self.work(request)

    def get(self, request: Request) -> Response:
        return Response({"count": AuditEvent.objects.count()})


class OptionalKeyView(NoteView):
    idempotency_required = False


class CrashingView(_TestView):
    def post(self, request: Request) -> Response:
        self.work(request)
        raise RuntimeError("a bug")


class BlockingView(_TestView):
    """Holds the key until the test sets ``release``."""

    started = threading.Event()
    release = threading.Event()

    def post(self, request: Request) -> Response:
        BlockingView.started.set()
        BlockingView.release.wait(timeout=30)
        return self.work(request)


def _advisory_lock_waiters() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        row = cursor.fetchone()
        return int(row[0]) if row else 0


class GatheringView(_TestView):
    """Does its work only once ``expected_waiters`` duplicates are queued on the lock, so
    the concurrency test really is concurrent. Bounded, and the test checks the count."""

    expected_waiters = 0
    seen_waiters = -1

    def post(self, request: Request) -> Response:
        deadline = time.monotonic() + 30
        while _advisory_lock_waiters() < self.expected_waiters and time.monotonic() < deadline:
            time.sleep(0.01)
        GatheringView.seen_waiters = _advisory_lock_waiters()
        return self.work(request)


class SimulatedKill(BaseException):
    """What SIGKILL does to a request: nothing after it runs (not even ``except
    Exception``). The advisory lock goes with the connection in a real kill; here the
    mixin's cleanup frees it, and the record is left as a dead process leaves it."""


class EffectView(_TestView):
    """Creates its AuditEvent the way money-moving services do: in one transaction that
    also records the effect. ``kill`` injects a crash before or after that commit."""

    idempotency_effect_model = "core.AuditEvent"
    kill: str = ""  # "", "before_commit" or "after_commit"

    def post(self, request: Request) -> Response:
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            event = audit_log(
                actor=AuditActor.system("test"),
                action="test.executed",
                data={"note": data.validated_data["note"], "path": request.path},
            )
            idempotency_effect(event)
            if EffectView.kill == "before_commit":
                raise SimulatedKill
        if EffectView.kill == "after_commit":
            raise SimulatedKill
        return self.idempotent_replay(request, event)

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        return Response({"id": obj.pk, "note": obj.data["note"]}, status=201)


urlpatterns = [
    path("notes", NoteView.as_view()),
    path("effect", EffectView.as_view()),
    path("optional", OptionalKeyView.as_view()),
    path("crash", CrashingView.as_view()),
    path("blocking", BlockingView.as_view()),
    path("gathering", GatheringView.as_view()),
]

pytestmark = pytest.mark.urls(__name__)


def client_of(client_id: int) -> APIClient:
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_X_TEST_CLIENT=str(client_id))
    return api


def post(api: APIClient, url: str, body: dict[str, Any], key: str | None) -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return api.post(url, body, format="json", headers=headers)


def executions() -> int:
    return AuditEvent.objects.filter(action="test.executed").count()


# --- replay, reuse, validation ------------------------------------------------------------


@pytest.mark.django_db
def test_same_key_and_body_replays_the_first_response() -> None:
    api = client_of(1)
    first = post(api, "/notes", {"note": "hello"}, "k-1")
    again = post(api, "/notes", {"note": "hello"}, "k-1")

    assert first.status_code == 201 and again.status_code == 201
    assert again.content == first.content
    assert again["Location"] == first["Location"]
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert executions() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.scope, record.key, record.state) == ("client:1", "k-1", "completed")
    assert record.expires_at - record.created_at >= timedelta(hours=24)


@pytest.mark.django_db
def test_key_order_and_whitespace_do_not_change_the_fingerprint() -> None:
    api = client_of(1)
    headers = {"Idempotency-Key": "k-order"}
    first = api.post(
        "/notes", '{"note": "a", "status": 201}', content_type="application/json", headers=headers
    )
    again = api.post(
        "/notes", '{"status":201,"note":"a"}', content_type="application/json", headers=headers
    )
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_same_key_with_a_different_body_is_422_and_runs_nothing() -> None:
    api = client_of(1)
    post(api, "/notes", {"note": "hello"}, "k-1")
    other = post(api, "/notes", {"note": "goodbye"}, "k-1")

    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert executions() == 1


@pytest.mark.django_db
def test_same_key_on_another_path_is_422() -> None:
    api = client_of(1)
    post(api, "/notes", {"note": "hello"}, "k-1")
    other = post(api, "/optional", {"note": "hello"}, "k-1")
    assert other.status_code == 422


@pytest.mark.django_db
def test_keys_are_scoped_per_client() -> None:
    first = post(client_of(1), "/notes", {"note": "hello"}, "shared")
    second = post(client_of(2), "/notes", {"note": "hello"}, "shared")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert not second.has_header("Idempotent-Replayed")
    assert executions() == 2


@pytest.mark.django_db
def test_missing_key_is_400_when_required() -> None:
    response = post(client_of(1), "/notes", {"note": "hello"}, None)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_required"
    assert executions() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["x" * 256, "tab\there", "naïve"])
def test_malformed_key_is_400(key: str) -> None:
    response = post(client_of(1), "/notes", {"note": "hello"}, key)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_idempotency_key"
    assert executions() == 0


@pytest.mark.django_db
def test_longest_allowed_key_works() -> None:
    assert post(client_of(1), "/notes", {"note": "x"}, "k" * 255).status_code == 201


@pytest.mark.django_db
def test_optional_key_may_be_omitted_and_still_replays_when_given() -> None:
    api = client_of(1)
    assert post(api, "/optional", {"note": "a"}, None).status_code == 201
    assert post(api, "/optional", {"note": "a"}, None).status_code == 201
    assert executions() == 2
    first = post(api, "/optional", {"note": "a"}, "opt")
    assert post(api, "/optional", {"note": "a"}, "opt").content == first.content
    assert executions() == 3


@pytest.mark.django_db
def test_safe_methods_ignore_idempotency() -> None:
    response = client_of(1).get("/notes")
    assert response.status_code == 200
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_unauthenticated_requests_are_refused_before_the_key_is_claimed() -> None:
    response = APIClient().post(
        "/notes", {"note": "a"}, format="json", headers={"Idempotency-Key": "k"}
    )
    assert response.status_code in (401, 403)
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db
def test_a_4xx_answer_is_stored_and_replayed() -> None:
    api = client_of(1)
    first = post(api, "/notes", {"note": ""}, "k-invalid")
    again = post(api, "/notes", {"note": ""}, "k-invalid")
    assert first.status_code == again.status_code == 400
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"


@pytest.mark.django_db
def test_a_5xx_answer_releases_the_key_for_a_retry() -> None:
    api = client_of(1)
    failed = post(api, "/notes", {"note": "a", "status": 503}, "k-503")
    retried = post(api, "/notes", {"note": "a", "status": 503}, "k-503")
    assert failed.status_code == retried.status_code == 503
    assert not retried.has_header("Idempotent-Replayed")
    assert executions() == 2
    assert not IdempotencyRecord.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_crash_releases_the_key_and_the_lock() -> None:
    api = client_of(1)
    assert post(api, "/crash", {"note": "a"}, "k-crash").status_code == 500
    assert not IdempotencyRecord.objects.exists()
    # The lock is free: another connection can take the key at once.
    assert post(client_of(1), "/notes", {"note": "a"}, "k-crash").status_code == 201


@pytest.mark.django_db
def test_an_expired_key_is_free_again() -> None:
    api = client_of(1)
    first = post(api, "/notes", {"note": "a"}, "k-old")
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    again = post(api, "/notes", {"note": "b"}, "k-old")
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]


@pytest.mark.django_db
def test_an_abandoned_in_progress_key_is_run_again() -> None:
    """A process that died mid-request left its row but (with its connection) no lock."""
    api = client_of(1)
    fingerprint = request_fingerprint("POST", "/notes", {"note": "a"})
    IdempotencyRecord.objects.create(
        scope="client:1",
        key="k-dead",
        fingerprint=fingerprint,
        expires_at=timezone.now() + timedelta(hours=24),
    )
    response = post(api, "/notes", {"note": "a"}, "k-dead")
    assert response.status_code == 201
    assert IdempotencyRecord.objects.get().state == "completed"


def test_multipart_fingerprint_hashes_file_contents_not_boundaries() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.datastructures import MultiValueDict

    def form(content: bytes) -> MultiValueDict[str, Any]:
        return MultiValueDict(
            {"kind": ["passport"], "file": [SimpleUploadedFile("a.png", content)]}
        )

    assert request_fingerprint("POST", "/x", form(b"one")) == request_fingerprint(
        "POST", "/x", form(b"one")
    )
    assert request_fingerprint("POST", "/x", form(b"one")) != request_fingerprint(
        "POST", "/x", form(b"two")
    )


# --- concurrency (real PostgreSQL, one connection per thread) -----------------------------


def _in_thread(
    results: list[Any], api: APIClient, url: str, body: dict[str, Any], key: str
) -> None:
    try:
        results.append(post(api, url, body, key))
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_duplicates_run_once_and_get_identical_bodies(settings: Any) -> None:
    settings.IDEMPOTENCY_WAIT_SECONDS = 60  # the gathering below may take a while on 2 cores
    GatheringView.expected_waiters = 19
    results: list[Any] = []
    threads = [
        threading.Thread(
            target=_in_thread, args=(results, client_of(1), "/gathering", {"note": "x"}, "k-20")
        )
        for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(results) == 20
    assert GatheringView.seen_waiters == 19  # all 19 duplicates really were waiting
    assert {r.status_code for r in results} == {201}
    assert len({r.content for r in results}) == 1
    assert sum(r.has_header("Idempotent-Replayed") for r in results) == 19
    assert executions() == 1
    assert IdempotencyRecord.objects.get().state == "completed"


@pytest.mark.django_db(transaction=True)
def test_duplicate_gets_409_while_the_first_is_still_running(settings: Any) -> None:
    settings.IDEMPOTENCY_WAIT_SECONDS = 0.2
    BlockingView.started.clear()
    BlockingView.release.clear()
    results: list[Any] = []
    first = threading.Thread(
        target=_in_thread, args=(results, client_of(1), "/blocking", {"note": "x"}, "k-slow")
    )
    first.start()
    try:
        assert BlockingView.started.wait(timeout=30)
        duplicate = post(client_of(1), "/blocking", {"note": "x"}, "k-slow")
        different = post(client_of(1), "/blocking", {"note": "y"}, "k-slow")
    finally:
        BlockingView.release.set()
        first.join(timeout=60)

    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "idempotency_in_progress"
    assert different.status_code == 422
    [original] = results
    assert original.status_code == 201
    replay = post(client_of(1), "/blocking", {"note": "x"}, "k-slow")
    assert replay.content == original.content and replay["Idempotent-Replayed"] == "true"
    assert executions() == 1


# --- purge task and its schedule ----------------------------------------------------------


@pytest.mark.django_db
def test_purge_removes_only_expired_records_and_is_safe_to_run_twice() -> None:
    now = timezone.now()
    for key, expires in [("old-1", -2), ("old-2", -1), ("fresh", 1)]:
        IdempotencyRecord.objects.create(
            scope="client:1",
            key=key,
            fingerprint="f",
            expires_at=now + timedelta(hours=expires),
        )
    assert tasks.idempotency_purge_expired() == 2
    assert tasks.idempotency_purge_expired() == 0
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["fresh"]


@pytest.mark.django_db
def test_purge_runs_hourly_from_one_schedule_registered_idempotently() -> None:
    from django.apps import apps

    # migrate (and every flush) registered it already through post_migrate
    assert Schedule.objects.filter(func=PURGE_IDEMPOTENCY_FUNC).count() == 1
    schedules_ensure(SCHEDULES, apps=apps)
    schedules_ensure(SCHEDULES, apps=apps)
    [schedule] = Schedule.objects.filter(func=PURGE_IDEMPOTENCY_FUNC)
    assert schedule.schedule_type == Schedule.HOURLY
    assert schedule.repeats == -1


@pytest.mark.django_db
@pytest.mark.urls("lucid_payments.urls.all_services")
def test_records_are_visible_read_only_in_the_admin(client: Any) -> None:
    from django.contrib.auth.models import User

    record = IdempotencyRecord.objects.create(
        scope="client:1",
        key="k-admin",
        fingerprint="f",
        state="completed",
        response_status=201,
        response_body=b"{}",
        expires_at=timezone.now() + timedelta(hours=24),
    )
    client.force_login(User.objects.create_superuser("root", password="pw"))
    assert client.get("/admin/core/idempotencyrecord/").status_code == 200
    assert client.get(f"/admin/core/idempotencyrecord/{record.pk}/change/").status_code == 200
    assert client.get("/admin/core/idempotencyrecord/add/").status_code == 403
    assert client.post(f"/admin/core/idempotencyrecord/{record.pk}/delete/").status_code == 403


# --- exactly once across a crash ------------------------------------------------------------


def _killed(api: APIClient, body: dict[str, Any], key: str, when: str) -> None:
    EffectView.kill = when
    try:
        with pytest.raises(SimulatedKill):
            post(api, "/effect", body, key)
    finally:
        EffectView.kill = ""


@pytest.mark.django_db(transaction=True)
def test_a_kill_after_the_work_committed_replays_it_instead_of_running_again() -> None:
    api = client_of(1)
    _killed(api, {"note": "a"}, "k-killed", "after_commit")
    left = IdempotencyRecord.objects.get()
    assert (left.state, left.response_status) == ("in_progress", None)
    assert (left.effect_model, left.effect_pk) == (
        "core.AuditEvent",
        str(AuditEvent.objects.get().pk),
    )

    retried = post(api, "/effect", {"note": "a"}, "k-killed")
    again = post(api, "/effect", {"note": "a"}, "k-killed")
    assert retried.status_code == again.status_code == 201
    assert retried["Idempotent-Replayed"] == again["Idempotent-Replayed"] == "true"
    assert retried.json() == again.json() == {"id": int(left.effect_pk), "note": "a"}
    assert executions() == 1
    assert IdempotencyRecord.objects.get().state == "completed"


@pytest.mark.django_db(transaction=True)
def test_a_kill_before_the_work_committed_runs_it_once_on_retry() -> None:
    api = client_of(1)
    _killed(api, {"note": "a"}, "k-early", "before_commit")
    assert executions() == 0

    retried = post(api, "/effect", {"note": "a"}, "k-early")
    assert retried.status_code == 201
    assert not retried.has_header("Idempotent-Replayed")
    assert executions() == 1


@pytest.mark.django_db
def test_an_abandoned_record_without_effect_runs_the_work_once() -> None:
    IdempotencyRecord.objects.create(
        scope="client:1",
        key="k-no-effect",
        fingerprint=request_fingerprint("POST", "/effect", {"note": "a"}),
        expires_at=timezone.now() + timedelta(hours=24),
    )
    response = post(client_of(1), "/effect", {"note": "a"}, "k-no-effect")
    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert executions() == 1


@pytest.mark.django_db
def test_an_effect_whose_object_is_gone_is_409_and_runs_nothing() -> None:
    IdempotencyRecord.objects.create(
        scope="client:1",
        key="k-gone",
        fingerprint=request_fingerprint("POST", "/effect", {"note": "a"}),
        expires_at=timezone.now() + timedelta(hours=24),
        effect_model="core.AuditEvent",
        effect_pk="999999999",
    )
    response = post(client_of(1), "/effect", {"note": "a"}, "k-gone")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_effect_gone"
    assert executions() == 0


@pytest.mark.django_db
def test_idempotency_effect_outside_a_keyed_request_does_nothing() -> None:
    with transaction.atomic():
        event = audit_log(actor=AuditActor.system("test"), action="test.executed", data={})
        idempotency_effect(event)  # a task, the admin, a command: no record, no error
    assert not IdempotencyRecord.objects.exists()
