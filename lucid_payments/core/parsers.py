"""Request body parsers that turn every malformed body into a 400, never a 500."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus: a body nested deeper than Python's recursion limit is a
    400 ``malformed_request``. ``json.loads`` raises ``RecursionError`` there, which DRF
    does not catch, so a few kilobytes of brackets would otherwise crash any endpoint."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the body is nested too deeply.") from exc
