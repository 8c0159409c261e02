"""UTC-only date and time helpers: parsing, epoch conversion, timeframes and candles.

Every datetime returned is timezone-aware UTC, and every datetime accepted must be
aware: a naive datetime (or an ISO string without an offset) is refused, because
guessing "local time" is how backtests end up an hour off. Bad input of any kind raises
:class:`~tradai.common.exceptions.ValidationError` (a ``ValueError``), never ``TypeError``.

Decisions where the specification is silent:

* **Epoch numbers** given to :func:`parse_datetime` are milliseconds when their magnitude
  is at least ``1e11`` (:data:`EPOCH_MS_THRESHOLD`), else seconds. ``1e11`` s is the year
  5138 and ``1e11`` ms is 1973-03-03, so only millisecond values before March 1973 are
  misread (use :func:`from_epoch_ms` for those).
* **ISO strings** must be ``YYYY-MM-DD[T ]HH:MM[:SS[.fraction]]`` plus ``Z`` or a
  ``±HH:MM`` offset, ASCII, nothing around them; date-only strings go to :func:`parse_date`.
* **Timeframes** are checked by :func:`~tradai.common.validators.validate_timeframe` and
  sized by :data:`~tradai.common.validators.TIMEFRAME_UNITS` (``1M`` is a nominal 30 days,
  as in ccxt). Candle *alignment* is calendar-aware: ``s``/``m``/``h``/``d`` align to
  multiples of their length since the epoch (ccxt's and Freqtrade's grid, ``1d`` at 00:00
  UTC); weeks to Monday 00:00 UTC (exchanges' weekly candles, Freqtrade's ``1W-MON``, not
  ccxt's Thursday epoch grid); ``nM`` to the first day of every n-th calendar month
  counted from January 1970 (``3M`` gives quarters).

Example:
    >>> parse_datetime("2024-03-01T12:30:00+02:00")
    datetime.datetime(2024, 3, 1, 10, 30, tzinfo=datetime.timezone.utc)
    >>> floor_to_timeframe(parse_datetime(1709289000), "4h").isoformat()
    '2024-03-01T08:00:00+00:00'
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from tradai.common.exceptions import ValidationError
from tradai.common.validators import (
    TIMEFRAME_UNITS,
    ensure,
    validate_date_string,
    validate_timeframe,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "EPOCH_MS_THRESHOLD",
    "candle_range",
    "ceil_to_timeframe",
    "date_range_days",
    "ensure_utc",
    "floor_to_timeframe",
    "from_epoch_ms",
    "parse_date",
    "parse_datetime",
    "parse_timeframe",
    "timeframe_to_minutes",
    "timeframe_to_seconds",
    "to_epoch_ms",
    "to_timerange",
    "utc_now",
]

#: Epoch numbers whose magnitude reaches this are read as milliseconds, else as seconds.
EPOCH_MS_THRESHOLD = 100_000_000_000

_DateLike = str | _dt.date  # a datetime is a date too
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)
_MONDAY_EPOCH = _dt.datetime(1970, 1, 5, tzinfo=_dt.UTC)
_ONE_MS = _dt.timedelta(milliseconds=1)
_ISO_RE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
    r"(?::[0-9]{2}(?:\.[0-9]{1,9})?)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


def _error(field: str, value: object, message: str) -> ValidationError:
    return ValidationError(f"{field} {message}", field=field, value=value)


def utc_now() -> _dt.datetime:
    """Return the current time as a timezone-aware UTC datetime.

    Returns:
        ``datetime.now(UTC)``.

    Example:
        >>> utc_now().tzinfo
        datetime.timezone.utc
    """
    return _dt.datetime.now(_dt.UTC)


def ensure_utc(dt: _dt.datetime, *, field: str = "datetime") -> _dt.datetime:
    """Return an aware datetime converted to UTC; refuse naive ones.

    Args:
        dt: A timezone-aware datetime.
        field: The argument name to report in errors.

    Returns:
        The same instant with ``tzinfo=UTC``.

    Raises:
        ValidationError: If ``dt`` is not a datetime or is naive.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> ensure_utc(datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2))))
        datetime.datetime(2024, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if not isinstance(dt, _dt.datetime):
        raise _error(field, dt, f"must be a datetime, got {type(dt).__name__}")
    if dt.utcoffset() is None:
        raise _error(field, dt, f"{dt.isoformat()!r} is naive; give an aware datetime")
    try:
        return dt.astimezone(_dt.UTC)
    except OverflowError:
        raise _error(field, dt, f"{dt.isoformat()!r} is out of range in UTC") from None


def _from_number(value: float, field: str) -> _dt.datetime:
    if not math.isfinite(value):
        raise _error(field, value, f"{value!r} is not a finite epoch timestamp")
    try:
        if abs(value) >= EPOCH_MS_THRESHOLD:
            return _EPOCH + _dt.timedelta(milliseconds=value)
        return _EPOCH + _dt.timedelta(seconds=value)
    except OverflowError:
        raise _error(field, value, f"{value!r} is out of the datetime range") from None


def _from_string(value: str, field: str) -> _dt.datetime:
    if not value.isascii() or _ISO_RE.fullmatch(value) is None:
        raise _error(field, value, f"{value[:40]!r} is not ISO-8601 with Z or a +HH:MM offset")
    try:
        parsed = _dt.datetime.fromisoformat(value)
    except ValueError:
        raise _error(field, value, f"{value!r} is not a real date and time") from None
    return ensure_utc(parsed, field=field)


def parse_datetime(
    value: str | int | float | _dt.datetime, *, field: str = "datetime"
) -> _dt.datetime:
    """Parse an ISO-8601 string, an epoch number or a datetime into an aware UTC datetime.

    Args:
        value: An ISO-8601 string with ``Z`` or an offset; epoch seconds or milliseconds
            (``int``/``float``; milliseconds when ``abs(value) >= 1e11``); an aware datetime.
        field: The argument name to report in errors.

    Returns:
        The instant in UTC.

    Raises:
        ValidationError: For naive datetimes, strings without an offset, malformed or
            impossible strings, non-finite or out-of-range numbers, booleans, other types.

    Example:
        >>> parse_datetime("2024-01-01T00:00:00Z").isoformat()
        '2024-01-01T00:00:00+00:00'
        >>> parse_datetime(1704067200000) == parse_datetime(1704067200)
        True
    """
    if isinstance(value, _dt.datetime):
        return ensure_utc(value, field=field)
    if isinstance(value, str):
        return _from_string(value, field)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_number(value, field)
    raise _error(field, value, f"must be an ISO string, epoch number or datetime, not {value!r}")


def to_epoch_ms(dt: _dt.datetime) -> int:
    """Return an aware datetime as integer milliseconds since the Unix epoch.

    Args:
        dt: A timezone-aware datetime; sub-millisecond parts are floored, so it is exact.

    Returns:
        Milliseconds since 1970-01-01T00:00:00Z.

    Raises:
        ValidationError: If ``dt`` is naive or not a datetime.

    Example:
        >>> to_epoch_ms(parse_datetime("2024-01-01T00:00:00Z"))
        1704067200000
    """
    return (ensure_utc(dt, field="dt") - _EPOCH) // _ONE_MS


def from_epoch_ms(ms: int) -> _dt.datetime:
    """Return the UTC datetime of integer milliseconds since the Unix epoch (no guessing).

    Args:
        ms: Milliseconds since 1970-01-01T00:00:00Z.

    Returns:
        The aware UTC datetime.

    Raises:
        ValidationError: If ``ms`` is not an ``int`` or is out of the datetime range.

    Example:
        >>> from_epoch_ms(0).isoformat()
        '1970-01-01T00:00:00+00:00'
    """
    if isinstance(ms, bool) or not isinstance(ms, int):
        raise _error("ms", ms, f"must be an int, got {type(ms).__name__}")
    try:
        return _EPOCH + _dt.timedelta(milliseconds=ms)
    except OverflowError:
        raise _error("ms", ms, f"{ms!r} is out of the datetime range") from None


def _split(timeframe: str) -> tuple[int, str]:
    ensure(validate_timeframe, timeframe, field="timeframe")
    return int(timeframe[:-1]), timeframe[-1]


def timeframe_to_seconds(timeframe: str) -> int:
    """Return the nominal length of a timeframe in seconds (``1M`` = 30 days).

    Args:
        timeframe: A timeframe such as ``"5m"`` or ``"1d"``.

    Returns:
        The length in seconds.

    Raises:
        ValidationError: If ``timeframe`` is not a valid timeframe.

    Example:
        >>> timeframe_to_seconds("4h")
        14400
    """
    count, unit = _split(timeframe)
    return count * TIMEFRAME_UNITS[unit]


def timeframe_to_minutes(timeframe: str) -> int:
    """Return the nominal length of a timeframe in whole minutes.

    Args:
        timeframe: A timeframe that is a whole number of minutes.

    Returns:
        The length in minutes.

    Raises:
        ValidationError: If it is invalid or not whole minutes (``"30s"``, ``"90s"``;
            Freqtrade would return ``0``).

    Example:
        >>> timeframe_to_minutes("1h")
        60
    """
    minutes, seconds = divmod(timeframe_to_seconds(timeframe), 60)
    if seconds:
        raise _error("timeframe", timeframe, f"{timeframe!r} is not a whole number of minutes")
    return minutes


def parse_timeframe(timeframe: str) -> _dt.timedelta:
    """Return the nominal length of a timeframe as a timedelta (``1M`` = 30 days).

    Args:
        timeframe: A timeframe such as ``"15m"``.

    Returns:
        Its length.

    Raises:
        ValidationError: If ``timeframe`` is not a valid timeframe.

    Example:
        >>> parse_timeframe("15m")
        datetime.timedelta(seconds=900)
    """
    return _dt.timedelta(seconds=timeframe_to_seconds(timeframe))


def _month_start(index: int) -> _dt.datetime:
    year, month0 = divmod(index, 12)
    return _dt.datetime(1970 + year, month0 + 1, 1, tzinfo=_dt.UTC)


def _floor(dt: _dt.datetime, count: int, unit: str) -> _dt.datetime:
    if unit == "M":
        index = (dt.year - 1970) * 12 + dt.month - 1
        return _month_start(index - index % count)
    anchor = _MONDAY_EPOCH if unit == "w" else _EPOCH
    return dt - (dt - anchor) % _dt.timedelta(seconds=count * TIMEFRAME_UNITS[unit])


def _next(boundary: _dt.datetime, count: int, unit: str) -> _dt.datetime:
    if unit == "M":
        return _month_start((boundary.year - 1970) * 12 + boundary.month - 1 + count)
    return boundary + _dt.timedelta(seconds=count * TIMEFRAME_UNITS[unit])


def _align(dt: _dt.datetime, timeframe: str, *, up: bool) -> _dt.datetime:
    utc = ensure_utc(dt, field="dt")
    count, unit = _split(timeframe)
    try:
        floor = _floor(utc, count, unit)
        return _next(floor, count, unit) if up and floor != utc else floor
    except (OverflowError, ValueError):
        raise _error("dt", dt, f"{utc.isoformat()!r} has no {timeframe} candle in range") from None


def floor_to_timeframe(dt: _dt.datetime, timeframe: str) -> _dt.datetime:
    """Return the open time of the candle that contains ``dt``.

    Args:
        dt: A timezone-aware datetime.
        timeframe: The candle timeframe.

    Returns:
        The latest candle boundary that is not after ``dt`` (UTC).

    Raises:
        ValidationError: If ``dt`` is naive, ``timeframe`` is invalid, or the boundary is
            outside the datetime range.

    Example:
        >>> floor_to_timeframe(parse_datetime("2024-05-17T13:45:00Z"), "1w").isoformat()
        '2024-05-13T00:00:00+00:00'
    """
    return _align(dt, timeframe, up=False)


def ceil_to_timeframe(dt: _dt.datetime, timeframe: str) -> _dt.datetime:
    """Return the earliest candle boundary that is not before ``dt``.

    Args:
        dt: A timezone-aware datetime.
        timeframe: The candle timeframe.

    Returns:
        ``dt`` itself (in UTC) when it is on a boundary (unlike Freqtrade's
        ``timeframe_to_next_date``), else the next candle's open time.

    Raises:
        ValidationError: If ``dt`` is naive, ``timeframe`` is invalid, or the boundary is
            outside the datetime range.

    Example:
        >>> ceil_to_timeframe(parse_datetime("2024-05-17T13:45:00Z"), "1M").isoformat()
        '2024-06-01T00:00:00+00:00'
    """
    return _align(dt, timeframe, up=True)


def _candles(first: _dt.datetime, end: _dt.datetime, tf: str) -> Iterator[_dt.datetime]:
    count, unit = _split(tf)
    current = first
    while current < end:
        yield current
        try:
            current = _next(current, count, unit)
        except (OverflowError, ValueError):
            return


def candle_range(start: _dt.datetime, end: _dt.datetime, timeframe: str) -> Iterator[_dt.datetime]:
    """Iterate over the candle open times in the half-open interval ``[start, end)``.

    Arguments are checked when this is called, not when iteration starts.

    Args:
        start: Start of the range (aware); the first candle is the first boundary at or
            after it.
        end: End of the range (aware), excluded.
        timeframe: The candle timeframe.

    Returns:
        An iterator of aware UTC datetimes, ascending.

    Raises:
        ValidationError: If a datetime is naive, ``timeframe`` is invalid, or ``end`` is
            before ``start``.

    Example:
        >>> start, end = parse_datetime("2024-01-01T00:10Z"), parse_datetime("2024-01-01T01:00Z")
        >>> [candle.strftime("%H:%M") for candle in candle_range(start, end, "15m")]
        ['00:15', '00:30', '00:45']
    """
    first, last = ensure_utc(start, field="start"), ensure_utc(end, field="end")
    _split(timeframe)
    if last < first:
        raise _error("end", end, f"{last.isoformat()!r} is before start {first.isoformat()!r}")
    if first == last:
        return iter(())
    return _candles(ceil_to_timeframe(first, timeframe), last, timeframe)


def parse_date(value: str, *, field: str = "date") -> _dt.date:
    """Parse a ``YYYY-MM-DD`` string naming a real calendar date.

    Args:
        value: The date string.
        field: The argument name to report in errors.

    Returns:
        The date.

    Raises:
        ValidationError: If the format is wrong or the date does not exist.

    Example:
        >>> parse_date("2024-02-29")
        datetime.date(2024, 2, 29)
    """
    return _dt.date.fromisoformat(ensure(validate_date_string, value, field=field))


def _to_date(value: _DateLike, field: str) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return ensure_utc(value, field=field).date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        return parse_date(value, field=field)
    raise _error(field, value, f"must be a YYYY-MM-DD string, date or datetime, not {value!r}")


def _ordered(start: _DateLike, end: _DateLike) -> tuple[_dt.date, _dt.date]:
    first, last = _to_date(start, "start"), _to_date(end, "end")
    if last < first:
        raise _error("end", end, f"{last} is before start {first}")
    return first, last


def to_timerange(start: _DateLike | None, end: _DateLike | None) -> str:
    """Build a Freqtrade ``--timerange`` string ``YYYYMMDD-YYYYMMDD``.

    Aware datetimes are converted to UTC and reduced to their date. Either side may be
    ``None`` for an open range (``"20240101-"``), but not both.

    Args:
        start: First day (``YYYY-MM-DD`` string, date or aware datetime), or ``None``.
        end: End day (same forms), or ``None``.

    Returns:
        The time range string.

    Raises:
        ValidationError: If a side is malformed or naive, both are ``None``, or ``end``
            is before ``start``.

    Example:
        >>> to_timerange("2024-01-01", None)
        '20240101-'
    """
    if start is None:
        if end is None:
            raise _error("start", None, "and end are both missing; give at least one")
        return f"-{_to_date(end, 'end'):%Y%m%d}"
    if end is None:
        return f"{_to_date(start, 'start'):%Y%m%d}-"
    first, last = _ordered(start, end)
    return f"{first:%Y%m%d}-{last:%Y%m%d}"


def date_range_days(start: _DateLike, end: _DateLike) -> int:
    """Return the number of whole days from ``start`` to ``end`` (end excluded).

    Args:
        start: First day (``YYYY-MM-DD`` string, date or aware datetime).
        end: End day (same forms); end-exclusive, as Freqtrade time ranges are.

    Returns:
        ``(end - start).days``; ``0`` when both are the same day.

    Raises:
        ValidationError: If a side is malformed or naive, or ``end`` is before ``start``.

    Example:
        >>> date_range_days("2024-01-01", "2024-03-01")
        60
    """
    first, last = _ordered(start, end)
    return (last - first).days
