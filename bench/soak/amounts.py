"""Amounts as the soak handles them: integer base units (TRX and USDT both have 6
decimals), turned into the API's decimal strings by integer arithmetic only."""

from __future__ import annotations

UNIT = 1_000_000  # base units per TRX (SUN) and per USDT


def decimal_string(base_units: int) -> str:
    whole, fraction = divmod(base_units, UNIT)
    return f"{whole}.{fraction:06d}".rstrip("0").rstrip(".")


def base_units(text: str) -> int:
    """The API's decimal string back to base units, exactly."""
    whole, _, fraction = text.partition(".")
    return int(whole) * UNIT + int(fraction.ljust(6, "0")[:6] or "0")
