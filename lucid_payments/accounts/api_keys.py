"""The API key format and its hash.

A key reads ``lp_live_ab12cd34_<43 random url-safe chars>``: the first 16 characters are
the public prefix operators see in the admin, the rest is the secret. ``lp_live`` marks
keys of a mainnet deployment, ``lp_test`` every other network, so a key pasted into the
wrong environment is recognisable at a glance.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from django.conf import settings

_KEY_PATTERN = re.compile(r"^lp_(live|test)_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$")


def new_api_key() -> tuple[str, str]:
    """A fresh ``(prefix, plaintext key)`` pair."""
    environment = "live" if settings.TRON_NETWORK == "mainnet" else "test"
    prefix = f"lp_{environment}_{secrets.token_hex(4)}"
    return prefix, f"{prefix}_{secrets.token_urlsafe(32)}"


def looks_like_api_key(candidate: str) -> bool:
    """Cheap shape check before touching the database."""
    return _KEY_PATTERN.fullmatch(candidate) is not None


def hash_api_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()
