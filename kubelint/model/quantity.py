"""Kubernetes resource quantities (`250m`, `1Gi`, `1e3`), parsed exactly as the API server does.

A port of k8s.io/apimachinery/pkg/api/resource/quantity.go: `parseQuantityString` (the scanner),
`ParseQuantity` (suffix lookup, fast int64 path, slow inf.Dec path, rounding and capping) and
`UnmarshalJSON` (surrounding whitespace trimmed). Values come back as exact `Decimal`s.

Quirks kept on purpose, because the server has them: `.`, `+`, `-`, `Mi` and `k` (no digits at
all) parse as 0; `1.` and `.5` are fine; values round up to 1n; BinarySI values are capped at
2^63-1; exponents wrap like Go's int32.
"""

from __future__ import annotations

import functools
import math
from decimal import Decimal
from typing import Dict, Optional, Tuple, Union

from ..named_tuple import NamedTuple

__all__ = ["QuantityError", "parse_quantity", "parse_quantity_string", "split_quantity",
           "round_up", "round_up_milli", "Number"]

Number = Union[int, float, str]

_DIGITS = frozenset("0123456789")
_SUFFIX_LETTERS = frozenset("eEinumkKMGTP")
# suffix -> power of ten (DecimalSI) and power of two (BinarySI); suffix.go
_DECIMAL_SI: Dict[str, int] = {"": 0, "n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SI: Dict[str, int] = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_MAX_INT64 = 2 ** 63 - 1
_MAX_BINARY = Decimal(_MAX_INT64)  # maxAllowed: BinarySI values are capped here
_MAX_INT64_FACTORS = 18  # decimal digits that always fit in an int64
_NANO = -9
# Go's unicode.IsSpace, used by strings.TrimSpace (Python's str.strip also strips \x1c-\x1f).
_GO_SPACE = "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
            "\u200a\u2028\u2029\u202f\u205f\u3000"

SUFFIX_HELP = "Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E or e<exponent>"
# Distinct quantity strings remembered: manifests repeat a few ("100m", "128Mi") thousands of
# times; a bound keeps memory flat on inputs of many distinct values.
MEMO_SIZE = 4096


class QuantityError(ValueError):
    """The value is not a quantity; `message` says why, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Parts(NamedTuple):  # not a dataclass: cheaper to define on every start
    """What parseQuantityString returns."""

    positive: bool
    value: str  # the number as written, sign included (what the slow path parses)
    num: str  # integer digits without leading zeros; "0" when there are none
    denom: str  # fraction digits
    suffix: str


def _int32(value: int) -> int:
    """Go int32 arithmetic wraps around."""
    return (value + 2 ** 31) % 2 ** 32 - 2 ** 31


@functools.lru_cache(maxsize=MEMO_SIZE)  # _Parts is frozen: sharing one is safe
def _scan(text: str) -> _Parts:
    """parseQuantityString: sign, digits, optional `.digits`, then the suffix characters."""
    positive = True
    pos, end = 0, len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    while pos < end and text[pos] == "0":  # leading zeros
        pos += 1
    if pos >= end:  # nothing but a sign and zeros (or not even that): zero
        return _Parts(positive, "0", "0", "", "")
    i = pos
    while i < end and text[i] in _DIGITS:
        i += 1
    if i >= end:
        return _Parts(positive, text, text[pos:], "", "")
    num = text[pos:i] or "0"
    pos = i
    denom = ""
    if text[pos] == ".":
        pos += 1
        i = pos
        while i < end and text[i] in _DIGITS:
            i += 1
        if i >= end:
            return _Parts(positive, text, num, text[pos:], "")
        denom = text[pos:i]
        pos = i
    value = text[:pos]
    suffix_start = i = pos
    while i < end and text[i] in _SUFFIX_LETTERS:
        i += 1
    if i >= end:
        return _Parts(positive, value, num, denom, text[suffix_start:])
    pos = i
    if text[pos] in "+-":
        pos += 1
    i = pos
    while i < end and text[i] in _DIGITS:
        i += 1
    if i >= end:
        return _Parts(positive, value, num, denom, text[suffix_start:])
    raise QuantityError(_unexpected(text, i))


def _unexpected(text: str, index: int) -> str:
    char = text[index]
    where = f"at position {index + 1}"
    if char in _GO_SPACE:
        joined = "".join(text.split())
        try:
            parse_quantity_string(joined)
        except QuantityError as error:
            return f'unexpected space {where}, and "{joined}" is not valid either: {error.message}'
        return f"unexpected space {where}; write the number and its suffix together, e.g. {joined}"
    hint = _suffix_hint(text[index:]) or _suffix_hint(_letters_before(text, index) + text[index:])
    return f"unexpected {char!r} {where}" + (f"; {hint}" if hint else "")


def _letters_before(text: str, index: int) -> str:
    start = index
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    return text[start:index]


def _suffix_hint(tail: str) -> str:
    """A suggestion for suffixes people often write: `1K`, `1GB`, `512mi`."""
    if tail[:1] == "e" and tail[1:].lstrip("+-") == "":
        return "an exponent needs digits, e.g. 1e3 (or E for 10^18, Ei for 2^60)"
    word = tail.strip().rstrip("bB").lower()
    if word in ("k", "m", "g", "t", "p", "e"):
        decimal = "k" if word == "k" else word.upper()
        return f"did you mean {word.upper()}i (binary, 2^n) or {decimal} (decimal, 10^n)?"
    if word in ("ki", "mi", "gi", "ti", "pi", "ei"):
        return f"did you mean {word[0].upper()}i?"
    return ""


def _interpret(suffix: str) -> Tuple[int, int, str]:
    """suffixer.interpret: (base, exponent, format) or an error."""
    if suffix in _DECIMAL_SI:
        return 10, _DECIMAL_SI[suffix], "DecimalSI"
    if suffix in _BINARY_SI:
        return 2, _BINARY_SI[suffix], "BinarySI"
    if len(suffix) > 1 and suffix[0] in "eE":
        exponent = _go_parse_int64(suffix[1:])
        if exponent is not None:
            return 10, _int32(exponent), "DecimalExponent"
    hint = _suffix_hint(suffix) or f"use one of {SUFFIX_HELP}"
    raise QuantityError(f'unknown suffix "{suffix}"; {hint}')


def _go_parse_int64(text: str) -> Optional[int]:
    """strconv.ParseInt(text, 10, 64): optional sign, ASCII digits, in int64 range."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or any(c not in _DIGITS for c in digits):
        return None
    value = int(text)
    return value if -_MAX_INT64 - 1 <= value <= _MAX_INT64 else None


def _decimal(negative: bool, unscaled: int, exponent: int) -> Decimal:
    """unscaled * 10**exponent, exactly, however large the exponent."""
    if unscaled == 0:
        return Decimal(0)
    return Decimal((1 if negative else 0, tuple(int(d) for d in str(unscaled)), exponent))


def round_up(value: Decimal, exponent: int) -> Decimal:
    """Round the magnitude up to a multiple of 10**exponent (inf.RoundUp; Quantity.RoundUp)."""
    sign, digits, exp = value.as_tuple()
    if not isinstance(exp, int) or exp >= exponent or not any(digits):
        return value
    unscaled = int("".join(map(str, digits)))
    shift = exponent - exp
    if shift > len(digits) + 1:  # the whole value is below one unit
        quotient = 1
    else:
        quotient, remainder = divmod(unscaled, 10 ** shift)
        quotient += remainder > 0
    return _decimal(bool(sign), quotient, exponent)


def round_up_milli(value: Decimal) -> Decimal:
    """What SetDefaults_ResourceList does to every resource value before validation."""
    return round_up(value, -3)


def split_quantity(text: str) -> Tuple[str, str]:
    """(number, suffix) as the scanner splits them; raises QuantityError on a malformed string."""
    if text == "":
        raise QuantityError("empty string")
    parts = _scan(text)
    return parts.value, parts.suffix


def parse_quantity_string(text: str) -> Decimal:
    """ParseQuantity: the exact value of a quantity string, or QuantityError."""
    outcome = _parsed(text)
    if isinstance(outcome, str):
        raise QuantityError(outcome)
    return outcome


@functools.lru_cache(maxsize=MEMO_SIZE)  # Decimals are immutable: sharing one is safe
def _parsed(text: str) -> Union[Decimal, str]:
    """The value, or the QuantityError message: errors are remembered too."""
    try:
        return _parse(text)
    except QuantityError as error:
        return error.message


def _parse(text: str) -> Decimal:
    if text == "":
        raise QuantityError("empty string")
    parts = _scan(text)
    base, exponent, fmt = _interpret(parts.suffix)
    num, denom, negative = parts.num, parts.denom, not parts.positive

    if fmt == "BinarySI":
        scale = 0
        mantissa = 1
        if exponent >= 0 and not denom:
            mantissa = 1 << exponent
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            precision = -1
    else:
        scale = exponent
        mantissa = 1
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))

    if precision >= 0:
        scale = _int32(scale - len(denom))
        if scale >= _NANO:
            result = int(num + denom) * mantissa
            if result <= _MAX_INT64:  # int64Multiply did not overflow: the exact fast path
                return _decimal(negative, result, scale)

    # The slow path: inf.Dec.SetString(value) needs at least one digit.
    if not any(c in _DIGITS for c in parts.value):
        raise QuantityError("no digits in the number")
    unscaled = int(num + denom)
    if base == 10:
        inf_scale = _int32(len(denom) + _int32(-exponent))
        magnitude = _decimal(False, unscaled, -inf_scale)
    else:
        magnitude = _decimal(False, unscaled << exponent, -len(denom))
    magnitude = round_up(magnitude, _NANO)
    if fmt == "BinarySI" and magnitude > _MAX_BINARY:
        magnitude = _MAX_BINARY
    return -magnitude if negative and magnitude else magnitude


def json_text(value: object) -> str:
    """The text UnmarshalJSON would see for a YAML value (numbers as encoding/json writes them)."""
    if isinstance(value, str):  # the common case first
        return value.strip(_GO_SPACE)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise QuantityError(f"must be a string or a number, not {type(value).__name__}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError(f"{value} is not a finite number")
        return repr(value)  # same digits as Go's shortest formatting; the scanner reads both forms
    return str(value)


def parse_quantity(value: Number) -> Decimal:
    """A manifest value (string, int or float) read the way the API server reads it, or QuantityError."""
    return parse_quantity_string(json_text(value))
