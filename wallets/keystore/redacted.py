"""A container for secret bytes that never shows them by accident."""

from __future__ import annotations


class RedactedBytes:
    """Secret material (a seed, a private key) in memory.

    ``repr``/``str`` and formatting never show the content, so a secret in a local
    variable cannot leak through a log line, an exception message or a traceback's
    locals. Call ``reveal()`` at the one place that needs the bytes (signing, deriving).
    """

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        self._value = bytes(value)

    def reveal(self) -> bytes:
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RedactedBytes):
            return NotImplemented
        import hmac

        return hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:
        return hash(("RedactedBytes", len(self._value)))

    def __repr__(self) -> str:
        return f"<RedactedBytes: {len(self._value)} bytes hidden>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("RedactedBytes cannot be pickled")
