"""A schemathesis check for DESIGN.md's error rule: every 4xx/5xx body is
``{"error": {"code": str, "message": str, "fields": {name: [str, ...]}}}``.

The document may describe error bodies loosely; this holds every error to the one shape.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from schemathesis.core.failures import Failure


def _shape_problem(body: Any) -> str | None:
    if not isinstance(body, dict) or set(body) != {"error"}:
        return "the body is not an object with the single key 'error'"
    error = body["error"]
    if not isinstance(error, dict) or set(error) != {"code", "message", "fields"}:
        return "'error' does not hold exactly code, message and fields"
    if not isinstance(error["code"], str) or not error["code"]:
        return "'error.code' is not a non-empty string"
    if not isinstance(error["message"], str) or not error["message"]:
        return "'error.message' is not a non-empty string"
    fields = error["fields"]
    if not isinstance(fields, dict) or not all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in fields.values()
    ):
        return "'error.fields' is not an object of string lists"
    return None


class ErrorBodyShape(Failure):
    """An error response whose body is not in the error shape."""


@schemathesis.check
def error_body_shape(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        body = None
    problem = _shape_problem(body)
    if problem:
        raise ErrorBodyShape(
            operation=case.operation.label,
            title="Error body not in the error shape",
            message=f"{response.status_code}: {problem}; body: {response.text[:300]!r}",
        )
    return True
