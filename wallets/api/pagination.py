"""Limit/offset pages of the ledger entry list, with ``limit`` and ``offset`` validated.

DRF's LimitOffsetPagination quietly replaces a ``limit`` it cannot read (``abc``, ``-1``,
empty) by the default and clamps one above the maximum. A client that asked for 1000 and
got 500 without a word, or mistyped a parameter and got page one, would page wrongly; so,
like the list's filters, a value that is sent must be valid, and the document gives the
bounds.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from lucid_payments.core.errors import InvalidInput

_DIGITS = re.compile(r"[0-9]+")
# OFFSET is a bigint in PostgreSQL.
MAX_OFFSET = 2**63 - 1


class LedgerEntryPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = 500

    def get_limit(self, request: Request) -> int:
        raw = request.query_params.get(self.limit_query_param)
        if raw is None:
            return self.default_limit
        return _bounded_integer(raw, self.limit_query_param, minimum=1, maximum=self.max_limit)

    def get_offset(self, request: Request) -> int:
        raw = request.query_params.get(self.offset_query_param)
        if raw is None:
            return 0
        return _bounded_integer(raw, self.offset_query_param, minimum=0, maximum=MAX_OFFSET)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        bounds = {
            self.limit_query_param: {"minimum": 1, "maximum": self.max_limit},
            self.offset_query_param: {"minimum": 0, "maximum": MAX_OFFSET},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        limit = next(p for p in parameters if p["name"] == self.limit_query_param)
        limit["description"] = (
            f"Entries per page, {self.default_limit} when left out; more than "
            f"{self.max_limit} is refused."
        )
        return parameters


def _bounded_integer(raw: str, name: str, *, minimum: int, maximum: int) -> int:
    value = int(raw) if _DIGITS.fullmatch(raw) and len(raw) <= 19 else None
    if value is None or not minimum <= value <= maximum:
        raise InvalidInput(
            f"{name} must be a whole number from {minimum} to {maximum}.",
            fields={name: [f"A whole number from {minimum} to {maximum}."]},
        )
    return value
