"""data_export: Freqtrade file names, the coverage check, and the files an export writes."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.data.sources import SyntheticSource
from tradai.common.entities.exchange import TradingMode
from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade.data_export import (
    MARK_TIMEFRAME,
    CandleExporter,
    ExportedSeries,
    check_coverage,
    freqtrade_data_filename,
)
from tradai.common.freqtrade.errors import MissingCandlesError
from tradai.common.repositories.memory_market_data import InMemoryDataRepository

T0 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SOURCE = SyntheticSource(seed=11, volatility=0.01)
SPOT, PERP = "BTC/USDT", "BTC/USDT:USDT"


def _candles(pair: str, timeframe: str, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    return SOURCE.fetch_ohlcv(pair, timeframe, start, end)


def _repo(*series: tuple[str, str, pd.DataFrame]) -> InMemoryDataRepository:
    repo = InMemoryDataRepository()
    for pair, timeframe, frame in series:
        repo.write(pair, timeframe, frame)
    return repo


def _stored(pair: str, timeframe: str = "1h", days: int = 3) -> tuple[str, str, pd.DataFrame]:
    return pair, timeframe, _candles(pair, timeframe, T0 - DAY, T0 + days * DAY)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_feather(path)


def _as_file(frame: pd.DataFrame) -> pd.DataFrame:
    """A stored frame in the file layout (``date`` column, RangeIndex)."""
    return frame.reset_index()


class RecordingRepository(InMemoryDataRepository):
    """The in-memory twin, recording the ranges asked of ``get_ohlcv``."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[tuple[str, str, Any, Any]] = []

    def get_ohlcv(self, symbol: str, timeframe: str, start: Any = None, end: Any = None) -> Any:
        self.reads.append((symbol, timeframe, start, end))
        return super().get_ohlcv(symbol, timeframe, start, end)


# ------------------------------------------------------------------ file names
@pytest.mark.parametrize(
    ("pair", "timeframe", "candle_type", "expected"),
    [
        ("BTC/USDT", "1h", "spot", "BTC_USDT-1h.feather"),
        ("eth/btc", "5m", "spot", "ETH_BTC-5m.feather"),
        ("BTC/USDT:USDT", "1h", "futures", "futures/BTC_USDT_USDT-1h-futures.feather"),
        ("BTC/USDT:USDT", "1h", "mark", "futures/BTC_USDT_USDT-1h-mark.feather"),
        (
            "BTC/USDT:USDT",
            "1h",
            "funding_rate",
            "futures/BTC_USDT_USDT-1h-funding_rate.feather",
        ),
        ("BTC/USDT", "1M", "spot", "BTC_USDT-1Mo.feather"),
    ],
)
def test_file_names_follow_freqtrades_data_handler(
    pair: str, timeframe: str, candle_type: Any, expected: str
) -> None:
    assert freqtrade_data_filename(pair, timeframe, candle_type) == expected


@pytest.mark.parametrize(
    ("pair", "timeframe", "candle_type", "field"),
    [
        ("BTC-USDT", "1h", "spot", "pair"),
        (None, "1h", "spot", "pair"),
        ("BTC/USDT", "1x", "spot", "timeframe"),
        ("BTC/USDT", "1h", "index", "candle_type"),
        ("BTC/USDT:USDT", "1h", "spot", "pair"),
        ("BTC/USDT", "1h", "futures", "pair"),
        ("BTC/USDT", "1h", "mark", "pair"),
    ],
)
def test_file_names_refuse_bad_arguments_naming_the_field(
    pair: Any, timeframe: str, candle_type: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        freqtrade_data_filename(pair, timeframe, candle_type)
    assert info.value.field == field


# ------------------------------------------------------------------ coverage
def test_coverage_of_complete_series_passes_and_reads_only_the_range() -> None:
    repo = RecordingRepository()
    for pair in ("BTC/USDT", "ETH/USDT"):
        repo.write(*_stored(pair))
    check_coverage(repo, ["BTC/USDT", "ETH/USDT"], "1h", T0, T0 + DAY)
    assert repo.reads == [
        ("BTC/USDT", "1h", T0, T0 + DAY),
        ("ETH/USDT", "1h", T0, T0 + DAY),
    ]


def test_a_gap_is_reported_as_a_readable_half_open_range() -> None:
    pair, tf, frame = _stored(SPOT, days=5)
    holed = frame.drop(pd.date_range(T0, periods=29, freq="1h", tz="UTC"))
    with pytest.raises(MissingCandlesError) as info:
        check_coverage(_repo((pair, tf, holed)), [SPOT], "1h", T0 - DAY, T0 + 4 * DAY)
    assert info.value.missing == {SPOT: ["2024-03-01T00:00Z..2024-03-02T05:00Z (29 candles)"]}
    assert info.value.field == "symbols"
    assert "BTC/USDT: 2024-03-01T00:00Z..2024-03-02T05:00Z (29 candles)" in info.value.message


def test_every_pairs_problems_come_in_one_error() -> None:
    pair, tf, frame = _stored("ETH/USDT")
    late = frame[frame.index >= T0 + dt.timedelta(hours=1)]  # first candle of the range missing
    repo = _repo(_stored(SPOT), (pair, tf, late))
    pairs = ["SOL/USDT", SPOT, "ETH/USDT"]
    with pytest.raises(MissingCandlesError) as info:
        check_coverage(repo, pairs, "1h", T0, T0 + DAY)
    assert info.value.missing == {
        "SOL/USDT": ["no 1h series stored"],
        "ETH/USDT": ["2024-03-01T00:00Z..2024-03-01T01:00Z (1 candle)"],
    }
    assert "SOL/USDT, ETH/USDT" in info.value.message
    assert "2024-03-01T00:00Z..2024-03-02T00:00Z" in info.value.message


def test_candles_missing_at_the_end_of_the_range_are_reported() -> None:
    pair, tf, frame = _stored(SPOT, days=1)  # stored up to T0 + 1 day
    with pytest.raises(MissingCandlesError) as info:
        check_coverage(_repo((pair, tf, frame)), [SPOT], "1h", T0, T0 + 2 * DAY)
    assert info.value.missing[SPOT] == ["2024-03-02T00:00Z..2024-03-03T00:00Z (24 candles)"]


def test_many_gaps_are_all_kept_but_the_message_stays_short() -> None:
    pair, tf, frame = _stored(SPOT)
    holed = frame.drop(pd.date_range(T0, periods=8, freq="2h", tz="UTC"))
    with pytest.raises(MissingCandlesError) as info:
        check_coverage(_repo((pair, tf, holed)), [SPOT], "1h", T0, T0 + DAY)
    assert len(info.value.missing[SPOT]) == 8
    assert info.value.message.endswith("; and 3 more")


def test_sub_minute_ranges_show_seconds() -> None:
    pair, tf, frame = _stored(SPOT, "30s", days=0)
    start = T0 - dt.timedelta(hours=1)
    holed = frame.drop([start + dt.timedelta(seconds=30)])
    with pytest.raises(MissingCandlesError) as info:
        check_coverage(_repo((pair, tf, holed)), [SPOT], "30s", start, T0)
    assert info.value.missing[SPOT] == ["2024-02-29T23:00:30Z..2024-02-29T23:01Z (1 candle)"]


@given(st.sets(st.integers(min_value=0, max_value=47), max_size=20))
@settings(max_examples=30, deadline=None)
def test_reported_candle_counts_add_up_to_the_candles_removed(removed: set[int]) -> None:
    frame = _candles(SPOT, "1h", T0, T0 + 2 * DAY)
    repo = _repo((SPOT, "1h", frame.drop(frame.index[sorted(removed)])))
    if not removed:
        check_coverage(repo, [SPOT], "1h", T0, T0 + 2 * DAY)
        return
    with pytest.raises(MissingCandlesError) as info:
        check_coverage(repo, [SPOT], "1h", T0, T0 + 2 * DAY)
    counts = [int(text.split("(")[1].split()[0]) for text in info.value.missing[SPOT]]
    assert sum(counts) == len(removed)


@pytest.mark.parametrize(
    ("pairs", "timeframe", "start", "end", "field"),
    [
        ("BTC/USDT", "1h", T0, T0 + DAY, "symbols"),
        ([], "1h", T0, T0 + DAY, "symbols"),
        (["BTC/USDT", "btc/usdt"], "1h", T0, T0 + DAY, "symbols"),
        (["BTC-USDT"], "1h", T0, T0 + DAY, "symbols"),
        ([SPOT], "1h", T0.replace(tzinfo=None), T0 + DAY, "start"),
        ([SPOT], "1h", T0, T0 - DAY, "end"),
        ([SPOT], "1h", T0, T0, "end"),
        ([SPOT], "1h", T0 + dt.timedelta(minutes=10), T0 + dt.timedelta(minutes=50), "end"),
        ([SPOT], "hourly", T0, T0 + DAY, "timeframe"),
    ],
)
def test_coverage_refuses_bad_arguments_before_reading(
    pairs: Any, timeframe: str, start: dt.datetime, end: dt.datetime, field: str
) -> None:
    repo = RecordingRepository()
    with pytest.raises(ValidationError) as info:
        check_coverage(repo, pairs, timeframe, start, end)
    assert info.value.field == field
    assert not isinstance(info.value, MissingCandlesError)
    assert repo.reads == []


# ------------------------------------------------------------------ spot export
def test_spot_export_writes_exactly_the_stored_candles(tmp_path: Path) -> None:
    repo = _repo(_stored(SPOT), _stored("ETH/USDT"))
    exported = CandleExporter(repo).export(
        [SPOT, "ETH/USDT"], "1h", T0, T0 + DAY, tmp_path / "data", trading_mode="spot"
    )
    assert exported == [
        ExportedSeries(SPOT, "spot", "1h", tmp_path / "data" / "BTC_USDT-1h.feather", 24),
        ExportedSeries("ETH/USDT", "spot", "1h", tmp_path / "data" / "ETH_USDT-1h.feather", 24),
    ]
    written = _read(exported[0].path)
    assert list(written.columns) == ["date", "open", "high", "low", "close", "volume"]
    assert str(written["date"].dtype) == "datetime64[ns, UTC]"
    assert (written.dtypes.iloc[1:] == "float64").all()
    expected = _as_file(repo.get_ohlcv(SPOT, "1h", T0, T0 + DAY))
    pd.testing.assert_frame_equal(written, expected)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == [
        "BTC_USDT-1h.feather",
        "ETH_USDT-1h.feather",
    ]


def test_warm_up_candles_are_exported_before_the_start(tmp_path: Path) -> None:
    repo = _repo(_stored(SPOT))
    [series] = CandleExporter(repo).export(
        [SPOT], "1h", T0, T0 + DAY, tmp_path, trading_mode=TradingMode.SPOT, warmup_candles=5
    )
    written = _read(series.path)
    assert series.rows == len(written) == 29
    assert written["date"].iloc[0] == pd.Timestamp(T0 - dt.timedelta(hours=5))
    assert written["date"].iloc[-1] == pd.Timestamp(T0 + dt.timedelta(hours=23))


def test_warm_up_is_exported_when_stored_but_not_required(tmp_path: Path) -> None:
    repo = _repo((SPOT, "1h", _candles(SPOT, "1h", T0 - dt.timedelta(hours=2), T0 + DAY)))
    [series] = CandleExporter(repo).export(
        [SPOT], "1h", T0, T0 + DAY, tmp_path, trading_mode="SPOT", warmup_candles=100
    )
    assert series.rows == 26


def test_warm_up_stops_at_1970(tmp_path: Path) -> None:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    repo = _repo((SPOT, "1d", _candles(SPOT, "1d", epoch, epoch + 10 * DAY)))
    exporter = CandleExporter(repo)
    start, end = epoch + 5 * DAY, epoch + 10 * DAY
    [series] = exporter.export(
        [SPOT], "1d", start, end, tmp_path, trading_mode="spot", warmup_candles=10**12
    )
    assert series.rows == 10


def test_warm_up_counts_calendar_months(tmp_path: Path) -> None:
    def month(number: int) -> dt.datetime:
        return dt.datetime(2023, number, 1, tzinfo=dt.UTC)

    repo = _repo((SPOT, "1M", _candles(SPOT, "1M", month(1), month(12))))
    [series] = CandleExporter(repo).export(
        [SPOT], "1M", month(6), month(9), tmp_path, trading_mode="spot", warmup_candles=2
    )
    assert series.path.name == "BTC_USDT-1Mo.feather"
    dates = _read(series.path)["date"].dt.strftime("%Y-%m").tolist()
    assert dates == ["2023-04", "2023-05", "2023-06", "2023-07", "2023-08"]


def test_missing_candles_stop_the_export_before_anything_is_written(tmp_path: Path) -> None:
    pair, tf, frame = _stored(SPOT)
    repo = _repo((pair, tf, frame.drop(frame.index[30])), _stored("ETH/USDT"))
    datadir = tmp_path / "data"
    with pytest.raises(MissingCandlesError) as info:
        CandleExporter(repo).export(
            ["ETH/USDT", SPOT], "1h", T0, T0 + DAY, datadir, trading_mode="spot"
        )
    assert list(info.value.missing) == [SPOT]
    assert not datadir.exists()


def test_export_replaces_its_files_and_leaves_others_alone(tmp_path: Path) -> None:
    other = tmp_path / "ETH_USDT-1h.feather"
    other.write_bytes(b"not ours")
    target = tmp_path / "BTC_USDT-1h.feather"
    target.write_bytes(b"stale")
    CandleExporter(_repo(_stored(SPOT))).export(
        [SPOT], "1h", T0, T0 + DAY, tmp_path, trading_mode="spot"
    )
    assert len(_read(target)) == 24
    assert other.read_bytes() == b"not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name, other.name]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    blocker = tmp_path / "BTC_USDT-1h.feather"
    blocker.mkdir()
    (blocker / "keep").write_text("x")  # a non-empty directory cannot be replaced
    with pytest.raises(OSError):
        CandleExporter(_repo(_stored(SPOT))).export(
            [SPOT], "1h", T0, T0 + DAY, tmp_path, trading_mode="spot"
        )
    assert [p.name for p in tmp_path.iterdir()] == [blocker.name]


def test_each_file_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    exporter = CandleExporter(_repo(_stored(SPOT)))
    with caplog.at_level(logging.INFO, logger="tradai.common.freqtrade.data_export"):
        exporter.export([SPOT], "1h", T0, T0 + DAY, tmp_path, trading_mode="spot")
    assert "exported 24 1h spot candles of BTC/USDT" in caplog.text
    assert repr(exporter) == "CandleExporter(repo=InMemoryDataRepository(series=1))"


# ------------------------------------------------------------------ futures export
def _futures(
    tmp_path: Path, timeframe: str, end: dt.datetime, **kw: Any
) -> tuple[InMemoryDataRepository, list[ExportedSeries]]:
    repo = _repo(_stored(PERP, timeframe))
    exported = CandleExporter(repo).export(
        [PERP], timeframe, T0, end, tmp_path, trading_mode="futures", **kw
    )
    return repo, exported


def test_futures_export_writes_candles_mark_and_funding_files(tmp_path: Path) -> None:
    repo, exported = _futures(tmp_path, "1h", T0 + DAY, funding_rate=0.0001)
    futures_dir = tmp_path / "futures"
    assert [(e.candle_type, e.timeframe, e.path, e.rows) for e in exported] == [
        ("futures", "1h", futures_dir / "BTC_USDT_USDT-1h-futures.feather", 24),
        ("mark", "1h", futures_dir / "BTC_USDT_USDT-1h-mark.feather", 24),
        ("funding_rate", "1h", futures_dir / "BTC_USDT_USDT-1h-funding_rate.feather", 24),
    ]
    stored = _as_file(repo.get_ohlcv(PERP, "1h", T0, T0 + DAY))
    pd.testing.assert_frame_equal(_read(exported[0].path), stored)
    mark = _read(exported[1].path)
    pd.testing.assert_frame_equal(mark.drop(columns="volume"), stored.drop(columns="volume"))
    assert (mark["volume"] == 0.0).all()
    funding = _read(exported[2].path)
    pd.testing.assert_series_equal(funding["date"], stored["date"])
    assert (funding[["open", "high", "low", "close"]] == 0.0001).all().all()
    assert (funding["volume"] == 0.0).all()


def test_mark_candles_aggregate_shorter_timeframes_per_hour(tmp_path: Path) -> None:
    repo, exported = _futures(tmp_path, "15m", T0 + DAY, warmup_candles=2)
    candles = repo.get_ohlcv(PERP, "15m", T0 - dt.timedelta(minutes=30), T0 + DAY)
    mark = _read(exported[1].path).set_index("date")
    assert exported[0].rows == 98
    assert exported[1].timeframe == MARK_TIMEFRAME
    assert len(mark) == 25  # the partial warm-up hour 23:00 (23:30, 23:45), then 24 hours
    hour = candles.loc[T0 : T0 + dt.timedelta(minutes=45)]
    first = mark.loc[pd.Timestamp(T0)]
    assert first["open"] == hour["open"].iloc[0]
    assert first["high"] == hour["high"].max()
    assert first["low"] == hour["low"].min()
    assert first["close"] == hour["close"].iloc[-1]
    assert mark.loc[pd.Timestamp(T0 - dt.timedelta(hours=1)), "open"] == candles["open"].iloc[0]


def test_hours_without_candles_get_no_mark_candle(tmp_path: Path) -> None:
    frame = _candles(PERP, "15m", T0 - DAY, T0 + DAY)
    hole = frame.index[
        (frame.index >= T0 - dt.timedelta(hours=3)) & (frame.index < T0 - dt.timedelta(hours=2))
    ]
    repo = _repo((PERP, "15m", frame.drop(hole)))  # a gap in the warm-up only
    exported = CandleExporter(repo).export(
        [PERP], "15m", T0, T0 + DAY, tmp_path, trading_mode="futures", warmup_candles=16
    )
    mark_dates = _read(exported[1].path)["date"]
    assert pd.Timestamp(T0 - dt.timedelta(hours=3)) not in set(mark_dates)
    assert len(mark_dates) == 24 + 3


def test_longer_candles_are_repeated_for_each_hour_they_span(tmp_path: Path) -> None:
    repo, exported = _futures(tmp_path, "4h", T0 + DAY)
    candles = repo.get_ohlcv(PERP, "4h", T0, T0 + DAY)
    mark = _read(exported[1].path).set_index("date")
    assert exported[0].rows == 6
    assert exported[1].rows == 24
    for offset in range(4):
        row = mark.loc[pd.Timestamp(T0 + dt.timedelta(hours=4 + offset))]
        assert row[["open", "high", "low", "close"]].tolist() == (
            candles.iloc[1][["open", "high", "low", "close"]].tolist()
        )


def test_hours_at_or_after_the_end_get_no_mark_candle(tmp_path: Path) -> None:
    _, exported = _futures(tmp_path, "1d", T0 + DAY + dt.timedelta(hours=12))
    assert exported[0].rows == 2  # the candle opening at T0 + 1 day is inside the range
    dates = _read(exported[1].path)["date"]
    assert exported[1].rows == 36
    assert dates.iloc[-1] == pd.Timestamp(T0 + DAY + dt.timedelta(hours=11))


def test_mark_candles_of_odd_timeframes_take_the_candle_containing_the_hour(
    tmp_path: Path,
) -> None:
    repo, exported = _futures(tmp_path, "90m", T0 + dt.timedelta(hours=6))
    candles = repo.get_ohlcv(PERP, "90m", T0, T0 + DAY)
    mark = _read(exported[1].path).set_index("date")
    # 01:00 lies in the 00:00 candle, 02:00 in the 01:30 one
    assert mark.loc[pd.Timestamp(T0 + dt.timedelta(hours=1)), "open"] == candles["open"].iloc[0]
    assert mark.loc[pd.Timestamp(T0 + dt.timedelta(hours=2)), "open"] == candles["open"].iloc[1]
    assert exported[1].rows == 6


@pytest.mark.parametrize(
    ("pairs", "mode", "field"),
    [
        ([SPOT], "futures", "symbols"),
        ([PERP], "spot", "symbols"),
        ([PERP, SPOT], TradingMode.FUTURES, "symbols"),
        ([SPOT], "margin", "trading_mode"),
        ([SPOT], TradingMode.MARGIN, "trading_mode"),
        ([SPOT], "options", "trading_mode"),
        ([SPOT], 1, "trading_mode"),
    ],
)
def test_pairs_must_fit_the_trading_mode(
    tmp_path: Path, pairs: list[str], mode: Any, field: str
) -> None:
    repo = RecordingRepository()
    with pytest.raises(ValidationError) as info:
        CandleExporter(repo).export(pairs, "1h", T0, T0 + DAY, tmp_path, trading_mode=mode)
    assert info.value.field == field
    assert repo.reads == []


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"warmup_candles": -1}, "warmup_candles"),
        ({"warmup_candles": True}, "warmup_candles"),
        ({"warmup_candles": 1.5}, "warmup_candles"),
        ({"funding_rate": float("nan")}, "funding_rate"),
        ({"funding_rate": True}, "funding_rate"),
        ({"funding_rate": 1.0}, "funding_rate"),
        ({"funding_rate": "0.01"}, "funding_rate"),
    ],
)
def test_bad_options_are_refused_before_reading(
    tmp_path: Path, kw: dict[str, Any], field: str
) -> None:
    repo = RecordingRepository()
    with pytest.raises(ValidationError) as info:
        CandleExporter(repo).export(
            [PERP], "1h", T0, T0 + DAY, tmp_path, trading_mode="futures", **kw
        )
    assert info.value.field == field
    assert repo.reads == []


@pytest.mark.parametrize("datadir", ["", None, "file"])
def test_datadir_must_be_a_directory_path(tmp_path: Path, datadir: Any) -> None:
    if datadir == "file":
        datadir = tmp_path / "file"
        datadir.write_text("x")
    with pytest.raises(ValidationError) as info:
        CandleExporter(_repo(_stored(SPOT))).export(
            [SPOT], "1h", T0, T0 + DAY, datadir, trading_mode="spot"
        )
    assert info.value.field == "datadir"


def test_negative_funding_rates_are_written_as_given(tmp_path: Path) -> None:
    _, exported = _futures(tmp_path, "1h", T0 + dt.timedelta(hours=3), funding_rate=-0.0002)
    assert _read(exported[2].path)["open"].tolist() == [-0.0002] * 3
