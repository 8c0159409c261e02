"""Candle alignment, candle ranges and Freqtrade dates in tradai.common.utils.datetime."""

from __future__ import annotations

import datetime as dt

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.utils import datetime as udt

UTC = dt.UTC


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0, us: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, sec, us, tzinfo=UTC)


# -------------------------------------------------------------------------- floor / ceil


@pytest.mark.parametrize(
    ("moment", "timeframe", "floor", "ceil"),
    [
        (utc(2024, 5, 17, 13, 47, 12), "1m", utc(2024, 5, 17, 13, 47), utc(2024, 5, 17, 13, 48)),
        (utc(2024, 5, 17, 13, 47, 12), "15m", utc(2024, 5, 17, 13, 45), utc(2024, 5, 17, 14)),
        (utc(2024, 5, 17, 13, 47, 12), "4h", utc(2024, 5, 17, 12), utc(2024, 5, 17, 16)),
        (utc(2024, 5, 17, 13, 47, 12), "1d", utc(2024, 5, 17), utc(2024, 5, 18)),
        (
            utc(2024, 5, 17, 13, 47, 12),
            "30s",
            utc(2024, 5, 17, 13, 47),
            utc(2024, 5, 17, 13, 47, 30),
        ),
        # 2024-05-17 is a Friday: weekly candles open on Monday 00:00 UTC.
        (utc(2024, 5, 17, 13, 47, 12), "1w", utc(2024, 5, 13), utc(2024, 5, 20)),
        (utc(2024, 5, 13), "1w", utc(2024, 5, 13), utc(2024, 5, 13)),
        (utc(2024, 5, 12, 23, 59), "1w", utc(2024, 5, 6), utc(2024, 5, 13)),
        # Months align to calendar month starts; 3M gives quarters.
        (utc(2024, 5, 17, 13, 47, 12), "1M", utc(2024, 5, 1), utc(2024, 6, 1)),
        (utc(2024, 12, 31, 23, 59), "1M", utc(2024, 12, 1), utc(2025, 1, 1)),
        (utc(2024, 5, 17), "3M", utc(2024, 4, 1), utc(2024, 7, 1)),
        (utc(2024, 2, 1), "1M", utc(2024, 2, 1), utc(2024, 2, 1)),
        (utc(1969, 11, 15), "3M", utc(1969, 10, 1), utc(1970, 1, 1)),
    ],
)
def test_floor_and_ceil_align_to_the_candle_grid(
    moment: dt.datetime, timeframe: str, floor: dt.datetime, ceil: dt.datetime
) -> None:
    assert udt.floor_to_timeframe(moment, timeframe) == floor
    assert udt.ceil_to_timeframe(moment, timeframe) == ceil


def test_floor_matches_ccxts_epoch_grid_for_multi_day_timeframes() -> None:
    moment = utc(2024, 5, 17, 13)
    seconds = int(moment.timestamp())
    expected = seconds - seconds % (3 * 86400)  # ccxt.Exchange.round_timeframe
    assert udt.floor_to_timeframe(moment, "3d") == dt.datetime.fromtimestamp(expected, UTC)


def test_alignment_converts_offset_datetimes_to_utc_first() -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    assert udt.floor_to_timeframe(dt.datetime(2024, 5, 17, 8, tzinfo=tokyo), "1d") == utc(
        2024, 5, 16
    )


def test_ceil_on_a_boundary_returns_it_unchanged() -> None:
    boundary = utc(2024, 5, 17, 12)
    assert udt.ceil_to_timeframe(boundary, "4h") == boundary


def test_alignment_refuses_naive_datetimes_and_bad_timeframes() -> None:
    with pytest.raises(ValidationError, match="naive"):
        udt.floor_to_timeframe(dt.datetime(2024, 1, 1), "1h")
    with pytest.raises(ValidationError) as info:
        udt.ceil_to_timeframe(utc(2024, 1, 1), "1y")
    assert info.value.field == "timeframe"


def test_alignment_outside_the_datetime_range_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="no 1M candle"):
        udt.ceil_to_timeframe(dt.datetime.max.replace(tzinfo=UTC), "1M")
    with pytest.raises(ValidationError, match="no 3d candle"):
        udt.floor_to_timeframe(dt.datetime.min.replace(tzinfo=UTC), "3d")
    with pytest.raises(ValidationError, match="no 1d candle"):
        udt.ceil_to_timeframe(dt.datetime.max.replace(tzinfo=UTC), "1d")


# ---------------------------------------------------------------------------- candle_range


def test_candle_range_is_half_open_and_starts_at_the_first_boundary() -> None:
    candles = list(udt.candle_range(utc(2024, 1, 1, 0, 10), utc(2024, 1, 1, 1), "15m"))
    assert candles == [utc(2024, 1, 1, 0, 15), utc(2024, 1, 1, 0, 30), utc(2024, 1, 1, 0, 45)]


def test_candle_range_includes_an_aligned_start_and_excludes_an_aligned_end() -> None:
    candles = list(udt.candle_range(utc(2024, 1, 1), utc(2024, 1, 1, 3), "1h"))
    assert candles == [utc(2024, 1, 1), utc(2024, 1, 1, 1), utc(2024, 1, 1, 2)]


def test_candle_range_steps_through_calendar_months() -> None:
    candles = list(udt.candle_range(utc(2024, 1, 15), utc(2024, 5, 1), "1M"))
    assert candles == [utc(2024, 2, 1), utc(2024, 3, 1), utc(2024, 4, 1)]


def test_candle_range_is_empty_for_an_empty_or_candle_free_interval() -> None:
    assert list(udt.candle_range(utc(2024, 1, 1), utc(2024, 1, 1), "1m")) == []
    assert list(udt.candle_range(utc(2024, 1, 1, 0, 1), utc(2024, 1, 1, 0, 59), "1h")) == []


def test_candle_range_checks_arguments_before_iteration() -> None:
    with pytest.raises(ValidationError, match="before start") as info:
        udt.candle_range(utc(2024, 1, 2), utc(2024, 1, 1), "1h")
    assert info.value.field == "end"
    with pytest.raises(ValidationError, match="naive"):
        udt.candle_range(dt.datetime(2024, 1, 1), utc(2024, 1, 2), "1h")
    with pytest.raises(ValidationError):
        udt.candle_range(utc(2024, 1, 1), utc(2024, 1, 2), "1x")


def test_candle_range_stops_at_the_end_of_the_datetime_range() -> None:
    end = dt.datetime.max.replace(tzinfo=UTC)
    assert list(udt.candle_range(utc(9999, 11, 5), end, "1M")) == [utc(9999, 12, 1)]


# ----------------------------------------------------------------- dates and time ranges


def test_parse_date_reads_real_calendar_dates() -> None:
    assert udt.parse_date("2024-02-29") == dt.date(2024, 2, 29)


@pytest.mark.parametrize(
    "value", ["2023-02-29", "2024-02-30", "2024-13-01", "2024-1-1", "2024-01-01\n", " 2024-01-01"]
)
def test_parse_date_refuses_near_misses_naming_the_field(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        udt.parse_date(value, field="start_date")
    assert info.value.field == "start_date"


def test_to_timerange_formats_freqtrade_ranges_from_any_date_form() -> None:
    assert udt.to_timerange("2024-01-01", "2024-01-31") == "20240101-20240131"
    assert udt.to_timerange(dt.date(2024, 1, 1), utc(2024, 2, 1, 23)) == "20240101-20240201"
    assert udt.to_timerange("2024-01-01", "2024-01-01") == "20240101-20240101"


def test_to_timerange_uses_the_utc_date_of_an_offset_datetime() -> None:
    tokyo = dt.timezone(dt.timedelta(hours=9))
    start = dt.datetime(2024, 1, 1, 5, tzinfo=tokyo)  # 2023-12-31 in UTC
    assert udt.to_timerange(start, None) == "20231231-"


def test_to_timerange_supports_open_ends_but_not_both() -> None:
    assert udt.to_timerange("2024-01-01", None) == "20240101-"
    assert udt.to_timerange(None, "2024-01-31") == "-20240131"
    with pytest.raises(ValidationError, match="both missing"):
        udt.to_timerange(None, None)


def test_to_timerange_refuses_reversed_naive_and_malformed_sides() -> None:
    with pytest.raises(ValidationError, match="before start") as info:
        udt.to_timerange("2024-02-01", "2024-01-01")
    assert info.value.field == "end"
    with pytest.raises(ValidationError, match="naive"):
        udt.to_timerange(dt.datetime(2024, 1, 1), None)
    with pytest.raises(ValidationError) as bad:
        udt.to_timerange("2024-02-30", None)
    assert bad.value.field == "start"
    with pytest.raises(ValidationError, match="YYYY-MM-DD string, date or datetime"):
        udt.to_timerange(20240101, None)  # type: ignore[arg-type]  # proving the check


def test_date_range_days_counts_end_exclusive_days() -> None:
    assert udt.date_range_days("2024-01-01", "2024-03-01") == 60  # leap year
    assert udt.date_range_days("2024-01-01", "2024-01-01") == 0
    assert udt.date_range_days(dt.date(2023, 1, 1), utc(2024, 1, 1, 12)) == 365


def test_date_range_days_refuses_a_reversed_range() -> None:
    with pytest.raises(ValidationError, match="before start"):
        udt.date_range_days("2024-01-02", "2024-01-01")
