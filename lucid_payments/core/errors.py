"""One error family for the whole platform, mapped to HTTP once in the exception handler.

Services raise these; views never build error responses by hand. Every error reaches the
client as ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar, TypeVar

T = TypeVar("T")


class ApplicationError(Exception):
    """Base of every error we raise on purpose. Subclasses pick the status and code."""

    status_code: ClassVar[int] = 400
    default_code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (fields or {}).items()}


class InvalidInput(ApplicationError):
    status_code, default_code = 400, "invalid"


class NotAuthenticated(ApplicationError):
    status_code, default_code = 401, "not_authenticated"


class Forbidden(ApplicationError):
    status_code, default_code = 403, "forbidden"


class NotFound(ApplicationError):
    status_code, default_code = 404, "not_found"


class Conflict(ApplicationError):
    status_code, default_code = 409, "conflict"


class Unprocessable(ApplicationError):
    status_code, default_code = 422, "unprocessable"


class RequestTooLarge(ApplicationError):
    status_code, default_code = 413, "request_too_large"


class Unavailable(ApplicationError):
    """A dependency (the node, the database) is not answering; the caller may retry."""

    status_code, default_code = 503, "unavailable"


def found(row: T | None, message: str, *, code: str) -> T:
    """``row``, or a 404 saying ``message`` when there is none. Lookups are scoped to the
    caller, so another client's row is "not found" exactly like a missing one."""
    if row is None:
        raise NotFound(message, code=code)
    return row
