"""kubelint.model.quantity against the grammar and behaviour of k8s.io/apimachinery/pkg/api/resource.

Most cases come from upstream quantity_test.go (TestQuantityParse, TestParseQuantityString,
TestJSONWhitespace); the rest trace parseQuantityString / ParseQuantity by hand (comments say how).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kubelint.model.quantity import (
    QuantityError,
    parse_quantity,
    parse_quantity_string,
    round_up_milli,
    split_quantity,
)

MAX_INT64 = Decimal(2 ** 63 - 1)
KI, MI, GI, TI, PI, EI = (Decimal(2) ** n for n in (10, 20, 30, 40, 50, 60))


def d(text: str) -> Decimal:
    return Decimal(text)


# (input, exact value) from upstream TestQuantityParse; decQuantity(m, e) is m * 10**e.
VALID = [
    ("0", d("0")), ("0n", d("0")), ("0u", d("0")), ("0m", d("0")), ("0Ki", d("0")), ("0k", d("0")),
    ("0Mi", d("0")), ("0M", d("0")), ("0Gi", d("0")), ("0G", d("0")), ("0Ti", d("0")), ("0T", d("0")),
    ("1", d("1")),
    ("1Ki", KI), ("8Ki", 8 * KI), ("7Mi", 7 * MI), ("6Gi", 6 * GI), ("5Ti", 5 * TI), ("4Pi", 4 * PI),
    ("3Ei", 3 * EI), ("10Ti", 10 * TI), ("100Ti", 100 * TI),
    ("5n", d("5e-9")), ("4u", d("4e-6")), ("3m", d("3e-3")), ("9", d("9")), ("8k", d("8e3")),
    ("50k", d("5e4")), ("7M", d("7e6")), ("6G", d("6e9")), ("5T", d("5e12")), ("40T", d("4e13")),
    ("300T", d("3e14")), ("2P", d("2e15")), ("1E", d("1e18")),
    ("1E-3", d("1e-3")), ("1e3", d("1e3")), ("1E6", d("1e6")), ("1e9", d("1e9")), ("1E12", d("1e12")),
    ("1e15", d("1e15")), ("1E18", d("1e18")), ("1e14", d("1e14")), ("1e13", d("1e13")),
    ("100.035k", d("100035")),
    ("0.001", d("0.001")), ("0.0005k", d("0.5")), ("0.005", d("0.005")), ("0.05", d("0.05")),
    ("0.5", d("0.5")), ("0.00050k", d("0.5")), ("0.00500", d("0.005")), ("0.05000", d("0.05")),
    ("0.50000", d("0.5")), ("0.5e0", d("0.5")), ("0.5e-1", d("0.05")), ("0.5e-2", d("0.005")),
    ("10.035M", d("10035e3")),
    ("1.2e3", d("1200")), ("1.3E+6", d("1.3e6")), ("1.40e9", d("1.4e9")), ("1.53E12", d("1.53e12")),
    ("1.6e15", d("1.6e15")), ("1.7E18", d("1.7e18")),
    ("9.01", d("9.01")), ("8.1k", d("8100")), ("7.123456M", d("7123456")),
    ("6.987654321G", d("6987654321")), ("5.444T", d("5.444e12")), ("40.1T", d("4.01e13")),
    ("300.2T", d("3.002e14")), ("2.5P", d("2.5e15")), ("1.01E", d("1.01e18")),
    # things that saturate or round (up, to 1n)
    ("3.001n", d("4e-9")), ("1.1E-9", d("2e-9")), ("0.0000000001", d("1e-9")),
    ("0.0000000005", d("1e-9")), ("0.00000000050", d("1e-9")), ("0.5e-9", d("1e-9")),
    ("0.9n", d("1e-9")), ("0.00000012345", d("124e-9")), ("0.00000012354", d("124e-9")),
    ("9Ei", MAX_INT64), ("9223372036854775807Ki", MAX_INT64), ("12E", d("12e18")),
    # fractional binary
    ("100.035Ki", d("102435.84")), ("0.5Mi", d("524288")), ("0.05Gi", d("53687091.2")),
    ("0.025Ti", d("27487790694.4")),
    # "things written by trolls"
    ("0.000000000001Ki", d("2e-9")), (".001", d("0.001")), (".0001k", d("0.1")), ("1.", d("1")),
    ("1.G", d("1e9")),
    # TestQuantityParseEmit
    (".001Ki", d("1.024")), (".000001Ki", d("0.001024")), (".000000001Ki", d("0.000001024")),
    (".000000000001Ki", d("2e-9")),
]


@pytest.mark.parametrize("text,expected", VALID, ids=[t for t, _ in VALID])
def test_valid_quantities(text: str, expected: Decimal) -> None:
    assert parse_quantity_string(text) == expected
    # upstream also parses every case with an explicit sign
    assert parse_quantity_string("+" + text) == expected
    assert parse_quantity_string("-" + text) == -expected


# Traced through parseQuantityString / ParseQuantity by hand.
QUIRKS = [
    (".", d("0")),  # TestParseQuantityString: value ".", num "0"
    ("-.", d("0")),
    ("+", d("0")), ("-", d("0")),  # the zero-stripping loop reaches the end: "0"
    ("000", d("0")), ("-000", d("0")), ("007", d("7")),
    ("Mi", d("0")),  # no digits: num "0", fast path (precision 7) never reads the empty value
    ("Ki", d("0")), ("Gi", d("0")), ("Ti", d("0")),
    ("k", d("0")), ("m", d("0")), ("E", d("0")),
    (".e-9", d("0")),  # scale -9: still the fast path
    ("5.", d("5")), ("+.5", d("0.5")), ("250m", d("0.25")), ("1e+3", d("1000")), ("1E-0003", d("0.001")),
    ("1e4294967296", d("1")),  # ParseInt fits int64, then int32(2^32) wraps to 0
    ("1.5e2147483647", d("1.5e2147483647")),  # huge, and exact
    ("0.1e-2147483648", d("1e2147483647")),  # scale - len(denom) wraps around in int32
    ("10Ei", MAX_INT64), ("1.5Ei", d("1729382256910270464")),  # slow path, under the cap
    ("1e-10", d("1e-9")), ("-1e-10", d("-1e-9")),
    ("123456789012345678901234567890", d("123456789012345678901234567890")),  # slow path, not capped
]


@pytest.mark.parametrize("text,expected", QUIRKS, ids=[t for t, _ in QUIRKS])
def test_quirks_match_the_go_parser(text: str, expected: Decimal) -> None:
    assert parse_quantity_string(text) == expected


INVALID = [
    # upstream TestQuantityParse invalid list
    "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ",
    # the empty string, wrong units, spaces, doubled points
    "", "1gb", "1GB", "1Gb", "1K", "1KiB", "512 Mi", "1.5.5", "1mi", "1kb", "1Mb", "2GiB", "1 Gi",
    "1,5", "1_000", "0x10", "ten", "1e", "1E+", "1e3.5", "1ee3", "1e99999999999999999999", "--1",
    "+-1", "1-", "1Mi2", "Mi5", "1.5Mi ", "１", "1\t",
    "Pi", "Ei",  # no digits and precision < 0: the slow path cannot read an empty number
    ".e-10", "+.Ei",
]


@pytest.mark.parametrize("text", INVALID)
def test_invalid_quantities(text: str) -> None:
    with pytest.raises(QuantityError) as info:
        parse_quantity_string(text)
    assert info.value.message


@pytest.mark.parametrize("text,hint", [
    ("1gb", "did you mean Gi"), ("1K", "did you mean Ki"), ("1mi", "did you mean Mi?"),
    ("512 Mi", "e.g. 512Mi"), ("1e", "an exponent needs digits"), ("", "empty string"),
    ("1.5.5", "unexpected '.' at position 4"),
])
def test_error_messages_help(text: str, hint: str) -> None:
    with pytest.raises(QuantityError) as info:
        parse_quantity_string(text)
    assert hint in info.value.message


@pytest.mark.parametrize("text,number,suffix", [
    # upstream TestParseQuantityString (value and suffix)
    ("0.025Ti", "0.025", "Ti"), ("1.025Ti", "1.025", "Ti"), ("-1.025Ti", "-1.025", "Ti"),
    (".", ".", ""), ("-.", "-.", ""), ("1E-3", "1", "E-3"),
    ("Mi", "", "Mi"), ("250m", "250", "m"),
])
def test_split(text: str, number: str, suffix: str) -> None:
    assert split_quantity(text) == (number, suffix)


@pytest.mark.parametrize("value,expected", [
    # UnmarshalJSON trims whitespace (TestJSONWhitespace), numbers are their JSON text
    (" 1", d("1")), ("1 ", d("1")), ("\t1Gi\n", GI), (1, d("1")), (-1, d("-1")), (10, d("10")),
    (0.5, d("0.5")), (1e-07, d("1e-7")), (1e21, d("1e21")), (1.5e-10, d("1e-9")), (0, d("0")),
])
def test_parse_manifest_values(value: object, expected: Decimal) -> None:
    assert parse_quantity(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [True, None, [1], {"a": 1}, float("inf"), float("nan"), "", "  ", "\x1c1"])
def test_parse_manifest_values_rejects(value: object) -> None:
    with pytest.raises(QuantityError):
        parse_quantity(value)  # type: ignore[arg-type]


def test_round_up_milli_as_set_defaults_resource_list() -> None:
    assert round_up_milli(parse_quantity("0.5m")) == d("0.001")
    assert round_up_milli(parse_quantity("1.0001")) == d("1.001")
    assert round_up_milli(parse_quantity("1.5Gi")) == d("1610612736")
    assert round_up_milli(parse_quantity("-0.0001")) == d("-0.001")
    assert round_up_milli(parse_quantity("1e-300")) == d("0.001")
    assert round_up_milli(parse_quantity("0")) == 0
