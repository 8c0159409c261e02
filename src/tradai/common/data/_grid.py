"""The candle grid of a timeframe, vectorised (private to :mod:`tradai.common.data`).

A candle's *ordinal* is its position on the timeframe's grid: the number of whole candles
between the grid's anchor and the candle's open time. Ordinals turn alignment checks, gap
detection and candle generation into integer arithmetic on numpy arrays, so a year of
one-minute candles is handled without a Python loop.

The grid is the one :mod:`tradai.common.utils.datetime` documents: ``s``/``m``/``h``/``d``
count from the Unix epoch, weeks from Monday 1970-01-05, and ``nM`` from January 1970 in
calendar months.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from tradai.common._lazy import require
from tradai.common.exceptions import ValidationError
from tradai.common.utils.datetime import ensure_utc, timeframe_to_seconds

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Grid", "utc_ns"]

_NS_PER_SECOND = 1_000_000_000
_MONDAY_NS = 4 * 86_400 * _NS_PER_SECOND  # 1970-01-05, the first Monday after the epoch


def utc_ns(index: Any) -> Any:
    """Return a timezone-aware ``DatetimeIndex`` in UTC with nanosecond precision.

    Args:
        index: A timezone-aware pandas ``DatetimeIndex`` of any precision.

    Returns:
        The same instants, UTC, ``datetime64[ns, UTC]``, named ``date``.

    Raises:
        ValidationError: If a timestamp is outside the nanosecond range (1677-2262).
    """
    try:
        return index.tz_convert("UTC").as_unit("ns").rename("date")
    except (ValueError, OverflowError):  # pandas' OutOfBoundsDatetime is a ValueError
        raise ValidationError(
            "timestamps must lie between 1677 and 2262 (nanosecond precision)",
            field="index",
            context={"rule": "index"},
        ) from None


@dataclass(frozen=True, slots=True)
class Grid:
    """The candle grid of one timeframe.

    Attributes:
        timeframe: The timeframe (``"1m"``, ``"4h"``, ``"1M"``...).
        count: Its leading number.
        unit: Its unit letter.
    """

    timeframe: str
    count: int
    unit: str

    @classmethod
    def of(cls, timeframe: str) -> Grid:
        """Return the grid of ``timeframe``.

        Args:
            timeframe: A timeframe such as ``"15m"``.

        Returns:
            Its grid.

        Raises:
            ValidationError: If ``timeframe`` is not a valid timeframe.
        """
        timeframe_to_seconds(timeframe)  # validates
        return cls(timeframe, int(timeframe[:-1]), timeframe[-1])

    @property
    def period_ns(self) -> int:
        """Nominal candle length in nanoseconds (``1M`` = 30 days).

        Returns:
            The length.
        """
        return timeframe_to_seconds(self.timeframe) * _NS_PER_SECOND

    def ordinals(self, index: Any) -> Any:
        """Return the ordinal of the candle containing each timestamp (floored).

        Args:
            index: A timezone-aware pandas ``DatetimeIndex`` in nanoseconds.

        Returns:
            An ``int64`` numpy array of the same length.
        """
        np = require("numpy", extra="market")
        if self.unit == "M":
            months = (index.year.to_numpy(np.int64) - 1970) * 12 + index.month.to_numpy(np.int64)
            return np.floor_divide(months - 1, self.count)
        anchor = _MONDAY_NS if self.unit == "w" else 0
        return np.floor_divide(index.asi8 - anchor, self.period_ns)

    def open_times(self, ordinals: Any) -> Any:
        """Return the open times of the candles with these ordinals.

        Args:
            ordinals: An integer numpy array (or sequence) of ordinals.

        Returns:
            A UTC ``DatetimeIndex`` named ``date``, in nanoseconds.
        """
        np = require("numpy", extra="market")
        pd = require("pandas", extra="market")
        values = np.asarray(ordinals, dtype=np.int64)
        if self.unit == "M":
            stamps = (values * self.count).astype("datetime64[M]").astype("datetime64[ns]")
        else:
            anchor = _MONDAY_NS if self.unit == "w" else 0
            stamps = (values * self.period_ns + anchor).astype("datetime64[ns]")
        return pd.DatetimeIndex(stamps, name="date").tz_localize("UTC")

    def aligned(self, index: Any) -> Any:
        """Return which timestamps are candle open times of this grid.

        Args:
            index: A timezone-aware pandas ``DatetimeIndex`` in nanoseconds.

        Returns:
            A boolean numpy array.
        """
        return self.open_times(self.ordinals(index)).asi8 == index.asi8

    def _ordinal_of(self, moment: _dt.datetime) -> tuple[int, bool]:
        pd = require("pandas", extra="market")
        index = utc_ns(pd.DatetimeIndex([ensure_utc(moment, field="moment")]))
        return int(self.ordinals(index)[0]), bool(self.aligned(index)[0])

    def floor_ordinal(self, moment: _dt.datetime) -> int:
        """Return the ordinal of the candle containing ``moment``.

        Args:
            moment: A timezone-aware datetime.

        Returns:
            The ordinal.

        Raises:
            ValidationError: If ``moment`` is naive.
        """
        return self._ordinal_of(moment)[0]

    def ceil_ordinal(self, moment: _dt.datetime) -> int:
        """Return the ordinal of the first candle opening at or after ``moment``.

        Args:
            moment: A timezone-aware datetime.

        Returns:
            The ordinal.

        Raises:
            ValidationError: If ``moment`` is naive.
        """
        ordinal, aligned = self._ordinal_of(moment)
        return ordinal if aligned else ordinal + 1
