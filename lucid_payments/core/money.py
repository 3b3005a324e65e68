"""Money: integer base units inside, decimal strings with an asset code at the API edge.

``parse_amount("12.5", Asset.USDT) == 12_500_000`` and back with ``format_amount``.
Parsing is strict on purpose: a payment API that guesses (rounds extra decimals, accepts
"1e3" or " 1") eventually pays the wrong amount. Anything but a plain non-negative
decimal with at most the asset's decimals is a 400 ``invalid_amount``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from rest_framework import serializers

from lucid_payments.core.errors import InvalidInput


class Asset(models.TextChoices):
    TRX = "TRX", "TRX"
    USDT = "USDT", "USDT (TRC20)"


_DECIMALS: dict[Asset, int] = {Asset.TRX: 6, Asset.USDT: 6}

# Amounts are stored in BigIntegerField (signed 64-bit).
MAX_UNITS = 2**63 - 1
# Longer than any amount that fits in MAX_UNITS; refusing early keeps int() off huge input.
_MAX_TEXT_LENGTH = 40
# ASCII digits only: str.isdigit() and \d would accept U+0661 (ARABIC-INDIC DIGIT ONE) and friends.
_PLAIN_DECIMAL = re.compile(r"(?P<whole>[0-9]+)(?:\.(?P<fraction>[0-9]+))?")


def asset_decimals(asset: Asset | str) -> int:
    return _DECIMALS[Asset(asset)]


def _invalid(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_amount")


def parse_amount(text: object, asset: Asset | str) -> int:
    """A decimal string such as ``"12.5"`` → integer base units of ``asset``.

    Raises ``InvalidInput`` (code ``invalid_amount``) for non-strings, empty text,
    whitespace, signs, exponents, NaN/Infinity, non-ASCII digits, more decimals than the
    asset has, and values beyond the 64-bit range we store.
    """
    decimals = asset_decimals(asset)
    if not isinstance(text, str):
        raise _invalid('An amount must be a string such as "12.5", not a JSON number.')
    if len(text) > _MAX_TEXT_LENGTH:
        raise _invalid("The amount is too large.")
    match = _PLAIN_DECIMAL.fullmatch(text)
    if match is None:
        raise _invalid(
            'An amount must be a plain non-negative decimal such as "12.5" '
            "(no sign, exponent, spaces or thousands separators)."
        )
    fraction = match["fraction"] or ""
    if len(fraction) > decimals:
        raise _invalid(f"{Asset(asset).value} amounts have at most {decimals} decimals.")
    units = int(match["whole"]) * 10**decimals + int(fraction.ljust(decimals, "0") or "0")
    if units > MAX_UNITS:
        raise _invalid("The amount is too large.")
    return units


def format_amount(units: int, asset: Asset | str) -> str:
    """Integer base units → the canonical decimal string: no trailing zeros, no point for
    whole amounts (``12_500_000`` → ``"12.5"``, ``0`` → ``"0"``). Negative units (ledger
    debits) keep their sign."""
    if isinstance(units, bool) or not isinstance(units, int):
        raise TypeError(f"amounts are integer base units, got {type(units).__name__}")
    decimals = asset_decimals(asset)
    whole, fraction = divmod(abs(units), 10**decimals)
    sign = "-" if units < 0 else ""
    fraction_text = str(fraction).rjust(decimals, "0").rstrip("0")
    return f"{sign}{whole}.{fraction_text}" if fraction_text else f"{sign}{whole}"


@dataclass(frozen=True)
class Money:
    units: int
    asset: Asset

    def __post_init__(self) -> None:
        if isinstance(self.units, bool) or not isinstance(self.units, int):
            raise TypeError("Money.units must be an int of base units")
        object.__setattr__(self, "asset", Asset(self.asset))

    @property
    def amount(self) -> str:
        return format_amount(self.units, self.asset)

    def __str__(self) -> str:
        return f"{self.amount} {self.asset.value}"


class MoneySerializer(serializers.Serializer[Any]):
    """``{"amount": "12.5", "asset": "USDT"}`` ⇄ ``Money``.

    ``assets`` restricts the accepted assets; ``allow_zero`` admits "0" (off by default:
    an amount to move is positive). Use as a nested field (``price = MoneySerializer()``,
    validated value is a ``Money``) or on its own.
    """

    amount = serializers.CharField(
        trim_whitespace=False, help_text='Decimal string in the asset\'s units, e.g. "12.5".'
    )
    asset = serializers.ChoiceField(choices=Asset.choices)

    def __init__(
        self,
        *args: Any,
        assets: tuple[Asset, ...] | None = None,
        allow_zero: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.allowed_assets = assets
        self.allow_zero = allow_zero
        if assets is not None:
            self.fields["asset"] = serializers.ChoiceField(
                choices=[(a.value, a.label) for a in assets]
            )

    def to_internal_value(self, data: Any) -> Money:
        # DRF's CharField would turn a JSON number into a string; an amount must arrive as
        # text so that 0.1 never passes through a float.
        if isinstance(data, dict) and "amount" in data and not isinstance(data["amount"], str):
            raise serializers.ValidationError(
                {"amount": ['An amount must be a string such as "12.5".']}, code="invalid_amount"
            )
        attrs = super().to_internal_value(data)
        asset = Asset(attrs["asset"])
        try:
            units = parse_amount(attrs["amount"], asset)
        except InvalidInput as exc:
            raise serializers.ValidationError(
                {"amount": [exc.message]}, code="invalid_amount"
            ) from exc
        if units == 0 and not self.allow_zero:
            raise serializers.ValidationError(
                {"amount": ["The amount must be greater than zero."]}, code="invalid_amount"
            )
        return Money(units, asset)

    def to_representation(self, instance: Money) -> dict[str, str]:
        return {"amount": instance.amount, "asset": instance.asset.value}
