"""Request input read the way java-tron reads it: the one parsing layer of every endpoint.

java-tron parses a request body with fastjson (which refuses nesting past 512 levels with a
JSONException), integers in query parameters with `Long.parseLong` (sign plus Unicode decimal
digits, int64 range, else NumberFormatException `For input string: "…"`), and protobuf fields
with its JsonFormat (int64 out of range: ParseException `Couldn't parse integer: Number out of
range for 64-bit signed integer: …`). Python's `json`, `int()` and `str.isdigit` disagree with
each of those in ways that used to crash handlers (`"²".isdigit()` is true, `int("²")` fails;
deep JSON raises RecursionError), so every endpoint goes through these functions instead.
"""

from __future__ import annotations

import json
import re
from typing import Any

from devnet.errors import JavaException, json_error

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
MAX_JSON_LEVEL = 512  # fastjson: "array level > 512" / "object key level > 512"

# Strings skipped whole (their brackets are text), brackets counted.
_JSON_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class JavaNumberError(ValueError):
    """Text or a JSON value that java-tron cannot read as an int64; `str()` is java's message
    (without the exception class: callers know which class their java twin throws)."""


def parse_long(text: str) -> int:
    """`Long.parseLong(text)`: optional `+`/`-`, then one or more Unicode decimal digits (java's
    Character.digit accepts any script's 0-9, as Python's int() does, but no superscripts,
    spaces or underscores), within int64."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not all(char.isdecimal() for char in digits):
        raise JavaNumberError(f'For input string: "{text}"')
    number = int(text)
    if not INT64_MIN <= number <= INT64_MAX:
        raise JavaNumberError(f'For input string: "{text}"')
    return number


def int64_value(value: object) -> int:
    """A JSON value read into a protobuf int64 field, as JsonFormat does: numbers must fit in
    int64, numeric strings are read as `parse_long` reads them (booleans are 0/1, as the devnet
    always accepted them)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        if not INT64_MIN <= value <= INT64_MAX:
            raise JavaNumberError(f"Number out of range for 64-bit signed integer: {value}")
        return value
    if isinstance(value, str):
        return parse_long(value.strip())
    raise JavaNumberError(f'For input string: "{_java_text(value)}"')


def _java_text(value: object) -> str:
    """The token JsonFormat would have choked on: a container's opening bracket, else the
    value as JSON text."""
    if isinstance(value, list):
        return "["
    if isinstance(value, dict):
        return "{"
    return value if isinstance(value, str) else json.dumps(value)


def parse_json(text: str) -> Any:
    """A request body parsed as fastjson parses it; a JavaException (JSONException) if it is
    not JSON or nests deeper than fastjson allows.

    The depth is checked before parsing (Python's parser would hit its recursion limit at
    about twice fastjson's depth); bodies with few brackets skip the scan.
    """
    if text.count("[") + text.count("{") > MAX_JSON_LEVEL:
        too_deep = _first_container_too_deep(text)
        if too_deep is not None:
            kind = "array level" if too_deep == "[" else "object key level"
            raise json_error(f"{kind} > {MAX_JSON_LEVEL}")
    try:
        return json.loads(text)
    except RecursionError as exc:  # unreachable after the scan; never let it reach a handler
        raise json_error(f"array level > {MAX_JSON_LEVEL}") from exc
    except ValueError as exc:
        raise json_error(f"syntax error, {exc}") from exc


def _first_container_too_deep(text: str) -> str | None:
    """The bracket (`[` or `{`) that opens the first container nested past MAX_JSON_LEVEL."""
    depth = 0
    for match in _JSON_STRUCTURE.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_JSON_LEVEL:
                return token
        elif token in ("]", "}"):
            depth -= 1
    return None


def number_format_error(error: JavaNumberError) -> JavaException:
    """What `Long.parseLong` throws (query parameters, servlets that read numbers by hand)."""
    return JavaException("java.lang.NumberFormatException", str(error))
