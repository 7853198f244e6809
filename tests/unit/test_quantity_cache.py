"""Remembered quantity parses answer as fresh ones do, errors included."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kubelint.model.quantity import QuantityError, parse_quantity_string, split_quantity


@pytest.mark.parametrize("text", ["128Mi", "0.5", "1.0", "100m", "1e3"])
def test_a_second_parse_gives_the_same_exact_value(text):
    first, second = parse_quantity_string(text), parse_quantity_string(text)
    assert first == second and str(first) == str(second)


def test_one_and_one_point_zero_stay_distinct():
    assert str(parse_quantity_string("1")) == "1"
    assert str(parse_quantity_string("1.0")) == "1.0"
    assert parse_quantity_string("1") == Decimal(1)


@pytest.mark.parametrize("text", ["1GB", "", "12 Mi", "1e"])
def test_a_remembered_error_is_raised_again_with_its_message(text):
    with pytest.raises(QuantityError) as first:
        parse_quantity_string(text)
    with pytest.raises(QuantityError) as second:
        parse_quantity_string(text)
    assert first.value is not second.value
    assert first.value.message == second.value.message == str(second.value)


def test_split_quantity_still_rejects_a_malformed_string_every_time():
    for _ in range(2):
        with pytest.raises(QuantityError):
            split_quantity("1.2.3")
