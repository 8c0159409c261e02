"""Properties of market data: synthetic determinism, and OHLCV repair/reject invariants."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradai.common.data.ohlcv import (
    OHLCVRule,
    RepairMode,
    ValidationPolicy,
    gaps,
    validate_ohlcv,
)
from tradai.common.data.sources import SyntheticSource
from tradai.common.exceptions import ValidationError

EPOCH_2020 = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
TIMEFRAMES = st.sampled_from(["1m", "5m", "1h", "4h", "1d", "1w"])
PAIRS = st.sampled_from(["BTC/USDT", "ETH/USDT:USDT", "SOL/BTC", "BTC/USDT:USDT-250328"])
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
REPAIR = ValidationPolicy(RepairMode.REPAIR)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def windows(draw: st.DrawFn) -> tuple[str, dt.datetime, dt.datetime, dt.datetime]:
    """A timeframe and three instants a <= b <= c spanning at most ~3000 candles."""
    timeframe = draw(TIMEFRAMES)
    step = pd.Timedelta(timeframe.replace("m", "min").replace("w", "W")).to_pytimedelta()
    offsets = sorted(draw(st.lists(st.integers(0, 3000), min_size=3, max_size=3)))
    jitter = dt.timedelta(seconds=draw(st.integers(0, 59)))
    start = EPOCH_2020 + draw(st.integers(0, 20_000)) * dt.timedelta(hours=1) + jitter
    a, b, c = (start + o * step for o in offsets)
    return timeframe, a, b, c


@FAST
@given(seed=SEEDS, pair=PAIRS, window=windows())
def test_same_seed_symbol_and_range_give_the_identical_frame(seed, pair, window) -> None:
    timeframe, start, _, end = window
    first = SyntheticSource(seed=seed).fetch_ohlcv(pair, timeframe, start, end)
    second = SyntheticSource(seed=seed).fetch_ohlcv(pair, timeframe, start, end)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


@FAST
@given(seed=SEEDS, pair=PAIRS, window=windows())
def test_adjacent_ranges_agree_with_the_range_that_covers_both(seed, pair, window) -> None:
    timeframe, a, b, c = window
    source = SyntheticSource(seed=seed)
    whole = source.fetch_ohlcv(pair, timeframe, a, c)
    parts = pd.concat([source.fetch_ohlcv(pair, timeframe, a, b),
                       source.fetch_ohlcv(pair, timeframe, b, c)])  # fmt: skip
    pd.testing.assert_frame_equal(whole, parts, check_exact=True, check_freq=False)
    assert gaps(whole, timeframe) == []


# ------------------------------------------------------------- messy frames
@st.composite
def messy_frames(draw: st.DrawFn) -> pd.DataFrame:
    """Valid 1m candles, then shuffled, duplicated, and with some rows corrupted."""
    n = draw(st.integers(1, 40))
    start = EPOCH_2020 + dt.timedelta(minutes=draw(st.integers(0, 10_000)))
    frame = SyntheticSource(seed=draw(SEEDS)).fetch_ohlcv(
        "BTC/USDT", "1m", start, start + dt.timedelta(minutes=n)
    )
    rows = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=2 * n))
    frame = frame.iloc[rows].copy()  # reordered, with repeats, some candles missing
    corrupt = st.sampled_from(
        ["volume:-1", "low:nan", "high:0", "high:swap", "close:inf", "time:+30s", "none"]
    )
    for position, damage in enumerate(draw(st.lists(corrupt, max_size=len(frame)))):
        column, change = damage.split(":") if ":" in damage else ("", "")
        if column == "time":
            index = frame.index.to_list()
            index[position] += pd.Timedelta(seconds=30)
            frame.index = pd.DatetimeIndex(index)
        elif change == "swap":
            frame.iloc[position, 1] = frame.iloc[position, 2] / 2  # high below low
        elif column:
            frame.iloc[position, frame.columns.get_loc(column)] = float(change)
    return frame


@FAST
@given(frame=messy_frames())
def test_repaired_frames_pass_strict_validation_and_repair_is_idempotent(frame) -> None:
    repaired = validate_ohlcv(frame, "1m", policy=REPAIR)
    pd.testing.assert_frame_equal(validate_ohlcv(repaired, "1m"), repaired)
    pd.testing.assert_frame_equal(validate_ohlcv(repaired, "1m", policy=REPAIR), repaired)
    assert set(repaired.index) <= set(frame.index)  # nothing is invented or moved in time
    assert np.isfinite(repaired.to_numpy()).all()


@FAST
@given(frame=messy_frames(), allow_gaps=st.booleans(), mode=st.sampled_from(list(RepairMode)))
def test_validation_either_returns_a_frame_or_raises_validation_error(
    frame, allow_gaps, mode
) -> None:
    policy = ValidationPolicy(mode, allow_gaps=allow_gaps)
    try:
        out = validate_ohlcv(frame, "1m", policy=policy)
    except ValidationError as exc:
        rule = exc.context["rule"]
    else:
        rule = None
    if rule is not None:
        assert rule in {r.value for r in OHLCVRule}
        return
    assert out.index.is_monotonic_increasing
    assert out.index.is_unique
    assert (out["high"] >= out[["open", "close"]].max(axis=1)).all()
    assert (out["low"] <= out[["open", "close"]].min(axis=1)).all()
