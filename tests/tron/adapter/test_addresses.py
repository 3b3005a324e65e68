from __future__ import annotations

import pytest

from lucid_payments.core.errors import InvalidInput
from lucid_payments.tron.addresses import hex_to_base58, is_valid, normalize_address, to_hex

BASE58 = "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8"


def test_hex_and_base58_are_the_same_address() -> None:
    hex_form = to_hex(BASE58)
    assert hex_form.startswith("41") and len(hex_form) == 42
    assert normalize_address(hex_form) == BASE58
    assert normalize_address(hex_form.upper()) == BASE58
    assert hex_to_base58(hex_form) == BASE58


@pytest.mark.parametrize(
    "text",
    [
        "",
        "TJRabPrwbZy45sbavfcjinPJC18kjpRTv9",  # checksum broken
        "TJRabPrwbZy45sbavfcjinPJC18kjpRTv",  # too short
        "42" + "00" * 20,  # wrong prefix byte
        "41" + "zz" * 20,  # not hex
        "0x" + "00" * 20,
    ],
)
def test_bad_addresses_are_refused(text: str) -> None:
    assert not is_valid(text)
    with pytest.raises(InvalidInput) as caught:
        normalize_address(text)
    assert caught.value.fields == {"address": ["Not a valid TRON address."]}


def test_non_strings_are_not_addresses() -> None:
    assert not is_valid(None)
    assert not is_valid(41)
