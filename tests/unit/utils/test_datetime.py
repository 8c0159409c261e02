"""Behaviour of tradai.common.utils.datetime: UTC-only parsing, timeframes and candles."""

from __future__ import annotations

import datetime as dt

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.utils import datetime as udt

UTC = dt.UTC
PLUS_2 = dt.timezone(dt.timedelta(hours=2))


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, sec: int = 0, us: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, sec, us, tzinfo=UTC)


# --------------------------------------------------------------------- utc_now / ensure_utc


def test_utc_now_is_aware_utc_and_reads_the_clock() -> None:
    before = dt.datetime.now(UTC)
    now = udt.utc_now()
    assert before <= now <= dt.datetime.now(UTC)
    assert now.tzinfo is UTC


def test_ensure_utc_converts_an_offset_datetime_to_utc() -> None:
    result = udt.ensure_utc(dt.datetime(2024, 1, 1, 2, tzinfo=PLUS_2))
    assert result == utc(2024, 1, 1)
    assert result.tzinfo is UTC


def test_ensure_utc_refuses_a_naive_datetime_naming_the_field() -> None:
    with pytest.raises(ValidationError, match="naive") as info:
        udt.ensure_utc(dt.datetime(2024, 1, 1), field="started_at")
    assert info.value.field == "started_at"


def test_ensure_utc_refuses_a_tzinfo_that_gives_no_offset() -> None:
    class NoOffset(dt.tzinfo):
        def utcoffset(self, _: dt.datetime | None) -> None:
            return None

        def dst(self, _: dt.datetime | None) -> None:
            return None

        def tzname(self, _: dt.datetime | None) -> str:
            return "?"

    with pytest.raises(ValidationError, match="naive"):
        udt.ensure_utc(dt.datetime(2024, 1, 1, tzinfo=NoOffset()))


@pytest.mark.parametrize("value", [dt.date(2024, 1, 1), "2024-01-01T00:00Z", 0, None])
def test_ensure_utc_refuses_non_datetimes_with_validation_error(value: object) -> None:
    with pytest.raises(ValidationError, match="must be a datetime"):
        udt.ensure_utc(value)  # type: ignore[arg-type]  # proving the runtime check


def test_ensure_utc_refuses_a_datetime_that_overflows_when_converted() -> None:
    with pytest.raises(ValidationError, match="out of range"):
        udt.ensure_utc(dt.datetime(1, 1, 1, tzinfo=PLUS_2))


# --------------------------------------------------------------------------- parse_datetime


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T12:30:00Z", utc(2024, 3, 1, 12, 30)),
        ("2024-03-01T12:30:00+02:00", utc(2024, 3, 1, 10, 30)),
        ("2024-03-01T12:30:00-05:30", utc(2024, 3, 1, 18, 0)),
        ("2024-03-01 12:30Z", utc(2024, 3, 1, 12, 30)),
        ("2024-03-01T12:30:00.123456Z", utc(2024, 3, 1, 12, 30, 0, 123456)),
        ("2024-03-01T12:30:00.123456789Z", utc(2024, 3, 1, 12, 30, 0, 123456)),
        ("2024-03-01T12:30:00.5+00:00", utc(2024, 3, 1, 12, 30, 0, 500000)),
    ],
)
def test_parse_datetime_reads_iso_strings_with_an_offset(text: str, expected: dt.datetime) -> None:
    result = udt.parse_datetime(text)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-01T12:30:00",  # no offset: never assume local time
        "2024-03-01",  # date only: use parse_date
        "2024-03-01T12:30:00Z\n",
        " 2024-03-01T12:30:00Z",
        "2024-03-01T12:30:00Z ",
        "2024-03-01T12:30:00\x00Z",
        "2024-03-01X12:30:00Z",
        "２０２４-03-01T12:30:00Z",
        "2024-03-01T12:30:00+0200",
        "20240301T123000Z",
        "2024-W09-5T12:30Z",
        "-2024-03-01T12:30:00Z",
        "2024-03-01T12:30:00Z; rm -rf /",
        "",
    ],
)
def test_parse_datetime_refuses_near_miss_strings(text: str) -> None:
    with pytest.raises(ValidationError, match="ISO-8601") as info:
        udt.parse_datetime(text, field="since")
    assert info.value.field == "since"


@pytest.mark.parametrize(
    "text",
    ["2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T00:60Z", "2024-01-01T00:00+24:00"],
)
def test_parse_datetime_refuses_impossible_dates_and_times(text: str) -> None:
    with pytest.raises(ValidationError, match="not a real date"):
        udt.parse_datetime(text)


def test_parse_datetime_refuses_a_string_that_overflows_in_utc() -> None:
    with pytest.raises(ValidationError, match="out of range"):
        udt.parse_datetime("0001-01-01T00:00:00+01:00")


def test_parse_datetime_reads_epoch_seconds_and_milliseconds_by_magnitude() -> None:
    assert udt.parse_datetime(1704067200) == utc(2024, 1, 1)
    assert udt.parse_datetime(1704067200000) == utc(2024, 1, 1)
    assert udt.parse_datetime(1704067200.5) == utc(2024, 1, 1, 0, 0, 0, 500000)
    assert udt.parse_datetime(0) == utc(1970, 1, 1)
    assert udt.parse_datetime(-86400) == utc(1969, 12, 31)


def test_epoch_threshold_splits_seconds_from_milliseconds_exactly() -> None:
    just_below = udt.EPOCH_MS_THRESHOLD - 1
    assert udt.parse_datetime(just_below).year == 5138  # seconds
    assert udt.parse_datetime(udt.EPOCH_MS_THRESHOLD) == utc(1973, 3, 3, 9, 46, 40)  # ms
    assert udt.parse_datetime(-udt.EPOCH_MS_THRESHOLD) == utc(1966, 10, 31, 14, 13, 20)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_parse_datetime_refuses_non_finite_numbers(value: float) -> None:
    with pytest.raises(ValidationError, match="finite"):
        udt.parse_datetime(value)


@pytest.mark.parametrize("value", [10**20, -(10**20), 1e300])
def test_parse_datetime_refuses_numbers_outside_the_datetime_range(value: float) -> None:
    with pytest.raises(ValidationError, match="out of the datetime range"):
        udt.parse_datetime(value)


@pytest.mark.parametrize("value", [True, False, None, b"2024-01-01T00:00Z", [1], dt.date.today()])
def test_parse_datetime_refuses_other_types_with_validation_error(value: object) -> None:
    with pytest.raises(ValidationError):
        udt.parse_datetime(value)  # type: ignore[arg-type]  # proving the runtime check


def test_parse_datetime_converts_an_aware_datetime_and_refuses_a_naive_one() -> None:
    assert udt.parse_datetime(dt.datetime(2024, 1, 1, 2, tzinfo=PLUS_2)) == utc(2024, 1, 1)
    with pytest.raises(ValidationError, match="naive"):
        udt.parse_datetime(dt.datetime(2024, 1, 1))


# ----------------------------------------------------------------------------- epoch millis


def test_to_epoch_ms_is_exact_and_floors_microseconds() -> None:
    assert udt.to_epoch_ms(utc(2024, 1, 1)) == 1_704_067_200_000
    assert udt.to_epoch_ms(utc(1970, 1, 1, 0, 0, 0, 1999)) == 1
    assert udt.to_epoch_ms(utc(1969, 12, 31, 23, 59, 59, 999999)) == -1


def test_to_epoch_ms_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValidationError, match="naive"):
        udt.to_epoch_ms(dt.datetime(2024, 1, 1))


def test_from_epoch_ms_reads_any_magnitude_as_milliseconds() -> None:
    assert udt.from_epoch_ms(1_704_067_200_000) == utc(2024, 1, 1)
    assert udt.from_epoch_ms(1000) == utc(1970, 1, 1, 0, 0, 1)
    assert udt.from_epoch_ms(-1) == utc(1969, 12, 31, 23, 59, 59, 999000)


@pytest.mark.parametrize("value", [1.5, "1000", True, None])
def test_from_epoch_ms_refuses_non_ints(value: object) -> None:
    with pytest.raises(ValidationError, match="must be an int"):
        udt.from_epoch_ms(value)  # type: ignore[arg-type]  # proving the runtime check


def test_from_epoch_ms_refuses_values_outside_the_datetime_range() -> None:
    with pytest.raises(ValidationError, match="out of the datetime range"):
        udt.from_epoch_ms(10**18)


# ------------------------------------------------------------------------------- timeframes


@pytest.mark.parametrize(
    ("timeframe", "seconds"),
    [("1s", 1), ("1m", 60), ("15m", 900), ("4h", 14400), ("1d", 86400), ("1w", 604800)],
)
def test_timeframe_lengths_follow_timeframe_units(timeframe: str, seconds: int) -> None:
    assert udt.timeframe_to_seconds(timeframe) == seconds
    assert udt.parse_timeframe(timeframe) == dt.timedelta(seconds=seconds)


def test_a_month_timeframe_is_a_nominal_thirty_days_like_ccxt() -> None:
    assert udt.parse_timeframe("1M") == dt.timedelta(days=30)
    assert udt.timeframe_to_minutes("1M") == 43200


def test_timeframe_to_minutes_refuses_sub_minute_timeframes() -> None:
    assert udt.timeframe_to_minutes("120s") == 2
    for timeframe in ("30s", "90s"):
        with pytest.raises(ValidationError, match="whole number of minutes"):
            udt.timeframe_to_minutes(timeframe)


@pytest.mark.parametrize("timeframe", ["", "0m", "1y", "1H", "1m\n", " 1m", "１m", "-1m", 5])
def test_timeframe_helpers_refuse_invalid_timeframes_with_the_field_named(
    timeframe: object,
) -> None:
    for helper in (udt.parse_timeframe, udt.timeframe_to_seconds, udt.timeframe_to_minutes):
        with pytest.raises(ValidationError) as info:
            helper(timeframe)  # type: ignore[arg-type]  # proving the runtime check
        assert info.value.field == "timeframe"
