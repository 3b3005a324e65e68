"""``Idempotency-Key`` for API views: a retried POST never does the work twice.

Per caller (scope = the API key's client) and key:

* same key, same request → the stored response again (status, body, headers) with
  ``Idempotent-Replayed: true``;
* same key, different request → 422 ``idempotency_key_reused``;
* a duplicate arriving while the first still runs waits for it (bounded by
  ``IDEMPOTENCY_WAIT_SECONDS``) and then gets the replay, or 409
  ``idempotency_in_progress`` if the first is still running after the wait;
* only 2xx and 4xx answers are stored; a 5xx or a crash releases the key for a retry.

Who may run a key is decided by a session-level PostgreSQL advisory lock held for the
whole request: waiting happens inside PostgreSQL (``lock_timeout``), every process and
host sees the same lock, and a process that dies frees it with its connection. The
handler itself runs outside any transaction we open, so views keep the rule "no network
call inside a database transaction". The view must therefore not run inside an outer
transaction (``ATOMIC_REQUESTS`` stays off): the stored response has to be committed
before the lock is released, or a waiter would not see it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, connection, transaction
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

    def finish(self, response: HttpResponseBase, *, redact: frozenset[str] = frozenset()) -> None:
        """Store a 2xx/4xx answer for replay; anything else frees the key. Top-level JSON
        fields named in ``redact`` are stored (and so replayed) as null."""
        try:
            storable = not isinstance(response, StreamingHttpResponse) and (
                response.status_code < 500
            )
            if not storable:
                IdempotencyRecord.objects.filter(pk=self.record_id).delete()
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
            IdempotencyRecord.objects.filter(pk=self.record_id).delete()
            raise
        finally:
            _release_lock(self.lock_id)

    def release(self) -> None:
        """The request failed (5xx, crash): forget it so that a retry runs again."""
        try:
            IdempotencyRecord.objects.filter(pk=self.record_id).delete()
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
        # died before it could finish or release. Its outcome is unknown; run again.
        logger.warning("idempotency key %s of %s was abandoned; running it again", key, scope)
        return IdempotencyClaim(record_id=record.pk, lock_id=lock_id)
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

    _idempotency_claim: IdempotencyClaim | None = None

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
        if isinstance(outcome, IdempotencyClaim):
            self._idempotency_claim = outcome
        else:
            raise ReplayStoredResponse(outcome)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ReplayStoredResponse):
            # DRF's finalize_response accepts any HttpResponseBase; the stub says Response.
            return cast(Response, exc.response)
        return super().handle_exception(exc)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self._idempotency_claim = None
        try:
            response = super().dispatch(request, *args, **kwargs)
        except BaseException:
            if self._idempotency_claim is not None:
                try:
                    self._idempotency_claim.release()
                except Exception:  # the original error matters more; log this one
                    logger.exception("could not release idempotency key after a crash")
            raise
        claim, self._idempotency_claim = self._idempotency_claim, None
        if claim is not None:
            claim.finish(response, redact=self.idempotency_redacted_fields)
        return response
