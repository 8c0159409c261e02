"""gaps() reports missing candle runs; SeriesKey names series; TimeRange checks bounds."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tradai.common.data.ohlcv import Gap, empty_ohlcv, gaps, slice_ohlcv
from tradai.common.data.series import SeriesKey, TimeRange
from tradai.common.exceptions import ValidationError


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def _index(*times: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(list(times), tz="UTC")


def test_no_gaps_in_contiguous_candles(candles) -> None:
    assert gaps(candles(periods=10), "1m") == []


def test_a_gap_reports_first_missing_candle_next_present_and_count() -> None:
    index = _index("2024-01-01 00:00", "2024-01-01 00:04", "2024-01-01 00:05", "2024-01-01 00:07")
    assert gaps(index, "1m") == [
        Gap(_at("2024-01-01 00:01"), _at("2024-01-01 00:04"), 3),
        Gap(_at("2024-01-01 00:06"), _at("2024-01-01 00:07"), 1),
    ]


def test_bounds_add_leading_and_trailing_gaps_and_ignore_outside_candles() -> None:
    index = _index("2023-12-31 23:00", "2024-01-01 02:00", "2024-01-01 09:00")
    found = gaps(index, "1h", start=_at("2024-01-01 00:00"), end=_at("2024-01-01 04:00"))
    assert [(g.start.hour, g.end.hour, g.missing) for g in found] == [(0, 2, 2), (3, 4, 1)]


def test_empty_data_with_bounds_is_one_gap_over_the_whole_range() -> None:
    found = gaps(empty_ohlcv(), "1d", start=_at("2024-01-01"), end=_at("2024-01-11"))
    assert found == [Gap(_at("2024-01-01"), _at("2024-01-11"), 10)]


def test_empty_data_without_bounds_has_no_gaps() -> None:
    assert gaps(empty_ohlcv(), "1d") == []


def test_order_duplicates_and_off_grid_times_do_not_matter() -> None:
    index = _index("2024-01-01 00:10", "2024-01-01 00:00", "2024-01-01 00:00", "2024-01-01 00:07")
    assert gaps(index, "5m") == []  # 00:07 counts for the 00:05 candle
    found = gaps(_index("2024-01-01 00:15", "2024-01-01 00:00"), "5m")
    assert found == [Gap(_at("2024-01-01 00:05"), _at("2024-01-01 00:15"), 2)]


def test_month_gaps_follow_the_calendar() -> None:
    found = gaps(_index("2024-01-01", "2024-04-01"), "1M")
    assert found == [Gap(_at("2024-02-01"), _at("2024-04-01"), 2)]


def test_gaps_refuses_naive_indexes_and_bad_bounds() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        gaps(pd.DatetimeIndex(["2024-01-01"]), "1d")
    with pytest.raises(ValidationError, match="before start"):
        gaps(_index("2024-01-01"), "1d", start=_at("2024-01-02"), end=_at("2024-01-01"))


def test_slice_is_half_open_on_open_times(candles) -> None:
    frame = candles(periods=5)
    window = TimeRange(_at("2024-01-01 00:01"), _at("2024-01-01 00:03"))
    assert slice_ohlcv(frame, window).index.minute.tolist() == [1, 2]
    assert len(slice_ohlcv(frame, TimeRange())) == 5


@pytest.mark.parametrize(
    ("symbol", "timeframe", "name"),
    [
        ("BTC/USDT", "1h", "BTC_USDT-1h"),
        ("btc/usdt:usdt", "5m", "BTC_USDT_USDT-5m"),
        ("BTC/USDT:USDT-240329", "1d", "BTC_USDT_USDT-240329-1d"),
        ("ETH/BTC", "1M", "ETH_BTC-1M"),
    ],
)
def test_series_names_round_trip(symbol: str, timeframe: str, name: str) -> None:
    key = SeriesKey(symbol, timeframe)
    assert key.storage_name == name
    assert SeriesKey.from_storage_name(name) == key


@pytest.mark.parametrize(
    "name",
    ["BTCUSDT-1h", "BTC_USDT", "BTC-USDT-1h", "btc_usdt-1h", "BTC_USDT-1x", "A_B_C_D-1h", "", 5],
)
def test_foreign_names_are_not_series_names(name: object) -> None:
    with pytest.raises(ValidationError):
        SeriesKey.from_storage_name(name)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("symbol", "timeframe"),
    [("BTC/USDT\n", "1h"), ("BTC/USDT", "1h "), ("BTC/USDT;rm", "1h"), ("ВTC/USDT", "1h")],
)
def test_series_keys_refuse_near_misses(symbol: str, timeframe: str) -> None:
    with pytest.raises(ValidationError):
        SeriesKey(symbol, timeframe)


def test_time_range_requires_aware_ordered_bounds() -> None:
    with pytest.raises(ValidationError, match="naive"):
        TimeRange(dt.datetime(2024, 1, 1), None)
    with pytest.raises(ValidationError, match="before start"):
        TimeRange(_at("2024-01-02"), _at("2024-01-01"))
    with pytest.raises(ValidationError, match="end is required"):
        TimeRange.bounded(_at("2024-01-01"), None)  # type: ignore[arg-type]
    shifted = TimeRange(dt.datetime(2024, 1, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2))))
    assert shifted.start == _at("2024-01-01 00:00")
