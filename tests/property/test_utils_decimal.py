"""Properties of tradai.common.utils.decimal, checked against pure Decimal reasoning."""

from __future__ import annotations

from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tradai.common.exceptions import ValidationError
from tradai.common.utils.decimal import (
    DECIMAL_PLACES,
    ROUND,
    ROUND_UP,
    SIGNIFICANT_DIGITS,
    TICK_SIZE,
    TRUNCATE,
    RoundingMode,
    decimal_places,
    round_to_tick,
    safe_decimal,
    to_precision,
)

values = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False, places=None
).filter(lambda d: d.is_finite())
ticks = st.builds(
    lambda mantissa, exponent: Decimal(mantissa).scaleb(exponent),
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=-12, max_value=3),
)
modes = st.sampled_from([TRUNCATE, ROUND, ROUND_UP])


def _is_multiple(value: Decimal, step: Decimal) -> bool:
    return (value / step) == (value / step).to_integral_value()


# Exact arithmetic for the checks: the default 28-digit context would round a difference
# such as 198999.99...95 up to the full tick and report a false failure.
_EXACT = Context(prec=2000, Emax=MAX_EMAX, Emin=MIN_EMIN)


@settings(max_examples=100)
@given(values, ticks, modes)
def test_result_is_a_multiple_of_the_tick_within_one_tick(
    value: Decimal, tick: Decimal, mode: RoundingMode
) -> None:
    result = round_to_tick(value, tick, rounding=mode)
    assert _is_multiple(result, tick)
    assert _EXACT.abs(_EXACT.subtract(result, value)) < tick


@settings(max_examples=100)
@given(values, ticks)
def test_truncation_never_increases_the_magnitude_and_round_up_never_decreases_it(
    value: Decimal, tick: Decimal
) -> None:
    truncated = round_to_tick(value, tick, rounding=TRUNCATE)
    rounded_up = round_to_tick(value, tick, rounding=ROUND_UP)
    assert abs(truncated) <= abs(value) <= abs(rounded_up)
    assert truncated == 0 or (truncated > 0) == (value > 0)


@settings(max_examples=100)
@given(values, ticks)
def test_round_picks_the_nearest_multiple_and_halves_go_away_from_zero(
    value: Decimal, tick: Decimal
) -> None:
    result = round_to_tick(value, tick, rounding=ROUND)
    assert 2 * abs(result - value) <= tick
    if 2 * abs(result - value) == tick:
        assert abs(result) > abs(value)


@settings(max_examples=100)
@given(values, ticks, modes)
def test_rounding_is_idempotent_and_exact_multiples_are_unchanged(
    value: Decimal, tick: Decimal, mode: RoundingMode
) -> None:
    once = round_to_tick(value, tick, rounding=mode)
    assert round_to_tick(once, tick, rounding=mode) == once
    multiple = (value // tick) * tick
    assert round_to_tick(multiple, tick, rounding=mode) == multiple


@settings(max_examples=100)
@given(values, ticks, modes)
def test_rounding_is_symmetric_around_zero(
    value: Decimal, tick: Decimal, mode: RoundingMode
) -> None:
    assert round_to_tick(-value, tick, rounding=mode) == -round_to_tick(value, tick, rounding=mode)


@settings(max_examples=100)
@given(values, st.integers(min_value=-6, max_value=12), modes)
def test_decimal_places_equal_a_tick_of_ten_to_the_minus_places(
    value: Decimal, places: int, mode: RoundingMode
) -> None:
    by_places = to_precision(value, places, rounding=mode, counting=DECIMAL_PLACES)
    by_tick = to_precision(value, Decimal(1).scaleb(-places), rounding=mode, counting=TICK_SIZE)
    assert by_places == by_tick
    assert by_places.as_tuple().exponent == min(-places, 0)


@settings(max_examples=100)
@given(values, st.integers(min_value=1, max_value=15), modes)
def test_significant_digits_keep_at_most_that_many_digits(
    value: Decimal, digits: int, mode: RoundingMode
) -> None:
    assume(value != 0)
    result = to_precision(value, digits, rounding=mode, counting=SIGNIFICANT_DIGITS)
    if result:
        assert len(result.normalize().as_tuple().digits) <= digits
    step = Decimal(1).scaleb(value.adjusted() - digits + 1)
    assert abs(result - value) < step


@settings(max_examples=100)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_floats_convert_through_their_shortest_repr(value: float) -> None:
    result = safe_decimal(value)
    assert float(result) == value
    assert result == Decimal(repr(value))


@settings(max_examples=100)
@given(ticks)
def test_decimal_places_of_a_tick_round_trip(tick: Decimal) -> None:
    places = decimal_places(tick)
    assert _is_multiple(tick, Decimal(1).scaleb(-places))
    if places:
        assert not _is_multiple(tick, Decimal(1).scaleb(-places + 1))


near_miss_strings = st.one_of(
    st.builds(
        lambda d, pad: f"{pad}{d}",
        st.decimals(allow_nan=False, allow_infinity=False),
        st.sampled_from([" ", "\t", "\n"]),
    ),
    st.builds(lambda d: f"{d}\n", st.integers()),
    st.builds(lambda d: f"{d}\x00", st.integers()),
    st.builds(lambda d: f"{d}_0", st.integers()),
    st.builds(lambda d: f"{d};", st.integers()),
    st.sampled_from(["NaN", "-Infinity", "inf", "", "１", "٣", "1e", "e5", ".", "+-1"]),
)


@settings(max_examples=100)
@given(near_miss_strings)
def test_near_miss_strings_raise_validation_error_and_nothing_else(text: str) -> None:
    with pytest.raises(ValidationError) as info:  # any other exception fails the test
        safe_decimal(text)
    assert info.value.field == "value"
