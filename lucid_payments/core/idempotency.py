"""``Idempotency-Key`` for API views: a retried POST never does the work twice.

Per caller (scope = the API key's client) and key:

* same key, same request → the stored response again (status, body, headers) with
  ``Idempotent-Replayed: true``;
* same key, different request → 422 ``idempotency_key_reused``;
* a duplicate arriving while the first still runs waits for it (bounded by
  ``IDEMPOTENCY_WAIT_SECONDS``) and then gets the replay, or 409
  ``idempotency_in_progress`` if the first is still running after the wait;
* only 2xx and 4xx answers are stored; a 5xx or a crash releases the key for a retry,
  unless the work had already committed (see "Exactly once across a crash" below).

Who may run a key is decided by a session-level PostgreSQL advisory lock held for the
whole request: waiting happens inside PostgreSQL (``lock_timeout``), every process and
host sees the same lock, and a process that dies frees it with its connection. The
handler itself runs outside any transaction we open, so views keep the rule "no network
call inside a database transaction". The view must therefore not run inside an outer
transaction (``ATOMIC_REQUESTS`` stays off): the stored response has to be committed
before the lock is released, or a waiter would not see it.

Exactly once across a crash
---------------------------
The work (the service's transaction) and the stored response commit separately. A process
killed between the two leaves its record ``in_progress`` with nobody holding the lock: the
key is *abandoned*. Re-running it would move the money a second time, so the service
records what it made in the same transaction that made it:

* while a keyed request runs, the mixin exposes its record in a context variable;
* a service that creates something calls ``idempotency_effect(obj)`` inside its own
  transaction, right after creating it; that writes ``obj``'s model label and primary key
  onto the record, and commits or rolls back with the object itself. Outside a keyed
  request (a task, the admin, a command) or for an object that is not the view's
  ``idempotency_effect_model`` (something the service made along the way) it does nothing;
* a retry that finds an abandoned record *with* an effect does not run the handler: the
  view's ``idempotent_replay(request, obj)`` rebuilds the first answer (same status, same
  serializer), which is stored and returned with ``Idempotent-Replayed: true``;
* an abandoned record *without* an effect means the work never committed (it was one
  transaction), so the retry runs it, once;
* for the same reason a 5xx or an exception after the effect committed keeps the record
  (abandoned, with its effect) instead of freeing the key.

Every view that creates money movements or client-visible objects under a key sets
``idempotency_effect_model`` and implements ``idempotent_replay``; its service calls
``idempotency_effect``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from contextvars import ContextVar, Token
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, cast

from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, connection, models, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lucid_payments.core.errors import Conflict, InvalidInput, NotAuthenticated, Unprocessable
from lucid_payments.core.models import IdempotencyRecord

logger = logging.getLogger(__name__)

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# The API documents that keys are remembered for at least a day; a shorter setting would
# silently turn a late retry into a second payout.
MINIMUM_TTL = timedelta(hours=24)
# Headers that describe one delivery, not the answer: never replayed.
_PER_DELIVERY_HEADERS = frozenset({"set-cookie", "content-length", "date", REPLAYED_HEADER.lower()})
_LOCK_NOT_AVAILABLE = "55P03"


class IdempotencyKeyRequired(InvalidInput):
    default_code = "idempotency_key_required"


class IdempotencyKeyInvalid(InvalidInput):
    default_code = "invalid_idempotency_key"


class IdempotencyKeyReused(Unprocessable):
    default_code = "idempotency_key_reused"


class IdempotencyInProgress(Conflict):
    default_code = "idempotency_in_progress"


# --- fingerprint ---------------------------------------------------------------------


def _file_digest(upload: UploadedFile) -> dict[str, Any]:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)  # the view reads it again
    return {"file": upload.name, "size": upload.size, "sha256": sha.hexdigest()}


def _canonical(value: Any) -> Any:
    """Parsed request data as plain JSON values: key order, whitespace and multipart
    boundaries do not change the fingerprint; file contents do."""
    if isinstance(value, MultiValueDict):
        return {str(k): [_canonical(v) for v in value.getlist(k)] for k in value}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, UploadedFile):
        return _file_digest(value)
    return value


def request_fingerprint(method: str, path: str, data: Any) -> str:
    body = json.dumps(
        _canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    # surrogatepass: a JSON body may carry a lone surrogate ("\ud800") in a free-form
    # object; the request is refused by validation later, the fingerprint must not crash.
    text = f"{method.upper()}\n{path}\n{body}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# --- the lock --------------------------------------------------------------------------


def _lock_id(scope: str, key: str) -> int:
    """A 64-bit advisory lock id for (scope, key). A collision only makes two unrelated
    requests wait for each other; it never mixes their records."""
    digest = hashlib.sha256(f"idempotency\0{scope}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _acquire_lock(lock_id: int, wait_seconds: float) -> bool:
    """Take the session lock, waiting inside PostgreSQL at most ``wait_seconds``."""
    with connection.cursor() as cursor:
        if wait_seconds <= 0:  # lock_timeout 0 would mean "wait forever"
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
            row = cursor.fetchone()
            return bool(row and row[0])
        timeout = f"{max(1, round(wait_seconds * 1000))}ms"
        # The transaction (a savepoint inside a caller's transaction) scopes lock_timeout to
        # this statement; the inner savepoint keeps a timeout from aborting the caller's
        # transaction. A session-level advisory lock outlives both.
        with transaction.atomic():
            cursor.execute("SELECT current_setting('lock_timeout')")
            row = cursor.fetchone()
            previous = row[0] if row else "0"
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [timeout])
            try:
                with transaction.atomic():
                    cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
            except OperationalError as exc:
                if getattr(exc.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                    return False
                raise
            finally:
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
        return True


def _release_lock(lock_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


# --- effects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _KeyedRequest:
    record_id: int
    effect_model: str  # "app_label.ModelName"


_keyed_request: ContextVar[_KeyedRequest | None] = ContextVar("keyed_request", default=None)


def idempotency_effect(obj: models.Model) -> None:
    """Record that the running keyed request created ``obj``.

    Call it inside the transaction that creates ``obj``, right after creating it: the
    effect then commits (or rolls back) with the object, and a retry after a crash replays
    the answer instead of creating a second one. Does nothing when no keyed request runs
    or when ``obj`` is not what the request's view creates.
    """
    running = _keyed_request.get()
    if running is None or obj._meta.label != running.effect_model:
        return
    if not connection.in_atomic_block:
        # Written on its own, the effect could outlive a rolled-back object (or the object
        # could commit without it): the whole point is that they commit together.
        raise RuntimeError("idempotency_effect() must run inside the transaction creating obj")
    # Only the first object counts: the one the answer is about.
    IdempotencyRecord.objects.filter(pk=running.record_id, effect_pk="").update(
        effect_model=running.effect_model, effect_pk=str(obj.pk)
    )


def _forget_unless_effect(record_id: int) -> None:
    """Free the key, unless the work committed: then the record stays (abandoned, with its
    effect) so that a retry replays the answer instead of redoing the work."""
    IdempotencyRecord.objects.filter(pk=record_id, effect_pk="").delete()


# --- stored responses ------------------------------------------------------------------


def _replay(record: IdempotencyRecord) -> HttpResponse:
    assert record.response_status is not None
    response = HttpResponse(bytes(record.response_body or b""), status=record.response_status)
    for name, value in record.response_headers:
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _ttl() -> timedelta:
    return max(timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS), MINIMUM_TTL)


@dataclass
class IdempotencyClaim:
    """This request owns the key (holds the lock) until ``finish`` or ``release``."""

    record_id: int
    lock_id: int
    # Set when an abandoned attempt had already committed its work.
    effect_model: str = ""
    effect_pk: str = ""

    def finish(self, response: HttpResponseBase, *, redact: frozenset[str] = frozenset()) -> None:
        """Store a 2xx/4xx answer for replay; anything else frees the key (unless the work
        committed, see ``release``). Top-level JSON fields named in ``redact`` are stored
        (and so replayed) as null."""
        try:
            storable = not isinstance(response, StreamingHttpResponse) and (
                response.status_code < 500
            )
            if not storable:
                _forget_unless_effect(self.record_id)
                return
            if hasattr(response, "render"):
                response.render()  # DRF renders lazily; we need the exact bytes now
            assert isinstance(response, HttpResponse)
            headers = [
                [name, value]
                for name, value in response.items()
                if name.lower() not in _PER_DELIVERY_HEADERS
            ]
            IdempotencyRecord.objects.filter(pk=self.record_id).update(
                state=IdempotencyRecord.State.COMPLETED,
                response_status=response.status_code,
                response_body=_redacted(response.content, redact),
                response_headers=headers,
            )
        except BaseException:
            _forget_unless_effect(self.record_id)
            raise
        finally:
            _release_lock(self.lock_id)

    def release(self) -> None:
        """The request failed (5xx, crash): forget it so that a retry runs again, unless
        its work committed (then a retry replays it)."""
        try:
            _forget_unless_effect(self.record_id)
        finally:
            _release_lock(self.lock_id)


def _redacted(content: bytes, fields: frozenset[str]) -> bytes:
    if not fields:
        return content
    try:
        body = json.loads(content)
    except ValueError:
        return content
    if not isinstance(body, dict) or not fields & body.keys():
        return content
    return json.dumps({k: None if k in fields else v for k, v in body.items()}).encode()


class IdempotencyEffectGone(Conflict):
    default_code = "idempotency_effect_gone"


class ReplayEffect(Exception):
    """Raised from ``initial`` to skip the handler; carries what the first attempt made."""

    def __init__(self, obj: models.Model) -> None:
        super().__init__("replaying the effect of an abandoned idempotent request")
        self.obj = obj


class ReplayStoredResponse(Exception):
    """Raised from ``initial`` to skip the handler; carries the stored response."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("replaying a stored idempotent response")
        self.response = response


def _live_record(scope: str, key: str, now: datetime) -> IdempotencyRecord | None:
    record = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if record is not None and record.expires_at <= now:
        record.delete()  # expired but not purged yet: the key is free again
        return None
    return record


def idempotency_begin(
    *, scope: str, key: str, fingerprint: str, wait_seconds: float
) -> IdempotencyClaim | HttpResponse:
    """Claim ``key`` for this request, or return the stored response to replay.

    Raises ``IdempotencyKeyReused`` (422) or ``IdempotencyInProgress`` (409).
    """
    # A different request under a key that is in use is refused at once, without waiting.
    early = _live_record(scope, key, timezone.now())
    if early is not None and early.fingerprint != fingerprint:
        raise IdempotencyKeyReused(_REUSED_MESSAGE)

    lock_id = _lock_id(scope, key)
    if not _acquire_lock(lock_id, wait_seconds):
        raise IdempotencyInProgress(
            "A request with this Idempotency-Key is still being processed; retry later."
        )
    try:
        now = timezone.now()
        record = _live_record(scope, key, now)
        if record is None:
            record = IdempotencyRecord.objects.create(
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                expires_at=now + _ttl(),
            )
            return IdempotencyClaim(record_id=record.pk, lock_id=lock_id)
        if record.fingerprint != fingerprint:
            raise IdempotencyKeyReused(_REUSED_MESSAGE)
        if record.state == IdempotencyRecord.State.COMPLETED:
            _release_lock(lock_id)
            return _replay(record)
        # In progress, yet nobody holds the lock: the first attempt's process or connection
        # died before it could finish or release. With an effect its work committed and is
        # replayed; without one the work rolled back and runs again.
        logger.warning(
            "idempotency key %s of %s was abandoned; %s",
            key,
            scope,
            "replaying its effect" if record.effect_pk else "running it again",
        )
        return IdempotencyClaim(
            record_id=record.pk,
            lock_id=lock_id,
            effect_model=record.effect_model,
            effect_pk=record.effect_pk,
        )
    except BaseException:
        _release_lock(lock_id)
        raise


_REUSED_MESSAGE = "This Idempotency-Key was already used for a different request."


def idempotency_purge_expired(*, now: datetime | None = None) -> int:
    """Delete records past their expiry; returns how many. Safe to run at any time."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lt=now or timezone.now()).delete()
    return deleted


# --- the view mixin --------------------------------------------------------------------


def _valid_key(key: str) -> bool:
    return 1 <= len(key) <= MAX_KEY_LENGTH and all(" " <= char <= "~" for char in key)


class IdempotentMixin(APIView):
    """Put first in the bases of an APIView: ``class V(IdempotentMixin, APIView)``.

    Authentication, permissions and throttling run first (their 401/403/429 are never
    stored); then the key is checked and claimed before the handler runs.
    """

    idempotency_required: ClassVar[bool] = True
    idempotent_methods: ClassVar[frozenset[str]] = frozenset({"POST"})
    # Top-level fields of the answer never stored (a secret shown once): a replay has null.
    idempotency_redacted_fields: ClassVar[frozenset[str]] = frozenset()
    # What a POST creates, as "app_label.ModelName" (its service calls idempotency_effect);
    # empty for views whose work is safe to run again. Needs ``idempotent_replay``.
    idempotency_effect_model: ClassVar[str] = ""

    _idempotency_claim: IdempotencyClaim | None = None
    _idempotency_context: Token[_KeyedRequest | None] | None = None

    def idempotent_replay(self, request: Request, obj: Any) -> Response:
        """The answer the first attempt gave (or would have given) for ``obj``, which it
        created: the same status code and serializer body as the handler's."""
        raise NotImplementedError(f"{type(self).__name__} sets no idempotent_replay")

    def idempotency_scope(self, request: Request) -> str:
        """Keys are per client: two tenants may use the same key independently."""
        client_id = getattr(request.auth, "client_id", None)
        if client_id is None:
            raise NotAuthenticated("An API key is required.")
        return f"client:{client_id}"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in self.idempotent_methods:
            return
        key = request.headers.get(IDEMPOTENCY_KEY_HEADER, "")
        if not key:
            if self.idempotency_required:
                raise IdempotencyKeyRequired(
                    f"This request needs an {IDEMPOTENCY_KEY_HEADER} header."
                )
            return
        if not _valid_key(key):
            raise IdempotencyKeyInvalid(
                f"{IDEMPOTENCY_KEY_HEADER} must be 1 to {MAX_KEY_LENGTH} printable ASCII "
                "characters."
            )
        outcome = idempotency_begin(
            scope=self.idempotency_scope(request),
            key=key,
            fingerprint=request_fingerprint(
                request.method or "", request.get_full_path(), request.data
            ),
            wait_seconds=float(settings.IDEMPOTENCY_WAIT_SECONDS),
        )
        if not isinstance(outcome, IdempotencyClaim):
            raise ReplayStoredResponse(outcome)
        self._idempotency_claim = outcome
        if outcome.effect_pk:
            raise ReplayEffect(_effect_object(outcome))
        if self.idempotency_effect_model:
            # A misspelt label would silently record nothing: refuse it loudly instead.
            label = apps.get_model(self.idempotency_effect_model)._meta.label
            self._idempotency_context = _keyed_request.set(_KeyedRequest(outcome.record_id, label))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ReplayStoredResponse):
            # DRF's finalize_response accepts any HttpResponseBase; the stub says Response.
            return cast(Response, exc.response)
        if isinstance(exc, ReplayEffect):
            # Stored by ``finish`` like a first answer (the header is per delivery).
            response = self.idempotent_replay(self.request, exc.obj)
            response[REPLAYED_HEADER] = "true"
            return response
        return super().handle_exception(exc)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self._idempotency_claim = None
        self._idempotency_context = None
        try:
            response = super().dispatch(request, *args, **kwargs)
        except BaseException:
            if self._idempotency_claim is not None:
                try:
                    self._idempotency_claim.release()
                except Exception:  # the original error matters more; log this one
                    logger.exception("could not release idempotency key after a crash")
            raise
        finally:
            if self._idempotency_context is not None:
                _keyed_request.reset(self._idempotency_context)
                self._idempotency_context = None
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            claim.finish(response, redact=self.idempotency_redacted_fields)
        return response


def _effect_object(claim: IdempotencyClaim) -> models.Model:
    model = apps.get_model(claim.effect_model)
    try:
        return cast(models.Model, model._default_manager.get(pk=claim.effect_pk))
    except model.DoesNotExist:
        # Deleted since (a webhook endpoint, say): the first answer cannot be rebuilt.
        raise IdempotencyEffectGone(
            "The object this Idempotency-Key created no longer exists."
        ) from None
