"""validate_ohlcv: every rule is rejected under REJECT and repaired (or not) under REPAIR."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradai.common.data.ohlcv import (
    DEFAULT_POLICY,
    OHLCV_COLUMNS,
    OHLCVRule,
    RepairMode,
    ValidationPolicy,
    validate_ohlcv,
)
from tradai.common.exceptions import ValidationError

REPAIR = ValidationPolicy(RepairMode.REPAIR)


def _rule(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return str(exc.value.context["rule"])


def test_valid_frame_comes_back_in_the_standard_schema(candles) -> None:
    frame = candles(periods=3)
    frame["volume"] = [1, 2, 3]  # ints become float64
    out = validate_ohlcv(frame, "1m")
    assert list(out.columns) == list(OHLCV_COLUMNS)
    assert out.index.name == "date"
    assert str(out.index.dtype) == "datetime64[ns, UTC]"
    assert all(str(t) == "float64" for t in out.dtypes)
    assert out.index.freq is None


def test_input_frame_is_never_modified(candles) -> None:
    frame = candles(["2024-01-01 00:01", "2024-01-01 00:00"])
    before = frame.copy()
    validate_ohlcv(frame, "1m", policy=REPAIR)
    pd.testing.assert_frame_equal(frame, before)


def test_other_timezones_are_converted_to_utc_losslessly(candles) -> None:
    frame = candles(periods=2, start="2024-01-01 02:00", tz="Europe/Berlin")
    out = validate_ohlcv(frame, "1m")
    assert str(out.index.tz) == "UTC"
    assert out.index[0] == pd.Timestamp("2024-01-01 01:00", tz="UTC")


@pytest.mark.parametrize("policy", [DEFAULT_POLICY, REPAIR])
def test_naive_timestamps_are_rejected_in_both_modes(candles, policy) -> None:
    with pytest.raises(ValidationError, match="naive") as exc:
        validate_ohlcv(candles(periods=2, tz=None), "1m", policy=policy)
    assert _rule(exc) == "index"


@pytest.mark.parametrize("policy", [DEFAULT_POLICY, REPAIR])
def test_a_non_datetime_index_is_rejected(candles, policy) -> None:
    frame = candles(periods=2).reset_index(drop=True)
    with pytest.raises(ValidationError, match="DatetimeIndex"):
        validate_ohlcv(frame, "1m", policy=policy)


def test_timestamps_beyond_nanosecond_range_are_rejected(candles) -> None:
    frame = candles(periods=1)
    frame.index = pd.DatetimeIndex(["3000-01-01"], dtype="datetime64[s, UTC]")
    with pytest.raises(ValidationError, match="2262"):
        validate_ohlcv(frame, "1d")


def test_something_that_is_not_a_dataframe_is_rejected() -> None:
    with pytest.raises(ValidationError, match="DataFrame"):
        validate_ohlcv([[1, 2, 3]], "1m")


def test_an_invalid_timeframe_is_rejected(candles) -> None:
    with pytest.raises(ValidationError, match="timeframe"):
        validate_ohlcv(candles(periods=1), "1x")


@pytest.mark.parametrize("policy", [DEFAULT_POLICY, REPAIR])
def test_a_missing_column_is_rejected_in_both_modes(candles, policy) -> None:
    with pytest.raises(ValidationError, match="missing column") as exc:
        validate_ohlcv(candles(periods=2).drop(columns="volume"), "1m", policy=policy)
    assert exc.value.field == "columns"


def test_extra_columns_are_rejected_or_dropped(candles) -> None:
    frame = candles(periods=2).assign(trades=3)
    with pytest.raises(ValidationError, match="unexpected column"):
        validate_ohlcv(frame, "1m")
    assert list(validate_ohlcv(frame, "1m", policy=REPAIR).columns) == list(OHLCV_COLUMNS)


def test_duplicate_column_names_are_rejected(candles) -> None:
    frame = candles(periods=2)
    frame = pd.concat([frame, frame[["open"]]], axis=1)
    with pytest.raises(ValidationError, match="unique"):
        validate_ohlcv(frame, "1m", policy=REPAIR)


@pytest.mark.parametrize("value", [["a", "b"], [True, False]])
def test_non_numeric_columns_are_rejected_in_both_modes(candles, value) -> None:
    frame = candles(periods=2).assign(close=value)
    with pytest.raises(ValidationError, match="non-numeric") as exc:
        validate_ohlcv(frame, "1m", policy=REPAIR)
    assert exc.value.field == "close"


def test_nat_timestamps_are_rejected_or_dropped(candles) -> None:
    frame = candles(["2024-01-01 00:00", None, "2024-01-01 00:01"])
    with pytest.raises(ValidationError, match="NaT") as exc:
        validate_ohlcv(frame, "1m")
    assert _rule(exc) == "index"
    assert len(validate_ohlcv(frame, "1m", policy=REPAIR)) == 2


@pytest.mark.parametrize("bad", [0.0, -1.0, np.nan, np.inf])
def test_bad_prices_are_rejected_naming_the_row_or_dropped(candles, bad) -> None:
    frame = candles(periods=4)
    frame.iloc[2, frame.columns.get_loc("low")] = bad
    with pytest.raises(ValidationError, match="00:02:00") as exc:
        validate_ohlcv(frame, "1m")
    assert _rule(exc) == "prices"
    assert exc.value.context["count"] == 1
    repaired = validate_ohlcv(frame, "1m", policy=REPAIR)
    assert pd.Timestamp("2024-01-01 00:02", tz="UTC") not in repaired.index
    assert len(repaired) == 3


@pytest.mark.parametrize("bad", [-0.5, np.nan])
def test_negative_or_missing_volume_is_rejected_or_dropped(candles, bad) -> None:
    frame = candles(periods=3)
    frame.iloc[1, frame.columns.get_loc("volume")] = bad
    with pytest.raises(ValidationError, match="volume") as exc:
        validate_ohlcv(frame, "1m")
    assert exc.value.context["rows"] == ["2024-01-01T00:01:00+00:00"]
    assert len(validate_ohlcv(frame, "1m", policy=REPAIR)) == 2


def test_zero_volume_is_valid(candles) -> None:
    frame = candles(periods=2).assign(volume=0.0)
    assert validate_ohlcv(frame, "1m")["volume"].tolist() == [0.0, 0.0]


def test_candles_off_the_grid_are_rejected_or_dropped(candles) -> None:
    frame = candles(["2024-01-01 00:00", "2024-01-01 00:05:30", "2024-01-01 00:10"])
    with pytest.raises(ValidationError, match="5m candle grid") as exc:
        validate_ohlcv(frame, "5m")
    assert _rule(exc) == "alignment"
    assert validate_ohlcv(frame, "5m", policy=REPAIR).index.minute.tolist() == [0, 10]


@pytest.mark.parametrize(
    ("timeframe", "aligned", "misaligned"),
    [
        ("1w", "2024-05-13", "2024-05-14"),  # weeks open on Monday
        ("1M", "2024-02-01", "2024-02-15"),
        ("3M", "2024-04-01", "2024-03-01"),  # quarters from January
        ("4h", "2024-01-01 04:00", "2024-01-01 02:00"),
    ],
)
def test_alignment_follows_the_calendar_grid(candles, timeframe, aligned, misaligned) -> None:
    assert len(validate_ohlcv(candles([aligned]), timeframe)) == 1
    with pytest.raises(ValidationError):
        validate_ohlcv(candles([misaligned]), timeframe)


def test_out_of_order_rows_are_rejected_or_sorted(candles) -> None:
    frame = candles(["2024-01-01 00:00", "2024-01-01 00:02", "2024-01-01 00:01"])
    with pytest.raises(ValidationError, match="earlier") as exc:
        validate_ohlcv(frame, "1m")
    assert exc.value.context["rows"] == ["2024-01-01T00:01:00+00:00"]
    repaired = validate_ohlcv(frame, "1m", policy=REPAIR)
    assert repaired.index.is_monotonic_increasing
    assert repaired["open"].tolist() == [100.0, 102.0, 101.0]  # rows moved, values kept


def test_exact_duplicates_are_rejected_or_dropped(candles) -> None:
    frame = candles(periods=3)
    frame = pd.concat([frame, frame.iloc[[1]]]).sort_index(kind="mergesort")
    with pytest.raises(ValidationError, match="repeat") as exc:
        validate_ohlcv(frame, "1m")
    assert _rule(exc) == "duplicates"
    pd.testing.assert_frame_equal(
        validate_ohlcv(frame, "1m", policy=REPAIR), validate_ohlcv(candles(periods=3), "1m")
    )


def test_conflicting_duplicates_keep_the_last_one_given(candles) -> None:
    first = candles(["2024-01-01 00:00", "2024-01-01 00:01"], price=100.0)
    later = candles(["2024-01-01 00:01"], price=500.0)
    out = validate_ohlcv(pd.concat([first, later]), "1m", policy=REPAIR)
    assert out["open"].tolist() == [100.0, 500.0]


def test_high_below_the_body_is_rejected_or_widened(candles) -> None:
    frame = candles(periods=2)
    frame.iloc[1, frame.columns.get_loc("high")] = 101.5  # close is 102
    with pytest.raises(ValidationError, match="high below") as exc:
        validate_ohlcv(frame, "1m")
    assert exc.value.field == "high"
    assert validate_ohlcv(frame, "1m", policy=REPAIR)["high"].iloc[1] == 102.0


def test_low_above_the_body_is_rejected_or_widened(candles) -> None:
    frame = candles(periods=2)
    frame.iloc[0, frame.columns.get_loc("low")] = 100.5  # open is 100
    with pytest.raises(ValidationError, match="low above") as exc:
        validate_ohlcv(frame, "1m")
    assert exc.value.field == "low"
    assert validate_ohlcv(frame, "1m", policy=REPAIR)["low"].iloc[0] == 100.0


def test_high_below_low_is_rejected_or_widened_to_contain_the_body(candles) -> None:
    frame = candles(periods=1)
    frame.loc[:, ["open", "high", "low", "close"]] = [[100.0, 99.0, 103.0, 101.0]]
    with pytest.raises(ValidationError):
        validate_ohlcv(frame, "1m")
    row = validate_ohlcv(frame, "1m", policy=REPAIR).iloc[0]
    assert (row["high"], row["low"]) == (103.0, 99.0)


@pytest.mark.parametrize("mode", list(RepairMode))
def test_gaps_are_allowed_by_default_and_rejected_when_disallowed(candles, mode) -> None:
    frame = candles(["2024-01-01 00:00", "2024-01-01 00:03"])
    assert len(validate_ohlcv(frame, "1m", policy=ValidationPolicy(mode))) == 2
    with pytest.raises(ValidationError, match="00:01:00") as exc:
        validate_ohlcv(frame, "1m", policy=ValidationPolicy(mode, allow_gaps=False))
    assert _rule(exc) == OHLCVRule.GAPS.value


def test_a_dropped_row_becomes_a_gap_that_a_gap_free_policy_rejects(candles) -> None:
    frame = candles(periods=3)
    frame.iloc[1, frame.columns.get_loc("volume")] = -1.0
    with pytest.raises(ValidationError) as exc:
        validate_ohlcv(frame, "1m", policy=ValidationPolicy("repair", allow_gaps=False))
    assert _rule(exc) == "gaps"


def test_errors_show_the_count_and_at_most_five_rows(candles) -> None:
    frame = candles(periods=8).assign(volume=-1.0)
    with pytest.raises(ValidationError) as exc:
        validate_ohlcv(frame, "1m")
    assert exc.value.context["count"] == 8
    assert len(exc.value.context["rows"]) == 5
    assert "8 row(s)" in str(exc.value)


def test_an_empty_frame_is_valid(candles) -> None:
    assert validate_ohlcv(candles(periods=0), "1h").empty


def test_policy_accepts_the_mode_value_and_rejects_unknown_modes() -> None:
    assert ValidationPolicy("reject") == DEFAULT_POLICY
    with pytest.raises(ValidationError, match="mode"):
        ValidationPolicy("fix")
    with pytest.raises(ValidationError, match="allow_gaps"):
        ValidationPolicy(allow_gaps="no")  # type: ignore[arg-type]
