"""Public ids of objects that leave the platform (events, webhook endpoints, invoices):
a type prefix and 22 random base62 characters (about 131 bits), so an id can be neither
guessed nor enumerated, and its kind is visible in a log line."""

from __future__ import annotations

import secrets
import string

ALPHABET = string.digits + string.ascii_letters
RANDOM_LENGTH = 22


def public_id(prefix: str) -> str:
    """``prefix`` + ``_`` + 22 random characters, e.g. ``evt_4fQ…``."""
    return f"{prefix}_" + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
