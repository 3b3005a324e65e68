"""The devnet reads numbers and JSON as java-tron does (devnet/java_input.py), not as Python."""

from __future__ import annotations

import pytest

from devnet.errors import JavaException
from devnet.java_input import (
    INT64_MAX,
    INT64_MIN,
    MAX_JSON_LEVEL,
    JavaNumberError,
    int64_value,
    parse_json,
    parse_long,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0", 0),
        ("+7", 7),
        ("-7", -7),
        ("00012", 12),
        (str(INT64_MAX), INT64_MAX),
        (str(INT64_MIN), INT64_MIN),
        ("\u0661\u0662", 12),  # Arabic-Indic digits: java's Character.digit accepts them
        ("\uff13", 3),  # a fullwidth digit, the same
    ],
)
def test_parse_long_accepts_what_long_parse_long_accepts(text: str, number: int) -> None:
    assert parse_long(text) == number


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-",
        "+",
        "--5",
        "+-5",
        "\u00b2",  # superscript two: str.isdigit() says yes, int() and java say no
        "1_000",  # int() accepts underscores, java does not
        " 7",  # nor spaces
        "0x10",
        "1e3",
        "1.5",
        str(INT64_MAX + 1),
        str(INT64_MIN - 1),
    ],
)
def test_parse_long_refuses_with_java_s_message(text: str) -> None:
    with pytest.raises(JavaNumberError) as refused:
        parse_long(text)
    assert str(refused.value) == f'For input string: "{text}"'


def test_int64_value_reads_numbers_as_json_format_does() -> None:
    assert int64_value(INT64_MAX) == INT64_MAX
    assert int64_value(" 42 ") == 42
    assert int64_value(True) == 1
    for value, message in [
        (INT64_MAX + 1, f"Number out of range for 64-bit signed integer: {INT64_MAX + 1}"),
        (1.5, 'For input string: "1.5"'),
        ([1], 'For input string: "["'),
    ]:
        with pytest.raises(JavaNumberError) as refused:
            int64_value(value)
        assert str(refused.value) == message


def test_parse_json_allows_fastjson_s_depth_and_no_more() -> None:
    deepest = "[" * MAX_JSON_LEVEL + "]" * MAX_JSON_LEVEL
    assert parse_json(deepest) is not None
    with pytest.raises(JavaException) as refused:
        parse_json("[" + deepest + "]")
    assert refused.value.body() == {
        "Error": f"class com.alibaba.fastjson.JSONException : array level > {MAX_JSON_LEVEL}"
    }
    objects = '{"a":' * (MAX_JSON_LEVEL + 1) + "1" + "}" * (MAX_JSON_LEVEL + 1)
    with pytest.raises(JavaException) as refused:
        parse_json(objects)
    assert refused.value.message == f"object key level > {MAX_JSON_LEVEL}"


def test_parse_json_counts_only_brackets_outside_strings() -> None:
    text = '{"text": "' + "[" * 5000 + '", "more": "\\"[[[["}'
    assert parse_json(text)["more"] == '"[[[['


def test_parse_json_reports_syntax_errors_as_fastjson_exceptions() -> None:
    with pytest.raises(JavaException) as refused:
        parse_json('{"num": 1')
    assert refused.value.java_class == "com.alibaba.fastjson.JSONException"
    assert refused.value.message.startswith("syntax error, ")
