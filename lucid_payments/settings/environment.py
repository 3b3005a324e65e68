"""Strict readers for configuration that comes from the environment.

Secrets can be given inline (``NAME``) or as a path to a file (``NAME_FILE``), the usual
pattern for Docker and Kubernetes secrets; giving both is ambiguous and refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def secret(name: str, *, default: str | None = None) -> str | None:
    """Return ``NAME`` or the stripped contents of the file named by ``NAME_FILE``."""
    inline = os.environ.get(name)
    file_name = os.environ.get(f"{name}_FILE")
    if inline and file_name:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if file_name:
        path = Path(file_name)
        if not path.is_file():
            raise ImproperlyConfigured(f"{name}_FILE points at {file_name}, which is not a file.")
        return path.read_text().strip()
    return inline if inline else default


def choice(name: str, *, allowed: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in allowed:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(allowed)}.")
    return value
