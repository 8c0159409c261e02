"""Behaviour of tradai.common.utils.decimal: exact, ccxt-style precision."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.utils import decimal as ud
from tradai.common.utils.decimal import (
    DECIMAL_PLACES,
    ROUND,
    ROUND_UP,
    SIGNIFICANT_DIGITS,
    TICK_SIZE,
    TRUNCATE,
)

# ------------------------------------------------------------------------------ safe_decimal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.1, "0.1"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-7, "1E-7"),
        (3, "3"),
        (-2, "-2"),
        (Decimal("1.50"), "1.50"),
        ("1.5", "1.5"),
        ("-0.000123", "-0.000123"),
        ("+7", "7"),
        (".5", "0.5"),
        ("5.", "5"),
        ("1e5", "1E+5"),
        ("-1.5E-3", "-0.0015"),
        ("-0", "0"),
        (Decimal("-0.00"), "0"),
    ],
)
def test_safe_decimal_converts_without_binary_float_artefacts(value: object, expected: str) -> None:
    result = ud.safe_decimal(value)  # type: ignore[arg-type]  # parametrised
    assert result == Decimal(expected)
    assert str(result) == str(Decimal(expected))


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        "NaN",
        "inf",
        "",
        " 1.5",
        "1.5 ",
        "1.5\n",
        "1_000",
        "１",
        "1,5",
        "0x10",
        "1.5;rm",
        "--1",
        "1e",
        True,
        None,
        [1],
        b"1",
        "1e1001",
        Decimal("1e-1001"),
        10**1001,
    ],
)
def test_safe_decimal_refuses_non_finite_malformed_and_out_of_range_input(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        ud.safe_decimal(value, field="price")  # type: ignore[arg-type]  # proving the check
    assert info.value.field == "price"


def test_safe_decimal_accepts_the_edges_of_the_supported_range() -> None:
    assert ud.safe_decimal("9e1000") == Decimal("9e1000")
    assert ud.safe_decimal("1e-1000") == Decimal("1e-1000")


# ------------------------------------------------------------------------------ to_precision


@pytest.mark.parametrize(
    ("value", "precision", "rounding", "expected"),
    [
        ("1.23456", 2, TRUNCATE, "1.23"),
        ("1.23556", 2, TRUNCATE, "1.23"),
        ("1.235", 2, ROUND, "1.24"),
        ("1.234999", 2, ROUND, "1.23"),
        ("1.2301", 2, ROUND_UP, "1.24"),
        ("1.23", 2, ROUND_UP, "1.23"),
        ("-1.235", 2, ROUND, "-1.24"),  # halves away from zero
        ("-1.239", 2, TRUNCATE, "-1.23"),  # towards zero
        ("-1.231", 2, ROUND_UP, "-1.24"),  # away from zero
        ("1.5", 2, ROUND, "1.50"),
        ("1234.5", 0, ROUND, "1235"),
        ("1234.5", -2, TRUNCATE, "1200"),
        ("1250", -2, ROUND, "1300"),
        ("-0.001", 2, TRUNCATE, "0.00"),
        (0, 3, ROUND, "0.000"),
    ],
)
def test_to_precision_counts_decimal_places(
    value: str, precision: int, rounding: ud.RoundingMode, expected: str
) -> None:
    result = ud.to_precision(value, precision, rounding=rounding)
    assert str(result) == expected


@pytest.mark.parametrize(
    ("value", "digits", "rounding", "expected"),
    [
        ("0.000123456", 3, ROUND, "0.000123"),
        ("123456", 2, TRUNCATE, "120000"),
        ("123456", 2, ROUND_UP, "130000"),
        ("9.99", 2, ROUND, "10.0"),
        ("-0.0456", 1, ROUND, "-0.05"),
        ("0", 3, ROUND, "0"),
    ],
)
def test_to_precision_counts_significant_digits(
    value: str, digits: int, rounding: ud.RoundingMode, expected: str
) -> None:
    result = ud.to_precision(value, digits, rounding=rounding, counting=SIGNIFICANT_DIGITS)
    assert result == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "tick", "rounding", "expected"),
    [
        ("101.37", "0.25", TRUNCATE, "101.25"),
        ("101.37", "0.25", ROUND, "101.25"),
        ("101.375", "0.25", ROUND, "101.50"),
        ("101.26", "0.25", ROUND_UP, "101.50"),
        ("123", "5", ROUND, "125"),
        ("-123", "5", TRUNCATE, "-120"),
        ("0.30000000000000004", "0.1", ROUND, "0.3"),
        ("0.123456", 0.001, TRUNCATE, "0.123"),
        ("1234", "1E+1", TRUNCATE, "1230"),
        ("7", "3", ROUND, "6"),
        ("7.5", "3", ROUND, "9"),
    ],
)
def test_to_precision_rounds_to_tick_sizes(
    value: str, tick: object, rounding: ud.RoundingMode, expected: str
) -> None:
    result = ud.to_precision(value, tick, rounding=rounding, counting=TICK_SIZE)  # type: ignore[arg-type]
    assert str(result) == expected


def test_results_use_the_steps_exponent_and_never_exponent_notation() -> None:
    assert str(ud.to_precision("1234.5", -2)) == "1200"
    assert str(ud.round_to_tick("1234", "1E+2")) == "1200"
    assert str(ud.round_to_tick("1.2", "0.50")) == "1.0"
    assert ud.decimal_places("0.50") == 1


def test_modes_may_be_given_by_their_string_values() -> None:
    assert ud.to_precision("1.29", 1, rounding="truncate", counting="decimal_places") == Decimal(
        "1.2"
    )
    assert ud.RoundingMode("round_up") is ROUND_UP
    assert ud.CountingMode("tick_size") is TICK_SIZE


def test_default_modes_are_round_and_decimal_places_like_ccxt() -> None:
    assert ud.to_precision("2.675", 2) == Decimal("2.68")  # float 2.675 would give 2.67


def test_unknown_modes_are_refused_naming_the_argument() -> None:
    with pytest.raises(ValidationError, match="round_half_even") as info:
        ud.to_precision("1", 1, rounding="round_half_even")
    assert info.value.field == "rounding"
    with pytest.raises(ValidationError) as info:
        ud.to_precision("1", 1, counting="digits")
    assert info.value.field == "counting"


@pytest.mark.parametrize(
    ("precision", "counting"),
    [
        (1.5, DECIMAL_PLACES),
        ("2", DECIMAL_PLACES),
        (True, DECIMAL_PLACES),
        (1001, DECIMAL_PLACES),
        (-1001, DECIMAL_PLACES),
        (0, SIGNIFICANT_DIGITS),
        (-1, SIGNIFICANT_DIGITS),
        ("0", TICK_SIZE),
        ("-0.01", TICK_SIZE),
        ("NaN", TICK_SIZE),
    ],
)
def test_invalid_precisions_are_refused(precision: object, counting: ud.CountingMode) -> None:
    with pytest.raises(ValidationError) as info:
        ud.to_precision("1.5", precision, counting=counting)  # type: ignore[arg-type]
    assert info.value.field == "precision"


def test_extreme_but_supported_magnitudes_stay_exact() -> None:
    assert ud.to_precision("1e-1000", 1000) == Decimal("1e-1000")
    big = Decimal("123456789" * 50 + ".987654321")
    assert ud.to_precision(big, 3, rounding=TRUNCATE) == Decimal("123456789" * 50 + ".987")
    assert ud.round_to_tick("9e1000", "1e-1000", rounding=TRUNCATE) == Decimal("9e1000")


# ---------------------------------------------------------------------- tick & order helpers


def test_round_to_tick_defaults_to_round_and_names_the_tick_argument() -> None:
    assert ud.round_to_tick("0.125", "0.01") == Decimal("0.13")
    with pytest.raises(ValidationError) as info:
        ud.round_to_tick("1", "0")
    assert info.value.field == "tick"


@pytest.mark.parametrize(
    ("tick", "places"),
    [("0.001", 3), ("0.0010", 3), ("0.5", 1), ("1", 0), ("10", 0), ("1E+2", 0), (1e-8, 8)],
)
def test_decimal_places_of_a_tick(tick: object, places: int) -> None:
    assert ud.decimal_places(tick) == places  # type: ignore[arg-type]  # parametrised


@pytest.mark.parametrize("tick", ["0", "-0.01", "abc", None])
def test_decimal_places_refuses_non_positive_ticks(tick: object) -> None:
    with pytest.raises(ValidationError):
        ud.decimal_places(tick)  # type: ignore[arg-type]  # proving the check


def test_amount_to_precision_truncates_so_it_never_exceeds_the_request() -> None:
    assert ud.amount_to_precision("0.123999", "0.001") == Decimal("0.123")
    assert ud.amount_to_precision(0.0199, 2, counting=DECIMAL_PLACES) == Decimal("0.01")
    assert ud.amount_to_precision(1234.5, 2, counting=SIGNIFICANT_DIGITS) == Decimal("1200")


def test_price_to_precision_rounds_half_away_from_zero() -> None:
    assert ud.price_to_precision("27123.45", "0.1") == Decimal("27123.5")
    assert ud.price_to_precision("27123.44", "0.1") == Decimal("27123.4")
    assert ud.price_to_precision(0.12345, 4, counting=DECIMAL_PLACES) == Decimal("0.1235")


@pytest.mark.parametrize("helper", [ud.amount_to_precision, ud.price_to_precision])
@pytest.mark.parametrize("value", ["0", "-1", -0.5])
def test_order_helpers_refuse_non_positive_values(helper: object, value: object) -> None:
    with pytest.raises(ValidationError, match="greater than zero"):
        helper(value, "0.01")  # type: ignore[operator]  # parametrised helper


def test_order_helpers_refuse_values_below_one_step() -> None:
    with pytest.raises(ValidationError, match="below the smallest step") as info:
        ud.amount_to_precision("0.0009", "0.001")
    assert info.value.field == "amount"
    with pytest.raises(ValidationError, match="below the smallest step") as info:
        ud.price_to_precision("0.004", "0.01")
    assert info.value.field == "price"
    assert ud.price_to_precision("0.005", "0.01") == Decimal("0.01")
