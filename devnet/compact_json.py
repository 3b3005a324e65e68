"""`json.dumps(value, separators=(",", ":"))`, for the node's hot paths.

`json.dumps` builds a new encoder object for every call, a third of the cost of encoding a
small receipt, and the node encodes one per admitted transaction. This module builds the C
encoder once. Its output is json.dumps's (same escaping: ASCII only); it skips the circular
reference check, so it is only for the acyclic values the node writes itself.
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any


def _make_dumps() -> Callable[[Any], str]:
    encoder = json.JSONEncoder(separators=(",", ":"), check_circular=False)
    make_encoder = json.encoder.c_make_encoder  # type: ignore[attr-defined]  # not in typeshed
    if make_encoder is None:  # an interpreter without the C accelerator
        return encoder.encode
    iterencode = make_encoder(
        None,  # markers: no circular check
        encoder.default,
        json.encoder.encode_basestring_ascii,
        None,  # indent
        ":",
        ",",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan
    )
    return lambda value: "".join(iterencode(value, 0))


dumps_compact: Callable[[Any], str] = _make_dumps()
