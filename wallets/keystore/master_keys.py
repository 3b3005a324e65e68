"""The master key ring: the current key (wraps) and retired keys (still unwrap).

Keys come from settings (``LUCID_MASTER_KEY`` / ``LUCID_MASTER_KEYS_RETIRED``, 32 bytes
each, base64). A key's id is a fingerprint of the key itself, so nothing has to be
configured twice and the id can be stored, logged and shown without revealing the key.
In development with no key configured, one is generated under ``LUCID_HOME`` (mode 0600)
on first use, and a warning says so.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

KEY_BYTES = 32
DEV_KEY_RELATIVE_PATH = Path("keystore") / "master.key"


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    material: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"MasterKey(key_id={self.key_id!r})"


@dataclass(frozen=True)
class Keyring:
    current: MasterKey
    retired: tuple[MasterKey, ...] = ()

    def by_id(self, key_id: str) -> MasterKey | None:
        for key in (self.current, *self.retired):
            if key.key_id == key_id:
                return key
        return None


def key_id_for(material: bytes) -> str:
    """A stable, non-secret name for a key: a domain-separated SHA-256 fingerprint."""
    return hashlib.sha256(b"lucid-master-key-id:v1:" + material).hexdigest()[:16]


def parse_master_key(encoded: str, *, source: str) -> MasterKey:
    """Decode a base64 key. Errors name the setting, never the value."""
    text = encoded.strip()
    try:
        material = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError):
        material = b""
    if len(material) != KEY_BYTES:
        raise ImproperlyConfigured(f"{source} must be {KEY_BYTES} random bytes, base64-encoded.")
    return MasterKey(key_id=key_id_for(material), material=material)


def generate_master_key_text() -> str:
    """A fresh key in the form LUCID_MASTER_KEY expects."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def _development_key(home: Path) -> MasterKey:
    path = home / DEV_KEY_RELATIVE_PATH
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            # O_EXCL: two processes starting together must not both write a key.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_master_key_text() + "\n")
            logger.warning(
                "No LUCID_MASTER_KEY configured: generated a development master key at %s. "
                "Set LUCID_MASTER_KEY (or LUCID_MASTER_KEY_FILE) for anything real.",
                path,
            )
    return parse_master_key(path.read_text(), source=str(path))


_cache: dict[tuple[str, tuple[str, ...], str], Keyring] = {}


def get_keyring() -> Keyring:
    """The configured key ring (cached per configuration, so tests can override it)."""
    current_text: str = getattr(settings, "LUCID_MASTER_KEY", "")
    retired_texts = tuple(getattr(settings, "LUCID_MASTER_KEYS_RETIRED", ()))
    home = str(settings.LUCID_HOME)
    cache_key = (current_text, retired_texts, home)
    if cache_key not in _cache:
        if current_text:
            current = parse_master_key(current_text, source="LUCID_MASTER_KEY")
        elif getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("Production needs LUCID_MASTER_KEY.")
        else:
            current = _development_key(Path(home))
        retired = tuple(
            parse_master_key(text, source="LUCID_MASTER_KEYS_RETIRED") for text in retired_texts
        )
        _cache.clear()
        _cache[cache_key] = Keyring(
            current=current, retired=tuple(k for k in retired if k.key_id != current.key_id)
        )
    return _cache[cache_key]
