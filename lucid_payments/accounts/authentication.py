"""``Authorization: Bearer <key>`` authentication for every API view.

On success ``request.user`` is an ``ApiPrincipal`` (the client acting through the key) and
``request.auth`` is the ``ApiKey``. A missing header leaves the request anonymous (the
permission then answers 401); a malformed, unknown or revoked key is a 401 right away.

Keys are never read from the URL. A URL is written to access logs, proxy logs and browser
histories, so a key in a query string is a leaked key: such a request is refused with a
401 that says so (even when the header is right too), and the logs redact it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from lucid_payments.accounts.api_keys import looks_like_api_key
from lucid_payments.accounts.models import ApiKey, Client
from lucid_payments.accounts.selectors import api_key_by_plaintext
from lucid_payments.core.audit import AuditActor

# last_used_at is for operators ("is this key still in use?"), not an access log: writing
# it on every request would turn each read into a write, so it is refreshed at most once
# per interval.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class ApiPrincipal:
    """The caller: a client acting through one of its API keys."""

    client: Client
    api_key: ApiKey
    is_authenticated: bool = True
    is_anonymous: bool = False

    @property
    def client_id(self) -> int:
        return self.client.pk

    @property
    def pk(self) -> int:
        return self.api_key.pk

    @property
    def actor(self) -> AuditActor:
        """Who the audit log names for what this caller does: its API key."""
        return AuditActor.api_key(self.api_key)

    def __str__(self) -> str:
        return f"{self.client} via {self.api_key.prefix}"


def _touch_last_used(api_key: ApiKey) -> None:
    now = timezone.now()
    # The row was just read: while it is fresh there is nothing to write, and no statement
    # is sent (the conditional UPDATE below would match no row but still cost a round trip
    # on every request).
    if api_key.last_used_at is not None and api_key.last_used_at >= now - LAST_USED_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    if ApiKey.objects.filter(stale, pk=api_key.pk).update(last_used_at=now):
        api_key.last_used_at = now


def _api_key_in_query(request: Request) -> bool:
    return any(
        looks_like_api_key(value.strip())
        for _name, values in request.query_params.lists()
        for value in values
    )


class ApiKeyAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[ApiPrincipal, ApiKey] | None:
        if _api_key_in_query(request):
            raise AuthenticationFailed(
                "API keys are accepted only in the Authorization header, never in the URL, "
                "where logs and proxies keep them: treat this key as leaked and revoke it."
            )
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Authorization header must be 'Bearer <api key>'.")
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("The API key is not valid.") from exc
        api_key = api_key_by_plaintext(plaintext)
        if api_key is None:
            # One message for unknown, revoked and malformed keys: the answer must not help
            # anyone probe which keys exist.
            raise AuthenticationFailed("The API key is not valid.")
        _touch_last_used(api_key)
        return ApiPrincipal(client=api_key.client, api_key=api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def request_principal(request: Request) -> ApiPrincipal:
    """The authenticated caller of an API view (the default permission guarantees one)."""
    principal = request.user
    if not isinstance(principal, ApiPrincipal):
        raise AuthenticationFailed("Authentication credentials were not provided.")
    return principal
