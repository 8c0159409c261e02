"""Behaviour of tradai.common.utils.profit: Freqtrade's profit semantics, exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.utils import profit as up


def test_long_profit_charges_fees_on_both_sides() -> None:
    # open: 30 * 2.0 = 60 + 0.15 fee; close: 30 * 2.1 = 63 - 0.1575 fee
    assert up.calc_profit_abs(2.0, 2.1, 30.0, 0.0025, 0.0025) == 2.6925
    assert up.calc_profit_ratio(2.0, 2.1, 30.0, 0.0025, 0.0025) == 0.04476309


def test_short_profit_reverses_the_sides() -> None:
    # open: 60 - 0.15 = 59.85; close: 63 + 0.1575 = 63.1575; loss of 3.3075
    assert up.calc_profit_abs(2.0, 2.1, 30.0, 0.0025, 0.0025, is_short=True) == -3.3075
    assert up.calc_profit_ratio(2.0, 2.1, 30.0, 0.0025, 0.0025, is_short=True) == -0.05526316


def test_a_short_gains_when_the_price_falls() -> None:
    assert up.calc_profit_abs(100, 90, 2, 0, 0, is_short=True) == 20.0
    assert up.calc_profit_ratio(100, 90, 2, 0, 0, is_short=True) == 0.1


def test_leverage_scales_the_ratio_but_not_the_absolute_profit() -> None:
    plain = up.calc_profit_ratio(2.0, 2.1, 30.0, 0.0025, 0.0025)
    levered = up.calc_profit_ratio(2.0, 2.1, 30.0, 0.0025, 0.0025, leverage=3)
    assert levered == 0.13428928  # 3 * 0.0447630922... before rounding
    assert levered == pytest.approx(3 * plain, abs=3e-8)
    assert up.calc_profit_abs(2.0, 2.1, 30.0, 0.0025, 0.0025, leverage=3) == 2.6925
    short = up.calc_profit_ratio(2.0, 2.1, 30.0, 0.0025, 0.0025, is_short=True, leverage=3)
    assert short == -0.16578947


def test_ratio_matches_freqtrades_close_over_open_formulation() -> None:
    open_rate, close_rate, amount, fee, lev = "1.2345", "1.1111", "812.5", "0.001", "5"
    raw = {"o": open_rate, "c": close_rate, "a": amount, "f": fee}
    d = {k: Decimal(v) for k, v in raw.items()}
    long_open = d["a"] * d["o"] * (1 + d["f"])
    long_close = d["a"] * d["c"] * (1 - d["f"])
    short_open = d["a"] * d["o"] * (1 - d["f"])
    short_close = d["a"] * d["c"] * (1 + d["f"])
    expected_long = (long_close / long_open - 1) * Decimal(lev)
    expected_short = (1 - short_close / short_open) * Decimal(lev)
    assert up.calc_profit_ratio(open_rate, close_rate, amount, fee, fee, leverage=lev) == float(
        expected_long.quantize(Decimal("1E-8"))
    )
    got_short = up.calc_profit_ratio(
        open_rate, close_rate, amount, fee, fee, is_short=True, leverage=lev
    )
    assert got_short == float(expected_short.quantize(Decimal("1E-8")))


def test_a_flat_trade_without_fees_is_exactly_zero() -> None:
    assert up.calc_profit_abs(0.1, 0.1, 3, 0, 0) == 0.0
    assert up.calc_profit_ratio(0.1, 0.1, 3, 0, 0, is_short=True) == 0.0


def test_results_are_rounded_to_eight_places_like_freqtrade() -> None:
    assert up.calc_profit_abs("1", "1.000000004", "1", 0, 0) == 0.0
    assert up.calc_profit_abs("1", "1.000000006", "1", 0, 0) == 0.00000001


def test_decimal_and_string_inputs_avoid_float_artefacts() -> None:
    assert up.calc_profit_abs("0.1", "0.3", "3", 0, 0) == 0.6
    assert up.calc_profit_abs(Decimal("0.1"), 0.3, 3, 0, 0) == 0.6


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"open_rate": 0}, "open_rate"),
        ({"open_rate": -1}, "open_rate"),
        ({"close_rate": 0}, "close_rate"),
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"fee_open": -0.001}, "fee_open"),
        ({"fee_open": 1}, "fee_open"),
        ({"fee_close": 1.5}, "fee_close"),
        ({"leverage": 0.5}, "leverage"),
        ({"leverage": 0}, "leverage"),
        ({"is_short": 1}, "is_short"),
        ({"is_short": "yes"}, "is_short"),
        ({"open_rate": float("nan")}, "open_rate"),
        ({"close_rate": float("inf")}, "close_rate"),
        ({"amount": True}, "amount"),
        ({"fee_open": "0.1 "}, "fee_open"),
    ],
)
def test_invalid_arguments_are_refused_naming_the_argument(
    kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {
        "open_rate": 100,
        "close_rate": 110,
        "amount": 1,
        "fee_open": 0.001,
        "fee_close": 0.001,
        "is_short": False,
        "leverage": 1,
    }
    args.update(kwargs)
    for helper in (up.calc_profit_abs, up.calc_profit_ratio, up.calc_profit_pct):
        with pytest.raises(ValidationError) as info:
            helper(**args)  # type: ignore[arg-type]  # parametrised
        assert info.value.field == field


def test_is_short_and_leverage_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        up.calc_profit_ratio(100, 110, 1, 0, 0, True)  # type: ignore[call-arg]  # proving it


def test_a_result_beyond_the_float_range_is_refused() -> None:
    with pytest.raises(ValidationError, match="too large"):
        up.calc_profit_abs("1e300", "2e300", "1e300", 0, 0)


def test_huge_but_representable_results_skip_rounding() -> None:
    assert up.calc_profit_abs("1e100", "2e100", "1e100", 0, 0) == pytest.approx(1e200)


# ------------------------------------------------------------------------------ percentages


@pytest.mark.parametrize(
    ("ratio", "ndigits", "expected"),
    [
        (0.0512, 2, 5.12),
        (0.0978022, 2, 9.78),
        (-0.012345, 3, -1.234),  # half to even
        (-0.012355, 3, -1.236),
        (0.5, 0, 50.0),
        ("0.125", 1, 12.5),
        (0, 2, 0.0),
    ],
)
def test_profit_pct_converts_a_ratio_to_a_rounded_percentage(
    ratio: object, ndigits: int, expected: float
) -> None:
    assert up.profit_pct(ratio, ndigits) == expected  # type: ignore[arg-type]  # parametrised


@pytest.mark.parametrize(
    ("ratio", "ndigits"), [(float("nan"), 2), (0.1, -1), (0.1, 1.5), (0.1, True)]
)
def test_profit_pct_refuses_bad_input(ratio: float, ndigits: object) -> None:
    with pytest.raises(ValidationError):
        up.profit_pct(ratio, ndigits)  # type: ignore[arg-type]  # proving the check


def test_calc_profit_pct_is_the_ratio_as_a_percentage_of_the_stake() -> None:
    assert up.calc_profit_pct(100, 95, 1, 0, 0, is_short=True, leverage=2) == 10.0
    assert up.calc_profit_pct(2.0, 2.1, 30.0, 0.0025, 0.0025) == 4.48


def test_module_docstring_example_holds() -> None:
    assert up.calc_profit_abs(100, 110, 1, 0.001, 0.001) == 9.79
    assert up.calc_profit_ratio(100, 110, 1, 0.001, 0.001) == 0.0978022
    assert up.profit_pct(0.0978022) == 9.78
