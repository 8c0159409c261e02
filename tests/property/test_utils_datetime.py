"""Properties of tradai.common.utils.datetime: round trips, alignment and near-misses."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.exceptions import ValidationError
from tradai.common.utils import datetime as udt

UTC = dt.UTC

offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
aware = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=offsets
)
timeframes = st.builds(
    lambda count, unit: f"{count}{unit}",
    st.sampled_from([1, 2, 3, 4, 5, 6, 12, 15, 30, 45, 90]),
    st.sampled_from(list("smhdwM")),
)


@settings(max_examples=100)
@given(aware)
def test_iso_strings_round_trip_to_the_same_instant(moment: dt.datetime) -> None:
    text = moment.isoformat()
    assert udt.parse_datetime(text) == moment
    assert udt.parse_datetime(text).tzinfo is UTC


@settings(max_examples=100)
@given(aware)
def test_epoch_milliseconds_round_trip_to_the_millisecond(moment: dt.datetime) -> None:
    ms = udt.to_epoch_ms(moment)
    back = udt.from_epoch_ms(ms)
    assert dt.timedelta(0) <= moment - back < dt.timedelta(milliseconds=1)
    if abs(ms) >= udt.EPOCH_MS_THRESHOLD:
        assert udt.parse_datetime(ms) == back


@settings(max_examples=100)
@given(aware, timeframes)
def test_floor_and_ceil_bracket_the_instant_on_the_candle_grid(
    moment: dt.datetime, timeframe: str
) -> None:
    floor = udt.floor_to_timeframe(moment, timeframe)
    ceil = udt.ceil_to_timeframe(moment, timeframe)
    assert floor <= moment <= ceil
    assert udt.floor_to_timeframe(floor, timeframe) == floor  # idempotent
    assert udt.ceil_to_timeframe(ceil, timeframe) == ceil
    if floor == moment:
        assert ceil == moment
    else:
        assert ceil == udt.ceil_to_timeframe(floor + dt.timedelta(microseconds=1), timeframe)
    nominal = udt.parse_timeframe(timeframe)
    if timeframe.endswith("M"):
        assert (floor.day, floor.time()) == (1, dt.time(0))
    else:
        assert ceil - floor in (dt.timedelta(0), nominal)
    if timeframe.endswith("w"):
        assert (floor.weekday(), floor.time()) == (0, dt.time(0))


@settings(max_examples=60)
@given(aware, st.integers(min_value=0, max_value=40), st.floats(0, 1), timeframes)
def test_candle_range_yields_ascending_aligned_candles_inside_the_half_open_range(
    start: dt.datetime, candles_wide: int, fraction: float, timeframe: str
) -> None:
    end = start + udt.parse_timeframe(timeframe) * (candles_wide + fraction)
    candles = list(udt.candle_range(start, end, timeframe))
    assert all(start <= candle < end for candle in candles)
    assert candles == sorted(set(candles))
    assert all(udt.floor_to_timeframe(c, timeframe) == c for c in candles)
    if candles:
        assert candles[0] == udt.ceil_to_timeframe(start, timeframe)
        assert udt.ceil_to_timeframe(candles[-1] + dt.timedelta(microseconds=1), timeframe) >= end
    else:
        assert udt.ceil_to_timeframe(start, timeframe) >= end


@settings(max_examples=100)
@given(st.dates(min_value=dt.date(1000, 1, 1)), st.dates(min_value=dt.date(1000, 1, 1)))
def test_timerange_and_day_count_agree_and_refuse_reversed_ranges(
    first: dt.date, second: dt.date
) -> None:
    start, end = min(first, second), max(first, second)
    assert udt.to_timerange(start.isoformat(), end.isoformat()) == (f"{start:%Y%m%d}-{end:%Y%m%d}")
    assert udt.date_range_days(start, end) == (end - start).days
    if start != end:
        with pytest.raises(ValidationError):
            udt.to_timerange(end, start)
        with pytest.raises(ValidationError):
            udt.date_range_days(end, start)


def _mutations(text: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        [
            text + "\n",
            " " + text,
            text + " ",
            text + "\x00",
            "-" + text,
            text + ";",
            chr(ord(text[0]) + 0xFEE0) + text[1:],  # fullwidth first digit
            text.replace("T", "\u0422", 1),  # Cyrillic Te
            text[:-6],  # offset removed
        ]
    )


@settings(max_examples=100)
@given(aware.map(lambda m: m.isoformat()).flatmap(_mutations))
def test_near_miss_datetime_strings_raise_validation_error_only(text: str) -> None:
    with pytest.raises(ValidationError):
        udt.parse_datetime(text)
