"""Country codes of identity data: ISO 3166-1 alpha-2, checked against pycountry's copy of
the standard (Debian's iso-codes), not a list of our own that would drift."""

from __future__ import annotations

import pycountry


def is_iso_country(code: str) -> bool:
    """Whether ``code`` is an assigned ISO 3166-1 alpha-2 code, upper case (``DE``); the
    user-assigned and reserved ranges (``AA``, ``XX``, ``ZZ``) are not countries."""
    return len(code) == 2 and code.isupper() and code in _ALPHA_2


_ALPHA_2: frozenset[str] = frozenset(country.alpha_2 for country in pycountry.countries)
