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

# The record is written on every keyed request: plain SQL, without the ORM building the
# same statements each time. Only the first effect counts: the object the answer is about.
_EFFECT_SQL = (
    "UPDATE core_idempotencyrecord SET effect_model = %s, effect_pk = %s "
    "WHERE id = %s AND effect_pk = ''"
)
_FINISH_SQL = (
    "UPDATE core_idempotencyrecord SET state = 'completed', response_status = %s, "
    "response_body = %s, response_headers = %s::jsonb WHERE id = %s"
)


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
    with connection.cursor() as cursor:
        cursor.execute(_EFFECT_SQL, [running.effect_model, str(obj.pk), running.record_id])


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
            with connection.cursor() as cursor:
                cursor.execute(
                    _FINISH_SQL,
                    [
                        response.status_code,
                        _redacted(response.content, redact),
                        json.dumps(headers),
                        self.record_id,
                    ],
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


# The common case, a new key, is one statement: take the lock without waiting and write the
# record. CASE evaluates in order, so a caller that already waited for the lock does not
# take it a second time (session locks count, and would need two unlocks). A record past
# its expiry is taken over in place: the key is free again.
_CLAIM_SQL = """
WITH lock AS (
    SELECT CASE WHEN %(locked)s THEN true ELSE pg_try_advisory_lock(%(lock_id)s) END AS held
), claimed AS (
    INSERT INTO core_idempotencyrecord AS record (
        scope, key, fingerprint, state, response_status, response_body, response_headers,
        effect_model, effect_pk, created_at, expires_at
    )
    SELECT %(scope)s, %(key)s, %(fingerprint)s, 'in_progress', NULL, NULL, '[]'::jsonb,
        '', '', %(now)s, %(expires_at)s
    FROM lock WHERE lock.held
    ON CONFLICT (scope, key) DO UPDATE SET
        fingerprint = EXCLUDED.fingerprint, state = EXCLUDED.state, response_status = NULL,
        response_body = NULL, response_headers = EXCLUDED.response_headers,
        effect_model = '', effect_pk = '', created_at = EXCLUDED.created_at,
        expires_at = EXCLUDED.expires_at
    WHERE record.expires_at <= EXCLUDED.created_at
    RETURNING record.id
)
SELECT lock.held, claimed.id FROM lock LEFT JOIN claimed ON true
"""


def _claim(
    *, scope: str, key: str, fingerprint: str, lock_id: int, locked: bool, now: datetime
) -> tuple[bool, int | None]:
    """(whether this session holds the lock, the new record's id or None when a live
    record already stands under the key)."""
    params: dict[str, Any] = {
        "locked": locked,
        "lock_id": lock_id,
        "scope": scope,
        "key": key,
        "fingerprint": fingerprint,
        "now": now,
        "expires_at": now + _ttl(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, params)
        held, record_id = cursor.fetchone()
    return bool(held), record_id


def _release_lock_if_held(lock_id: int) -> None:
    """After a failed claim, whose lock may or may not have been taken: a session lock
    outlives the statement's rollback and would block the key until the connection ends."""
    if connection.in_atomic_block:
        return  # the aborted transaction refuses every statement until it rolls back
    try:
        _release_lock(lock_id)  # not held: PostgreSQL only warns
    except Exception:  # the claim's own error matters more
        logger.exception("could not release an idempotency lock after a failed claim")


def _live_record(scope: str, key: str, now: datetime) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(scope=scope, key=key, expires_at__gt=now).first()


def idempotency_begin(
    *, scope: str, key: str, fingerprint: str, wait_seconds: float
) -> IdempotencyClaim | HttpResponse:
    """Claim ``key`` for this request, or return the stored response to replay.

    Raises ``IdempotencyKeyReused`` (422) or ``IdempotencyInProgress`` (409).
    """
    lock_id = _lock_id(scope, key)

    def claim(*, locked: bool) -> tuple[bool, int | None]:
        return _claim(
            scope=scope,
            key=key,
            fingerprint=fingerprint,
            lock_id=lock_id,
            locked=locked,
            now=timezone.now(),
        )

    try:
        held, record_id = claim(locked=False)
    except BaseException:
        _release_lock_if_held(lock_id)
        raise
    if not held:
        # Another request runs this key. A different request under it is refused at once,
        # without waiting; a duplicate waits for the first to finish.
        early = _live_record(scope, key, timezone.now())
        if early is not None and early.fingerprint != fingerprint:
            raise IdempotencyKeyReused(_REUSED_MESSAGE)
        if not _acquire_lock(lock_id, wait_seconds):
            raise IdempotencyInProgress(
                "A request with this Idempotency-Key is still being processed; retry later."
            )
        try:
            _, record_id = claim(locked=True)
        except BaseException:
            _release_lock(lock_id)
            raise
    if record_id is not None:
        return IdempotencyClaim(record_id=record_id, lock_id=lock_id)
    try:
        # A live record stands under the key, and nobody else can change it while we hold
        # the lock (expiry aside, which only the claim above takes over).
        record = IdempotencyRecord.objects.get(scope=scope, key=key)
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
