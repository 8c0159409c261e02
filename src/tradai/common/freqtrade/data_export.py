"""Export candles from the market-data store into a Freqtrade data directory.

Freqtrade backtests read candles from files, never from a database. :class:`CandleExporter`
reads the requested range from a :class:`~tradai.common.repositories.market_data.DataRepository`
and writes the feather files Freqtrade's ``FeatherDataHandler`` loads (pass the directory to
Freqtrade as ``--datadir``). :func:`check_coverage` runs first: when a pair lacks candles
anywhere in the range, ONE :class:`~tradai.common.freqtrade.errors.MissingCandlesError`
names every pair and every missing range, and nothing is written.

Files (``freqtrade_data_filename``), relative to the data directory:

=================  ==============================================  =======================
candle type        file                                            content
=================  ==============================================  =======================
``spot``           ``BTC_USDT-1h.feather``                         the stored candles
``futures``        ``futures/BTC_USDT_USDT-1h-futures.feather``    the stored candles
``mark``           ``futures/BTC_USDT_USDT-1h-mark.feather``       1h, derived (below)
``funding_rate``   ``futures/BTC_USDT_USDT-1h-funding_rate.feather``  1h, constant rate
=================  ==============================================  =======================

Every file has the column ``date`` (``datetime64[ns, UTC]``, the candle open time) then
``open``, ``high``, ``low``, ``close``, ``volume`` (``float64``), sorted by date.

Decisions where the issue is silent:

* **Range.** Candles with open time in ``[start - warmup_candles * timeframe, end)`` are
  exported; only ``[start, end)`` must be complete. Warm-up candles are exported when
  stored and silently skipped when not (Freqtrade then starts its indicators later). A
  warm-up reaching before 1970 is clipped to 1970 (no market data is older).
* **Mark candles** (futures): Freqtrade's Binance backtests read mark prices at ``1h``
  whatever the strategy timeframe, and the store holds only trade candles, so the mark
  series is derived from them: timeframes below ``1h`` are aggregated per hour (first
  open, highest high, lowest low, last close; hours without any candle are left out), a
  ``1h`` series is copied, and each candle of a longer timeframe is repeated for every
  hour it spans (each hour takes the candle containing its open time, hours at or after
  ``end`` are dropped). Mark volume is ``0.0``, as in Binance's mark-price klines.
* **Funding rates** (futures): one ``1h`` row per mark row, ``open``, ``high``, ``low``
  and ``close`` all equal to ``funding_rate`` and ``volume`` ``0.0`` (the OHLCV layout
  Freqtrade reads for funding rates, with the rate in ``open``).
* **Modes.** Spot exports need spot pairs (``BTC/USDT``), futures exports need pairs with
  a settle currency (``BTC/USDT:USDT``); margin is refused. Pairs must be unique.
* **Writes.** Each file is written to a temporary file in its directory then renamed over
  the target (``os.replace``), so Freqtrade never reads half a file; other files already in
  the directory are left alone.

Example:
    >>> import datetime as dt, tempfile
    >>> from pathlib import Path
    >>> from tradai.common.data.sources import SyntheticSource
    >>> from tradai.common.repositories.memory_market_data import InMemoryDataRepository
    >>> start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    >>> end = start + dt.timedelta(days=2)
    >>> repo = InMemoryDataRepository()
    >>> candles = SyntheticSource(seed=1).fetch_ohlcv("BTC/USDT", "1h", start, end)
    >>> repo.write("BTC/USDT", "1h", candles)
    48
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     exported = CandleExporter(repo).export(
    ...         ["BTC/USDT"], "1h", start, end, Path(tmp), trading_mode="spot"
    ...     )
    >>> [(e.path.name, e.rows) for e in exported]
    [('BTC_USDT-1h.feather', 48)]
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from tradai.common._files import atomic_destination
from tradai.common._lazy import require
from tradai.common.data._grid import Grid, utc_ns
from tradai.common.data.ohlcv import OHLCV_COLUMNS, Gap, gaps
from tradai.common.entities.exchange import TradingMode
from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.freqtrade.errors import MissingCandlesError
from tradai.common.logger_mixin import LoggerMixin
from tradai.common.utils.datetime import ensure_utc, timeframe_to_seconds
from tradai.common.validators import ensure, validate_timeframe, validate_trading_pair

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tradai.common.repositories.market_data import DataRepository

__all__ = [
    "MARK_TIMEFRAME",
    "CandleExporter",
    "CandleType",
    "ExportedSeries",
    "check_coverage",
    "freqtrade_data_filename",
]

CandleType = Literal["spot", "futures", "mark", "funding_rate"]
"""Freqtrade's candle types that an export writes."""

#: Timeframe of the mark-price and funding-rate files (Freqtrade's Binance setting).
MARK_TIMEFRAME = "1h"

_CANDLE_TYPES: tuple[str, ...] = get_args(CandleType)
_HOUR_SECONDS = 3600
_SHOWN_RANGES = 5  # ranges per pair in an error message (all are in ``missing``)
_MAX_FUNDING_RATE = 1.0


@dataclass(frozen=True, slots=True)
class ExportedSeries:
    """One file an export wrote.

    Attributes:
        pair: The trading pair (``"BTC/USDT:USDT"``).
        candle_type: What the file holds.
        timeframe: Its timeframe (``MARK_TIMEFRAME`` for mark and funding-rate files).
        path: The absolute path of the file.
        rows: How many candles it holds.
    """

    pair: str
    candle_type: CandleType
    timeframe: str
    path: Path
    rows: int


def _is_futures_pair(pair: str) -> bool:
    return ":" in pair


def freqtrade_data_filename(pair: str, timeframe: str, candle_type: CandleType) -> str:
    """Return the path of a series' file relative to a Freqtrade data directory.

    Names follow Freqtrade's ``IDataHandler``: ``/`` and ``:`` of the pair become ``_``,
    month timeframes are written ``Mo`` (``1M`` → ``1Mo``, so case-insensitive file
    systems keep minutes and months apart), and every candle type but ``spot`` lives in
    ``futures/`` with a ``-<candle_type>`` suffix.

    Args:
        pair: A trading pair; ``spot`` needs ``BASE/QUOTE``, the others ``BASE/QUOTE:SETTLE``.
        timeframe: The timeframe (``"1h"``).
        candle_type: ``"spot"``, ``"futures"``, ``"mark"`` or ``"funding_rate"``.

    Returns:
        A POSIX relative path such as ``"futures/BTC_USDT_USDT-1h-futures.feather"``.

    Raises:
        ValidationError: For a malformed pair or timeframe, an unknown candle type, or a
            pair that does not fit the candle type (``field`` names the argument).

    Example:
        >>> freqtrade_data_filename("btc/usdt", "1h", "spot")
        'BTC_USDT-1h.feather'
        >>> freqtrade_data_filename("BTC/USDT:USDT", "1h", "funding_rate")
        'futures/BTC_USDT_USDT-1h-funding_rate.feather'
    """
    symbol = ensure(validate_trading_pair, pair, field="pair")
    ensure(validate_timeframe, timeframe, field="timeframe")
    if candle_type not in _CANDLE_TYPES:
        raise ValidationError(
            f"candle_type {candle_type!r:.40} must be one of {', '.join(_CANDLE_TYPES)}",
            field="candle_type",
        )
    if _is_futures_pair(symbol) != (candle_type != "spot"):
        wanted = "BASE/QUOTE" if candle_type == "spot" else "BASE/QUOTE:SETTLE"
        raise ValidationError(
            f"{candle_type} candles need a {wanted} pair, got {symbol}", field="pair"
        )
    stem = f"{symbol.replace('/', '_').replace(':', '_')}-{timeframe.replace('M', 'Mo')}"
    if candle_type == "spot":
        return f"{stem}.feather"
    return f"futures/{stem}-{candle_type}.feather"


# ------------------------------------------------------------------ argument checks
def _check_pairs(pairs: Sequence[str], mode: TradingMode | None = None) -> list[str]:
    if isinstance(pairs, str) or not pairs:
        raise ValidationError("pairs must be a non-empty list of trading pairs", field="symbols")
    checked = [ensure(validate_trading_pair, p, field="symbols") for p in pairs]
    duplicates = sorted({p for p in checked if checked.count(p) > 1})
    if duplicates:
        raise ValidationError(f"duplicate pairs: {', '.join(duplicates)}", field="symbols")
    if mode is not None:
        futures = mode is TradingMode.FUTURES
        wrong = [p for p in checked if _is_futures_pair(p) != futures]
        if wrong:
            wanted = "BASE/QUOTE:SETTLE" if futures else "BASE/QUOTE (no settle currency)"
            raise ValidationError(
                f"{mode.value} mode needs {wanted} pairs; got {', '.join(wrong)}",
                field="symbols",
            )
    return checked


def _check_range(
    timeframe: str, start: _dt.datetime, end: _dt.datetime
) -> tuple[_dt.datetime, _dt.datetime]:
    grid = Grid.of(ensure(validate_timeframe, timeframe, field="timeframe"))
    first, last = ensure_utc(start, field="start"), ensure_utc(end, field="end")
    if grid.ceil_ordinal(first) >= grid.ceil_ordinal(last):
        raise ValidationError(
            f"[{first.isoformat()}, {last.isoformat()}) holds no {timeframe} candle",
            field="end",
        )
    return first, last


def _parse_mode(trading_mode: TradingMode | str) -> TradingMode:
    mode: TradingMode | None = None
    if isinstance(trading_mode, TradingMode):
        mode = trading_mode
    elif isinstance(trading_mode, str):
        mode = next((m for m in TradingMode if m.value == trading_mode.lower()), None)
    if mode is TradingMode.MARGIN:
        raise ValidationError("margin trading is not supported for backtests", field="trading_mode")
    if mode is None:
        raise ValidationError(
            f"trading_mode {trading_mode!r:.40} must be 'spot' or 'futures'", field="trading_mode"
        )
    return mode


def _check_int(value: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(f"{field} must be an integer >= 0", field=field)
    return value


def _check_funding_rate(value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or abs(value) >= _MAX_FUNDING_RATE
    ):
        raise ValidationError(
            "funding_rate must be a finite number between -1 and 1 (a ratio per hour)",
            field="funding_rate",
        )
    return float(value)


def _check_datadir(datadir: Path) -> Path:
    if not isinstance(datadir, str | os.PathLike) or not os.fspath(datadir):
        raise ValidationError("datadir must be a directory path", field="datadir")
    path = Path(datadir).resolve()
    if path.exists() and not path.is_dir():
        raise ValidationError(f"datadir {path} exists and is not a directory", field="datadir")
    return path


# ------------------------------------------------------------------ coverage
def _stamp(moment: _dt.datetime) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M")
    if moment.second or moment.microsecond:
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    return text + "Z"


def _describe(gap: Gap) -> str:
    noun = "candle" if gap.missing == 1 else "candles"
    return f"{_stamp(gap.start)}..{_stamp(gap.end)} ({gap.missing} {noun})"


def _message(
    missing: dict[str, list[str]], timeframe: str, start: _dt.datetime, end: _dt.datetime
) -> str:
    parts = []
    for pair, ranges in missing.items():
        shown = "; ".join(ranges[:_SHOWN_RANGES])
        more = len(ranges) - _SHOWN_RANGES
        parts.append(f"{pair}: {shown}" + (f"; and {more} more" if more > 0 else ""))
    return (
        f"the market data store lacks {timeframe} candles of {', '.join(missing)} needed for "
        f"{_stamp(start)}..{_stamp(end)}: " + " | ".join(parts)
    )


def _read_covered(
    repo: DataRepository,
    pairs: Sequence[str],
    timeframe: str,
    start: _dt.datetime,
    end: _dt.datetime,
    *,
    read_start: _dt.datetime,
) -> dict[str, Any]:
    """Read ``[read_start, end)`` of each pair; raise unless ``[start, end)`` is covered."""
    frames: dict[str, Any] = {}
    missing: dict[str, list[str]] = {}
    for pair in pairs:
        try:
            frame = repo.get_ohlcv(pair, timeframe, read_start, end)
        except NotFoundError:
            missing[pair] = [f"no {timeframe} series stored"]
            continue
        holes = gaps(frame, timeframe, start=start, end=end)
        if holes:
            missing[pair] = [_describe(g) for g in holes]
        frames[pair] = frame
    if missing:
        raise MissingCandlesError(_message(missing, timeframe, start, end), missing=missing)
    return frames


def check_coverage(
    repo: DataRepository,
    pairs: Sequence[str],
    timeframe: str,
    start: _dt.datetime,
    end: _dt.datetime,
) -> None:
    """Check that the store holds every candle of ``[start, end)`` for every pair.

    Only that range is read. Problems of all pairs are collected first, so one error
    tells everything that must be downloaded.

    Args:
        repo: The market-data store.
        pairs: Trading pairs (unique).
        timeframe: The candle timeframe.
        start: First open time needed (timezone-aware).
        end: First open time not needed (timezone-aware, after ``start``).

    Raises:
        MissingCandlesError: If a series is missing or has missing candles; ``missing``
            maps each such pair to readable ranges such as
            ``"2024-03-01T00:00Z..2024-03-02T05:00Z (29 candles)"`` (end excluded).
        ValidationError: For malformed pairs, timeframe or range, or a range holding no
            candle of the timeframe.

    Example:
        >>> import datetime as dt
        >>> from tradai.common.repositories.memory_market_data import InMemoryDataRepository
        >>> start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
        >>> try:
        ...     check_coverage(InMemoryDataRepository(), ["BTC/USDT"], "1h", start,
        ...                    start + dt.timedelta(days=1))
        ... except MissingCandlesError as exc:
        ...     print(exc.missing)
        {'BTC/USDT': ['no 1h series stored']}
    """
    checked = _check_pairs(pairs)
    first, last = _check_range(timeframe, start, end)
    _read_covered(repo, checked, timeframe, first, last, read_start=first)


# ------------------------------------------------------------------ frames
def _warmup_start(timeframe: str, start: _dt.datetime, warmup: int) -> _dt.datetime:
    if warmup == 0:
        return start
    grid = Grid.of(timeframe)
    first = grid.ceil_ordinal(start)
    ordinal = max(first - warmup, min(first, 0))  # never before the grid's 1970 anchor
    moment: _dt.datetime = grid.open_times([ordinal])[0].to_pydatetime()
    return moment


def _file_frame(frame: Any) -> Any:
    """Freqtrade's layout: a ``date`` column (ns, UTC) then float64 OHLCV, sorted."""
    out = frame.loc[:, list(OHLCV_COLUMNS)].astype("float64")
    out.index = utc_ns(frame.index)
    return out.sort_index(kind="mergesort").reset_index()


def _hourly_mark(frame: Any, timeframe: str, end: _dt.datetime) -> Any:
    """Mark-price candles at ``MARK_TIMEFRAME`` derived from the trade candles."""
    pd = require("pandas", extra="market")
    seconds = timeframe_to_seconds(timeframe)
    if timeframe == MARK_TIMEFRAME:
        mark = frame.loc[:, list(OHLCV_COLUMNS)].copy()
    elif seconds < _HOUR_SECONDS:
        aggregate = {"open": "first", "high": "max", "low": "min", "close": "last"}
        mark = frame.resample("1h", label="left", closed="left").agg(aggregate)
        mark = mark.dropna(subset=["open"])
    else:
        grid = Grid.of(timeframe)
        index = utc_ns(frame.index)
        last_close = grid.open_times([int(grid.ordinals(index)[-1]) + 1])[0]
        stop = min(last_close, pd.Timestamp(end))
        hours = pd.date_range(index[0].ceil("1h"), stop, freq="1h", inclusive="left")
        owners = grid.open_times(grid.ordinals(hours.as_unit("ns")))
        mark = frame.reindex(owners).loc[:, ["open", "high", "low", "close"]]
        mark.index = hours
        mark = mark.dropna(subset=["open"])
    mark["volume"] = 0.0
    return mark


def _funding(mark: Any, rate: float) -> Any:
    funding = mark.copy()
    for column in ("open", "high", "low", "close"):
        funding[column] = rate
    funding["volume"] = 0.0
    return funding


def _write_feather(frame: Any, path: Path) -> int:
    """Write atomically: a temporary file next to ``path``, then ``os.replace``."""
    table = _file_frame(frame)
    with atomic_destination(path) as temp:
        table.to_feather(temp)
    return len(table)


class CandleExporter(LoggerMixin):
    """Writes stored candles as the files a Freqtrade backtest reads.

    Args:
        repo: The market-data store to read from.
    """

    def __init__(self, repo: DataRepository) -> None:
        self._repo = repo

    def __repr__(self) -> str:
        return f"{type(self).__name__}(repo={self._repo!r})"

    def export(
        self,
        pairs: Sequence[str],
        timeframe: str,
        start: _dt.datetime,
        end: _dt.datetime,
        datadir: Path,
        *,
        trading_mode: TradingMode | str,
        warmup_candles: int = 0,
        funding_rate: float = 0.0,
    ) -> list[ExportedSeries]:
        """Check coverage, then write every file the backtest needs (see the module doc).

        Args:
            pairs: Trading pairs, unique; spot pairs in spot mode, ``BASE/QUOTE:SETTLE`` in
                futures mode.
            timeframe: The strategy timeframe.
            start: First open time that must be covered (timezone-aware).
            end: First open time not exported (timezone-aware).
            datadir: The data directory (Freqtrade's ``--datadir``); created if missing.
            trading_mode: ``"spot"`` or ``"futures"`` (a :class:`TradingMode`).
            warmup_candles: Candles before ``start`` to export too, when stored
                (the strategy's ``startup_candle_count``).
            funding_rate: The constant funding rate of futures files (ratio per hour).

        Returns:
            One entry per file written: per pair, the candles, then (futures) the mark and
            funding-rate files.

        Raises:
            MissingCandlesError: If a pair lacks candles in ``[start, end)`` (nothing is
                written).
            ValidationError: For a bad argument (nothing is written).
        """
        mode = _parse_mode(trading_mode)
        checked = _check_pairs(pairs, mode)
        first, last = _check_range(timeframe, start, end)
        warmup = _check_int(warmup_candles, "warmup_candles")
        rate = _check_funding_rate(funding_rate)
        root = _check_datadir(datadir)
        read_start = _warmup_start(timeframe, first, warmup)
        frames = _read_covered(self._repo, checked, timeframe, first, last, read_start=read_start)
        exported: list[ExportedSeries] = []
        for pair in checked:
            frame = frames[pair]
            if mode is TradingMode.SPOT:
                exported.append(self._write(pair, "spot", timeframe, frame, root))
                continue
            mark = _hourly_mark(frame, timeframe, last)
            exported.append(self._write(pair, "futures", timeframe, frame, root))
            exported.append(self._write(pair, "mark", MARK_TIMEFRAME, mark, root))
            exported.append(
                self._write(pair, "funding_rate", MARK_TIMEFRAME, _funding(mark, rate), root)
            )
        return exported

    def _write(
        self, pair: str, candle_type: CandleType, timeframe: str, frame: Any, root: Path
    ) -> ExportedSeries:
        path = root / freqtrade_data_filename(pair, timeframe, candle_type)
        rows = _write_feather(frame, path)
        self.logger.info(
            "exported %d %s %s candles of %s to %s", rows, timeframe, candle_type, pair, path
        )
        return ExportedSeries(pair, candle_type, timeframe, path, rows)
