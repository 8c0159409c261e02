"""Names and time ranges of OHLCV series: :class:`SeriesKey` and :class:`TimeRange`.

A series is one trading pair at one timeframe. Its :attr:`SeriesKey.storage_name` is the
name it has in storage (an ArcticDB library symbol, a file name without extension):

* ``/`` and ``:`` of the pair become ``_``, then ``-`` and the timeframe are appended:
  ``BTC/USDT`` at ``1h`` is ``BTC_USDT-1h``, ``BTC/USDT:USDT`` at ``5m`` is
  ``BTC_USDT_USDT-5m`` (Freqtrade's data-file naming, without its ``-futures`` suffix),
  and a dated future ``BTC/USDT:USDT-240329`` at ``1d`` is ``BTC_USDT_USDT-240329-1d``.
* The mapping is reversible (:meth:`SeriesKey.from_storage_name`): pair parts are ASCII
  upper-case letters and digits only, so ``_`` and the last ``-`` are unambiguous. Names
  are case-sensitive (``1m`` is a minute, ``1M`` a month).

Time ranges are half-open, ``[start, end)``, as in
:func:`~tradai.common.utils.datetime.candle_range`: a candle belongs to a range when its
*open time* does. Either side may be ``None`` (unbounded); both must be timezone-aware.

Example:
    >>> SeriesKey("btc/usdt:usdt", "1h").storage_name
    'BTC_USDT_USDT-1h'
    >>> SeriesKey.from_storage_name("ETH_USDT-1M")
    SeriesKey(symbol='ETH/USDT', timeframe='1M')
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from tradai.common.exceptions import ValidationError
from tradai.common.utils.datetime import ensure_utc
from tradai.common.validators import ensure, validate_timeframe, validate_trading_pair

__all__ = ["SeriesKey", "TimeRange"]


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """One trading pair at one timeframe.

    Args:
        symbol: A trading pair ``BASE/QUOTE[:SETTLE[-YYMMDD]]`` (upper-cased).
        timeframe: A timeframe such as ``"1m"``.

    Raises:
        ValidationError: If either is malformed.

    Example:
        >>> SeriesKey("eth/btc", "15m")
        SeriesKey(symbol='ETH/BTC', timeframe='15m')
    """

    symbol: str
    timeframe: str

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "symbol", ensure(validate_trading_pair, self.symbol, field="symbol")
        )
        ensure(validate_timeframe, self.timeframe, field="timeframe")

    @property
    def storage_name(self) -> str:
        """The series' name in storage (see the module docstring).

        Returns:
            For example ``"BTC_USDT_USDT-1h"``.
        """
        pair = self.symbol.replace("/", "_").replace(":", "_")
        return f"{pair}-{self.timeframe}"

    @classmethod
    def from_storage_name(cls, name: str) -> SeriesKey:
        """Parse a storage name back into its key.

        Args:
            name: A name made by :attr:`storage_name`.

        Returns:
            The key.

        Raises:
            ValidationError: If ``name`` is not such a name.

        Example:
            >>> SeriesKey.from_storage_name("BTC_USDT_USDT-240329-1d").symbol
            'BTC/USDT:USDT-240329'
        """
        pair, sep, timeframe = name.rpartition("-") if isinstance(name, str) else ("", "", "")
        parts = pair.split("_")
        if not sep or len(parts) not in {2, 3}:
            raise ValidationError(
                f"{name!r:.80} is not an OHLCV series name (e.g. BTC_USDT-1h)", field="name"
            )
        symbol = f"{parts[0]}/{parts[1]}" + (f":{parts[2]}" if len(parts) == 3 else "")
        key = cls(symbol, timeframe)
        if key.storage_name != name:  # e.g. lower-case input, which the pair check upper-cases
            raise ValidationError(f"{name!r:.80} is not a canonical series name", field="name")
        return key


@dataclass(frozen=True, slots=True)
class TimeRange:
    """A half-open time range ``[start, end)``; ``None`` leaves a side unbounded.

    Args:
        start: First instant included (timezone-aware), or ``None``.
        end: First instant excluded (timezone-aware), or ``None``.

    Raises:
        ValidationError: If a side is naive or not a datetime, or ``end`` is before
            ``start``.

    Example:
        >>> import datetime as dt
        >>> TimeRange(dt.datetime(2024, 1, 1, tzinfo=dt.UTC), None).start.isoformat()
        '2024-01-01T00:00:00+00:00'
    """

    start: _dt.datetime | None = None
    end: _dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.start is not None:
            object.__setattr__(self, "start", ensure_utc(self.start, field="start"))
        if self.end is not None:
            object.__setattr__(self, "end", ensure_utc(self.end, field="end"))
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValidationError(
                f"end {self.end.isoformat()} is before start {self.start.isoformat()}",
                field="end",
            )

    @classmethod
    def bounded(cls, start: _dt.datetime, end: _dt.datetime) -> TimeRange:
        """Build a range whose both sides are given (what data sources require).

        Args:
            start: First instant included (timezone-aware).
            end: First instant excluded (timezone-aware).

        Returns:
            The range.

        Raises:
            ValidationError: If a side is ``None``, naive, or ``end`` is before ``start``.
        """
        for name, value in (("start", start), ("end", end)):
            if value is None:
                raise ValidationError(f"{name} is required", field=name)
        return cls(start, end)
