"""Response models of the data-collection API (re-exported by ``data_collection_client``).

Every model is frozen. Unlike the library's entities they *ignore* unknown fields, so the
service can add a field to a response without breaking clients that do not know it yet;
every documented field is still validated (symbols, timeframes, UTC timestamps, ranges).

:meth:`Coverage.missing` turns a coverage report into the runs of candles a backtest over
``[start, end)`` would lack — before the backtest runs.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Self

from pydantic import ConfigDict, Field, field_validator, model_validator

from tradai.common.data.ohlcv import Gap
from tradai.common.data.series import TimeRange
from tradai.common.entities._base import FrozenModel
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.exchange import ExchangeConfig
from tradai.common.types import Timeframe, TradingPair, UtcDatetime
from tradai.common.utils.datetime import (
    ceil_to_timeframe,
    ensure_utc,
    floor_to_timeframe,
    timeframe_to_seconds,
)
from tradai.common.validators import validate_free_text

__all__ = [
    "JOB_ID_PATTERN",
    "Coverage",
    "CoverageGap",
    "SymbolInfo",
    "SyncJob",
    "count_candles",
    "utc_bounds",
]

#: What a sync job id looks like (it is used as a URL path segment).
JOB_ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}"
_JOB_ID_RE = re.compile(JOB_ID_PATTERN)
_ERROR_MAX = 2000


def count_candles(first: _dt.datetime, after: _dt.datetime, timeframe: str) -> int:
    """Count the candles opening in ``[first, after)``, both on the timeframe's grid.

    Args:
        first: Open time of the first candle (aligned, aware).
        after: Open time of the candle after the last one (aligned, aware).
        timeframe: The timeframe.

    Returns:
        The number of candles (0 when ``after <= first``).

    Example:
        >>> start = _dt.datetime(2024, 1, 1, tzinfo=_dt.UTC)
        >>> count_candles(start, start + _dt.timedelta(hours=2), "15m")
        8
        >>> count_candles(start, _dt.datetime(2024, 7, 1, tzinfo=_dt.UTC), "3M")
        2
    """
    if after <= first:
        return 0
    count = int(timeframe[:-1])
    if timeframe[-1] == "M":
        months = (after.year - first.year) * 12 + after.month - first.month
        return months // count
    return int((after - first).total_seconds()) // timeframe_to_seconds(timeframe)


def utc_bounds(start: _dt.datetime, end: _dt.datetime) -> tuple[_dt.datetime, _dt.datetime]:
    """Check a half-open range ``[start, end)`` and return its bounds in UTC.

    Args:
        start: First instant included (timezone-aware).
        end: First instant excluded (timezone-aware, not before ``start``).

    Returns:
        ``(start, end)`` in UTC.

    Raises:
        ValidationError: If a bound is missing, naive or not a datetime, or ``end`` is
            before ``start``.
    """
    TimeRange.bounded(start, end)
    return ensure_utc(start, field="start"), ensure_utc(end, field="end")


def _check_aligned(moments: list[_dt.datetime], timeframe: str) -> None:
    for moment in moments:
        if floor_to_timeframe(moment, timeframe) != moment:
            raise ValueError(f"{moment.isoformat()} is not a {timeframe} candle open time")


class _Response(FrozenModel):
    model_config = ConfigDict(extra="ignore")


class SymbolInfo(_Response):
    """A symbol the data-collection service collects.

    Attributes:
        symbol: The trading pair (``"BTC/USDT:USDT"``).
        exchange: The ccxt id of its exchange (lower case).
        timeframes: The timeframes collected for it.
        active: Whether the service still collects it.

    Example:
        >>> info = SymbolInfo(symbol="btc/usdt", exchange="Binance", timeframes=["1h"])
        >>> info.symbol, info.exchange, info.timeframes, info.active
        ('BTC/USDT', 'binance', ('1h',), True)
    """

    symbol: TradingPair
    exchange: str
    timeframes: tuple[Timeframe, ...] = ()
    active: bool = True

    @field_validator("exchange")
    @classmethod
    def _exchange(cls, value: str) -> str:
        return ExchangeConfig.validate_name(value)


class CoverageGap(_Response):
    """A run of missing candles inside a stored series.

    Attributes:
        start: Open time of the first missing candle (UTC).
        end: Open time of the candle after the last missing one (excluded).
        missing: How many candles are missing.
    """

    start: UtcDatetime
    end: UtcDatetime
    missing: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError("a gap must end after it starts")
        return self


class Coverage(_Response):
    """What the service holds for one series: first and last candle, and known gaps.

    Attributes:
        symbol: The trading pair.
        timeframe: The timeframe.
        first_candle: Open time of the first stored candle (``None``: nothing stored).
        last_candle: Open time of the last stored candle (``None``: nothing stored).
        candle_count: How many candles are stored.
        gaps: Runs of missing candles between the first and the last, in time order.

    Example:
        >>> import datetime as dt
        >>> day = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        >>> coverage = Coverage(
        ...     symbol="BTC/USDT", timeframe="1h", first_candle=day,
        ...     last_candle=day + dt.timedelta(hours=23), candle_count=24,
        ... )
        >>> [(g.start.hour, g.missing) for g in coverage.missing(day, day + dt.timedelta(days=2))]
        [(0, 24)]
        >>> coverage.missing_candles(day, day + dt.timedelta(days=1))
        0
    """

    symbol: TradingPair
    timeframe: Timeframe
    first_candle: UtcDatetime | None = None
    last_candle: UtcDatetime | None = None
    candle_count: int = Field(default=0, ge=0)
    gaps: tuple[CoverageGap, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        first, last = self.first_candle, self.last_candle
        if (first is None) != (last is None):
            raise ValueError("first_candle and last_candle are both set or both null")
        if first is None or last is None:
            if self.candle_count or self.gaps:
                raise ValueError("an empty series has no candles and no gaps")
            return self
        if last < first:
            raise ValueError("last_candle is before first_candle")
        _check_aligned(
            [first, last, *(t for g in self.gaps for t in (g.start, g.end))], self.timeframe
        )
        previous = first
        for gap in self.gaps:
            if gap.start <= previous or gap.end > last:
                raise ValueError("gaps must be in time order, between first and last candle")
            if gap.missing != count_candles(gap.start, gap.end, self.timeframe):
                raise ValueError("a gap's missing count does not match its bounds")
            previous = gap.end
        return self

    @property
    def is_empty(self) -> bool:
        """Whether the service holds no candle of the series."""
        return self.first_candle is None

    def missing(self, start: _dt.datetime, end: _dt.datetime) -> list[Gap]:
        """Return the runs of candles missing from ``[start, end)`` (by open time).

        Candles before the first stored one, inside the known gaps, and after the last
        stored one are missing.

        Args:
            start: First open time wanted (timezone-aware).
            end: First open time not wanted (timezone-aware).

        Returns:
            The missing runs in time order (empty when the range is fully covered), as the
            :class:`~tradai.common.data.ohlcv.Gap` that :func:`~tradai.common.data.ohlcv.gaps`
            reports.

        Raises:
            ValidationError: If a bound is naive or ``end`` is before ``start``.
        """
        start, end = utc_bounds(start, end)
        lo = ceil_to_timeframe(start, self.timeframe)
        hi = ceil_to_timeframe(end, self.timeframe)
        if self.first_candle is None or self.last_candle is None:
            holes = [(lo, hi)]
        else:
            after_last = ceil_to_timeframe(
                self.last_candle + _dt.timedelta(microseconds=1), self.timeframe
            )
            holes = [(lo, self.first_candle)]
            holes += [(gap.start, gap.end) for gap in self.gaps]
            holes.append((after_last, hi))
        clipped = [(max(a, lo), min(b, hi)) for a, b in holes]
        counted = [(a, b, count_candles(a, b, self.timeframe)) for a, b in clipped]
        return [Gap(a, b, n) for a, b, n in counted if n > 0]

    def missing_candles(self, start: _dt.datetime, end: _dt.datetime) -> int:
        """Count the candles missing from ``[start, end)`` (see :meth:`missing`).

        Args:
            start: First open time wanted (timezone-aware).
            end: First open time not wanted (timezone-aware).

        Returns:
            The number of missing candles.
        """
        return sum(gap.missing for gap in self.missing(start, end))


class SyncJob(_Response):
    """A sync job: the service downloading candles from the exchange into its store.

    Attributes:
        job_id: The job's id (letters, digits, ``_`` and ``-``; at most 128).
        status: ``pending`` → ``running`` → ``completed`` / ``failed`` / ``cancelled``.
        symbols: The trading pairs synced.
        timeframe: The timeframe synced.
        start: First open time synced.
        end: First open time not synced.
        created_at: When the job was created.
        updated_at: When the job last changed.
        progress: Fraction done, 0 to 1.
        candles_written: Candles stored so far.
        error: Why the job failed (``None`` unless failed).

    Example:
        >>> import datetime as dt
        >>> t = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        >>> job = SyncJob(
        ...     job_id="job-1", status="running", symbols=["btc/usdt"], timeframe="1h",
        ...     start=t, end=t + dt.timedelta(days=1), created_at=t, updated_at=t,
        ... )
        >>> job.status, job.symbols, job.is_terminal
        (<JobStatus.RUNNING: 'running'>, ('BTC/USDT',), False)
    """

    job_id: str
    status: JobStatus
    symbols: tuple[TradingPair, ...] = Field(min_length=1)
    timeframe: Timeframe
    start: UtcDatetime
    end: UtcDatetime
    created_at: UtcDatetime
    updated_at: UtcDatetime
    progress: float = Field(default=0.0, ge=0.0, le=1.0)
    candles_written: int = Field(default=0, ge=0)
    error: str | None = None

    @field_validator("job_id")
    @classmethod
    def _job_id(cls, value: str) -> str:
        if not value.isascii() or _JOB_ID_RE.fullmatch(value) is None:
            raise ValueError(
                "job_id must be 1-128 letters, digits, '_' or '-', starting with a letter or digit"
            )
        return value

    @field_validator("error")
    @classmethod
    def _error(cls, value: str | None) -> str | None:
        return None if value is None else validate_free_text(value, max_length=_ERROR_MAX)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    @property
    def is_terminal(self) -> bool:
        """Whether the job has finished (completed, failed or cancelled)."""
        return self.status.is_terminal

    @property
    def succeeded(self) -> bool:
        """Whether the job completed."""
        return self.status is JobStatus.COMPLETED
