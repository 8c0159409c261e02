"""Gap reports of OHLCV data (re-exported by :mod:`tradai.common.data.ohlcv`)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from tradai.common._lazy import require
from tradai.common.data._grid import Grid, utc_ns
from tradai.common.data.series import TimeRange
from tradai.common.exceptions import ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Gap", "gaps"]


@dataclass(frozen=True, slots=True)
class Gap:
    """A run of missing candles.

    Attributes:
        start: Open time of the first missing candle (UTC).
        end: Open time of the candle after the last missing one (excluded).
        missing: How many candles are missing.
    """

    start: _dt.datetime
    end: _dt.datetime
    missing: int


def gaps(
    data: Any,
    timeframe: str,
    *,
    start: _dt.datetime | None = None,
    end: _dt.datetime | None = None,
) -> list[Gap]:
    """Report the runs of missing candles in a frame (or index) of one timeframe.

    Without bounds, only gaps between the first and the last candle are reported. With
    ``start``/``end`` (the half-open range the data should cover), missing candles at the
    beginning and the end of that range are reported too, and candles outside it are
    ignored. Timestamps off the grid count for the candle containing them; order and
    duplicates do not matter.

    Args:
        data: A ``DataFrame`` (its index is used) or a timezone-aware ``DatetimeIndex``.
        timeframe: The candle timeframe.
        start: Start of the expected range (timezone-aware), or ``None``.
        end: End of the expected range, excluded (timezone-aware), or ``None``.

    Returns:
        The gaps, in time order (empty when nothing is missing).

    Raises:
        ValidationError: If the index is not a timezone-aware ``DatetimeIndex``, a bound is
            naive, ``end`` is before ``start`` or ``timeframe`` is invalid.

    Example:
        >>> import datetime as dt
        >>> import pandas as pd
        >>> index = pd.DatetimeIndex(["2024-01-01 00:00", "2024-01-01 00:03"], tz="UTC")
        >>> [(g.start.minute, g.end.minute, g.missing) for g in gaps(index, "1m")]
        [(1, 3, 2)]
        >>> len(gaps(index, "1m", end=dt.datetime(2024, 1, 1, 0, 5, tzinfo=dt.UTC)))
        2
    """
    pd = require("pandas", extra="market")
    np = require("numpy", extra="market")
    grid = Grid.of(timeframe)
    bounds = TimeRange(start, end)
    index = data.index if isinstance(data, pd.DataFrame) else data
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise ValidationError("gaps() needs a timezone-aware DatetimeIndex", field="data")
    ordinals = np.unique(grid.ordinals(utc_ns(index.dropna())))
    lo = None if bounds.start is None else grid.ceil_ordinal(bounds.start)
    hi = None if bounds.end is None else grid.ceil_ordinal(bounds.end)
    if lo is not None:
        ordinals = np.concatenate([[lo - 1], ordinals[ordinals >= lo]])
    if hi is not None:
        ordinals = np.concatenate([ordinals[ordinals < hi], [hi]])
    steps = np.diff(ordinals)
    where = np.flatnonzero(steps > 1)
    firsts = grid.open_times(ordinals[where] + 1)
    nexts = grid.open_times(ordinals[where + 1])
    return [
        Gap(first.to_pydatetime(), after.to_pydatetime(), int(steps[i]) - 1)
        for first, after, i in zip(firsts, nexts, where, strict=True)
    ]
