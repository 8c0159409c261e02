"""SyntheticSource: valid, gap-free, seeded candles; parameters are checked."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from tradai.common.data.ohlcv import ValidationPolicy, gaps, validate_ohlcv
from tradai.common.data.sources import SyntheticSource
from tradai.common.exceptions import ValidationError

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
STRICT = ValidationPolicy(allow_gaps=False)


def _year(source: SyntheticSource, timeframe: str = "1h", symbol: str = "BTC/USDT"):
    return source.fetch_ohlcv(symbol, timeframe, T0, T0 + dt.timedelta(days=365))


def test_candles_are_valid_and_gap_free_under_the_strictest_policy() -> None:
    frame = _year(SyntheticSource(seed=1))
    assert len(frame) == 365 * 24
    pd.testing.assert_frame_equal(validate_ohlcv(frame, "1h", policy=STRICT), frame)


def test_prices_hover_around_the_start_price() -> None:
    closes = _year(SyntheticSource(seed=2, start_price=50.0))["close"]
    assert 25.0 < closes.median() < 100.0
    assert closes.min() > 0


def test_seed_symbol_and_timeframe_each_change_the_series() -> None:
    base = _year(SyntheticSource(seed=1))["close"].to_numpy()[:24]
    assert not (base == _year(SyntheticSource(seed=2))["close"].to_numpy()[:24]).all()
    other_symbol = _year(SyntheticSource(seed=1), symbol="ETH/USDT")["close"].to_numpy()[:24]
    assert not (base == other_symbol).all()
    other_tf = SyntheticSource(seed=1).fetch_ohlcv("BTC/USDT", "1m", T0, T0 + dt.timedelta(1))
    assert not (base == other_tf["close"].to_numpy()[:24]).all()


def test_unaligned_bounds_round_up_and_empty_ranges_are_empty() -> None:
    source = SyntheticSource()
    frame = source.fetch_ohlcv(
        "BTC/USDT", "15m", T0 + dt.timedelta(minutes=1), T0 + dt.timedelta(minutes=46)
    )
    assert frame.index.minute.tolist() == [15, 30, 45]
    assert source.fetch_ohlcv("BTC/USDT", "1h", T0, T0).empty
    assert not gaps(frame, "15m")


def test_calendar_timeframes_are_generated() -> None:
    frame = SyntheticSource().fetch_ohlcv("BTC/USDT", "1M", T0, T0 + dt.timedelta(days=366))
    assert [t.month for t in frame.index] == list(range(1, 13))
    weekly = SyntheticSource().fetch_ohlcv("BTC/USDT", "1w", T0, T0 + dt.timedelta(days=28))
    assert {t.weekday() for t in weekly.index} == {0}


def test_dates_before_1970_work() -> None:
    start = dt.datetime(1969, 12, 31, 23, tzinfo=dt.UTC)
    frame = SyntheticSource().fetch_ohlcv("BTC/USDT", "1m", start, start + dt.timedelta(hours=2))
    assert len(frame) == 120


def test_huge_requests_are_refused() -> None:
    with pytest.raises(ValidationError, match="at most"):
        SyntheticSource().fetch_ohlcv("BTC/USDT", "1s", T0, T0 + dt.timedelta(days=365))


@pytest.mark.parametrize(
    "options",
    [
        {"seed": -1},
        {"seed": 2**32},
        {"seed": True},
        {"seed": 1.5},
        {"start_price": 0},
        {"start_price": math.nan},
        {"start_price": "100"},
        {"volatility": 0.2},
        {"volatility": math.inf},
        {"mean_volume": -1.0},
    ],
)
def test_out_of_range_parameters_are_refused(options) -> None:
    with pytest.raises(ValidationError):
        SyntheticSource(**options)


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValidationError):
        SyntheticSource().fetch_ohlcv("BTC/USDT", "1h", dt.datetime(2024, 1, 1), T0)
    with pytest.raises(ValidationError):
        SyntheticSource().fetch_ohlcv("BTC/USDT", "1h", T0 + dt.timedelta(1), T0)
    assert repr(SyntheticSource(seed=9)) == "SyntheticSource(seed=9)"
