"""A service's API routes as the table they are: one row a route."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views import View


def routes(*table: tuple[str, type[View], str]) -> list[URLPattern]:
    """``path(pattern, view.as_view(), name=name)`` for each ``(pattern, view, name)``."""
    return [path(pattern, view.as_view(), name=name) for pattern, view, name in table]
