from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from lucid_payments.core.errors import InvalidInput
from lucid_payments.core.exception_handler import api_exception_handler
from lucid_payments.core.money import (
    MAX_UNITS,
    Asset,
    Money,
    MoneySerializer,
    asset_decimals,
    format_amount,
    parse_amount,
)


def test_both_assets_have_six_decimals() -> None:
    assert asset_decimals(Asset.TRX) == 6
    assert asset_decimals(Asset.USDT) == 6
    assert asset_decimals("USDT") == 6
    with pytest.raises(ValueError):
        asset_decimals("BTC")


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("1", 1_000_000),
        ("0.000001", 1),
        ("12.50", 12_500_000),
        ("12.5", 12_500_000),
        ("0", 0),
        ("0.0", 0),
        ("007", 7_000_000),
        ("100000000000", 100_000_000_000_000_000),
        ("9223372036854.775807", MAX_UNITS),  # the largest BigIntegerField value
    ],
)
@pytest.mark.parametrize("asset", list(Asset))
def test_valid_amounts_parse_to_exact_base_units(text: str, units: int, asset: Asset) -> None:
    assert parse_amount(text, asset) == units


@pytest.mark.parametrize(
    "text",
    [
        "1e3",
        "1E3",
        "-1",
        "+1",
        "NaN",
        "nan",
        "Infinity",
        "inf",
        "",
        " 1",
        "1 ",
        "1\n",
        "1.0000001",  # seven decimals: refused, never rounded
        "0.0000001",
        "\u0661",  # ARABIC-INDIC DIGIT ONE: a digit to str.isdigit(), not to us
        "\uff11",  # FULLWIDTH DIGIT ONE
        "1.",
        ".5",
        "1,5",
        "1,000",
        "1_000",
        "0x10",
        "12.5 USDT",
        "9223372036854.775808",  # one base unit beyond BigIntegerField
        "99999999999999999999",
        "9" * 41,
        "9" * 5000,  # would also trip Python's int() digit limit
    ],
)
def test_invalid_amount_text_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_amount(text, Asset.USDT)
    assert raised.value.code == "invalid_amount"
    assert raised.value.status_code == 400


@pytest.mark.parametrize("value", [1, 1.5, None, Decimal("1"), True, b"1", ["1"]])
def test_non_strings_are_refused(value: Any) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_amount(value, Asset.TRX)
    assert raised.value.code == "invalid_amount"


def test_parse_errors_reach_the_client_as_400_in_the_error_shape() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_amount("1e3", Asset.TRX)
    response = api_exception_handler(raised.value, {})
    assert response is not None and response.status_code == 400
    assert response.data["error"]["code"] == "invalid_amount"


@pytest.mark.parametrize(
    ("units", "text"),
    [
        (0, "0"),
        (1, "0.000001"),
        (10, "0.00001"),
        (12_500_000, "12.5"),
        (1_000_000, "1"),
        (1_234_567, "1.234567"),
        (-1_500_000, "-1.5"),
        (MAX_UNITS, "9223372036854.775807"),
    ],
)
def test_format_is_canonical(units: int, text: str) -> None:
    assert format_amount(units, Asset.USDT) == text


@pytest.mark.parametrize("value", [1.5, True, Decimal("1"), "1"])
def test_format_accepts_only_integers(value: Any) -> None:
    with pytest.raises(TypeError):
        format_amount(value, Asset.TRX)


@given(units=st.integers(min_value=0, max_value=MAX_UNITS), asset=st.sampled_from(list(Asset)))
def test_format_then_parse_is_identity(units: int, asset: Asset) -> None:
    assert parse_amount(format_amount(units, asset), asset) == units


@given(
    whole=st.integers(min_value=0, max_value=9_223_372_036_853),
    fraction=st.text(alphabet="0123456789", max_size=6),
    leading_zeros=st.integers(min_value=0, max_value=3),
)
def test_parse_then_format_gives_the_canonical_text(
    whole: int, fraction: str, leading_zeros: int
) -> None:
    text = "0" * leading_zeros + str(whole) + (f".{fraction}" if fraction else "")
    canonical_fraction = fraction.rstrip("0")
    canonical = str(whole) + (f".{canonical_fraction}" if canonical_fraction else "")
    units = parse_amount(text, Asset.USDT)
    assert format_amount(units, Asset.USDT) == canonical
    assert parse_amount(canonical, Asset.USDT) == units


@given(
    whole=st.integers(min_value=0, max_value=10**9),
    fraction=st.text(alphabet="0123456789", min_size=7, max_size=12),
)
def test_more_than_six_decimals_is_always_refused(whole: int, fraction: str) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(f"{whole}.{fraction}", Asset.TRX)


# --- Money and its serializer ----------------------------------------------------------


def test_money_is_a_frozen_value() -> None:
    money = Money(12_500_000, Asset.USDT)
    assert money == Money(12_500_000, "USDT")  # type: ignore[arg-type]
    assert (money.amount, str(money)) == ("12.5", "12.5 USDT")
    with pytest.raises(AttributeError):
        money.units = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        Money(1.5, Asset.USDT)  # type: ignore[arg-type]


def test_serializer_reads_and_writes_the_api_shape() -> None:
    serializer = MoneySerializer(data={"amount": "12.50", "asset": "USDT"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == Money(12_500_000, Asset.USDT)
    assert MoneySerializer(Money(12_500_000, Asset.USDT)).data == {
        "amount": "12.5",
        "asset": "USDT",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "1.0000001", "asset": "TRX"}, "amount"),
        ({"amount": "1e3", "asset": "TRX"}, "amount"),
        ({"amount": " 1", "asset": "TRX"}, "amount"),
        ({"amount": 12.5, "asset": "TRX"}, "amount"),
        ({"amount": "0", "asset": "TRX"}, "amount"),
        ({"amount": "1", "asset": "BTC"}, "asset"),
        ({"asset": "TRX"}, "amount"),
    ],
)
def test_serializer_refuses_bad_input_with_a_field_error(body: dict[str, Any], field: str) -> None:
    serializer = MoneySerializer(data=body)
    assert not serializer.is_valid()
    assert field in serializer.errors


def test_serializer_errors_use_the_error_shape() -> None:
    serializer = MoneySerializer(data={"amount": "1.0000001", "asset": "USDT"})
    with pytest.raises(ValidationError) as raised:
        serializer.is_valid(raise_exception=True)
    response = api_exception_handler(raised.value, {})
    assert response is not None and response.status_code == 400
    error = response.data["error"]
    assert error["code"] == "invalid"
    assert error["fields"] == {"amount": ["USDT amounts have at most 6 decimals."]}


def test_serializer_options_zero_and_asset_restriction() -> None:
    zero = MoneySerializer(data={"amount": "0", "asset": "TRX"}, allow_zero=True)
    assert zero.is_valid() and zero.validated_data == Money(0, Asset.TRX)
    usdt_only = MoneySerializer(data={"amount": "1", "asset": "TRX"}, assets=(Asset.USDT,))
    assert not usdt_only.is_valid() and "asset" in usdt_only.errors


def test_serializer_nests_as_a_field() -> None:
    from rest_framework import serializers

    class PayoutInput(serializers.Serializer[Any]):
        to = serializers.CharField()
        money = MoneySerializer()

    payout = PayoutInput(data={"to": "T...", "money": {"amount": "2", "asset": "TRX"}})
    assert payout.is_valid(), payout.errors
    assert payout.validated_data["money"] == Money(2_000_000, Asset.TRX)
    bad = PayoutInput(data={"to": "T...", "money": {"amount": "2.0000001", "asset": "TRX"}})
    assert not bad.is_valid()
    assert "amount" in bad.errors["money"]
