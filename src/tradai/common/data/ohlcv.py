"""OHLCV frames: the one schema, its validation policy, and gap reports.

**The schema.** An OHLCV frame is a pandas ``DataFrame`` indexed by a timezone-aware UTC
``DatetimeIndex`` named ``date`` (nanoseconds; each timestamp is a candle's *open* time),
with exactly the ``float64`` columns ``open``, ``high``, ``low``, ``close``, ``volume``.
:func:`validate_ohlcv` returns frames of this schema, repositories store and return them,
and data sources produce them.

**The rules**, checked in this order (:class:`OHLCVRule` names each one). Under
:attr:`RepairMode.REJECT` the first broken rule raises
:class:`~tradai.common.exceptions.ValidationError` whose message and ``context`` name the
rule, the number of offending rows and the first offending timestamps. Under
:attr:`RepairMode.REPAIR` each rule is repaired as the table says; nothing is invented.

============  =======================================  ================================
rule          requirement                              repair
============  =======================================  ================================
index         a ``DatetimeIndex``, timezone-aware      none: naive timestamps are never
              (other zones are converted to UTC,       guessed, so they are always
              losslessly); no ``NaT``                  rejected; ``NaT`` rows dropped
columns       the five columns, unique, numeric (not   extra columns dropped; missing or
              bool); no other column                   non-numeric ones always rejected
prices        open/high/low/close finite and > 0       row dropped
volume        finite and >= 0                          row dropped
alignment     on the timeframe's candle grid           row dropped (not moved)
order         strictly increasing time (with the       stable sort
              next rule)
duplicates    one candle per timestamp                 keep the last one given (exact
                                                       copies and conflicting candles)
high          high >= max(open, close)                 high := max(open, high, low, close)
low           low <= min(open, close)                  low := min(open, high, low, close)
gaps          no missing candle between the first      none: rejected when the policy
              and the last one (see :func:`gaps`)      disallows gaps, in both modes
============  =======================================  ================================

Decisions where the specification is silent: the default policy is
:data:`DEFAULT_POLICY` (reject, gaps allowed: exchanges really have gaps, e.g. during
maintenance, so they are reported by :func:`gaps` rather than refused); ``high``/``low``
repairs widen the candle to contain its open and close (the smallest change that makes it
consistent, and what rounding errors in exchange data need); a dropped row leaves a gap,
which :func:`gaps` then reports; the input frame is never modified.

Example:
    >>> import pandas as pd
    >>> index = pd.date_range("2024-01-01", periods=3, freq="1min", tz="UTC")
    >>> frame = pd.DataFrame(
    ...     {"open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 10.0}, index=index
    ... )
    >>> validate_ohlcv(frame.iloc[[0, 2]], "1m").index.name
    'date'
    >>> gaps(frame.iloc[[0, 2]], "1m")[0].missing
    1
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tradai.common._lazy import require
from tradai.common.data._gaps import Gap, gaps
from tradai.common.data._grid import Grid, utc_ns
from tradai.common.data.series import TimeRange
from tradai.common.exceptions import ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn

__all__ = [
    "DEFAULT_POLICY",
    "INDEX_NAME",
    "OHLCV_COLUMNS",
    "Gap",
    "OHLCVRule",
    "RepairMode",
    "ValidationPolicy",
    "empty_ohlcv",
    "gaps",
    "slice_ohlcv",
    "validate_ohlcv",
]

#: The columns of an OHLCV frame, in order.
OHLCV_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close", "volume")
#: The name of an OHLCV frame's index.
INDEX_NAME = "date"
_PRICES = ["open", "high", "low", "close"]
_SHOWN_ROWS = 5


class RepairMode(str, Enum):
    """What :func:`validate_ohlcv` does with a broken rule."""

    REJECT = "reject"
    """Raise ``ValidationError`` naming the rule and the first offending rows."""
    REPAIR = "repair"
    """Repair as the module's table says (sort, de-duplicate, drop, widen)."""


class OHLCVRule(str, Enum):
    """The rules of an OHLCV frame, in the order they are checked."""

    INDEX = "index"
    COLUMNS = "columns"
    PRICES = "prices"
    VOLUME = "volume"
    ALIGNMENT = "alignment"
    ORDER = "order"
    DUPLICATES = "duplicates"
    HIGH = "high"
    LOW = "low"
    GAPS = "gaps"


@dataclass(frozen=True, slots=True)
class ValidationPolicy:
    """How strictly OHLCV frames are checked.

    Args:
        mode: Reject broken frames, or repair them (:class:`RepairMode` or its value).
        allow_gaps: Whether missing candles between the first and last are acceptable.

    Raises:
        ValidationError: If ``mode`` is not a repair mode or ``allow_gaps`` not a bool.

    Example:
        >>> ValidationPolicy("repair").mode
        <RepairMode.REPAIR: 'repair'>
    """

    mode: RepairMode = RepairMode.REJECT
    allow_gaps: bool = True

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "mode", RepairMode(self.mode))
        except ValueError:
            modes = ", ".join(m.value for m in RepairMode)
            raise ValidationError(
                f"mode {self.mode!r:.40} is not one of {modes}", field="mode"
            ) from None
        if not isinstance(self.allow_gaps, bool):
            raise ValidationError("allow_gaps must be a bool", field="allow_gaps")


#: Reject every broken rule; allow (and report) gaps.
DEFAULT_POLICY = ValidationPolicy()


def empty_ohlcv() -> Any:
    """Return an empty frame of the OHLCV schema.

    Returns:
        A ``DataFrame`` with no rows, the five ``float64`` columns and a UTC index.

    Example:
        >>> list(empty_ohlcv().columns)
        ['open', 'high', 'low', 'close', 'volume']
    """
    pd = require("pandas", extra="market")
    index = pd.DatetimeIndex([], tz="UTC", name=INDEX_NAME).as_unit("ns")
    return pd.DataFrame({c: pd.Series([], dtype="float64") for c in OHLCV_COLUMNS}, index=index)


def slice_ohlcv(frame: Any, time_range: TimeRange) -> Any:
    """Return the candles of a sorted OHLCV frame whose open time is in ``[start, end)``.

    Args:
        frame: A frame of the OHLCV schema (sorted).
        time_range: The half-open range; unbounded sides keep everything on that side.

    Returns:
        A new frame (a copy).
    """
    index = frame.index
    lo = 0 if time_range.start is None else index.searchsorted(time_range.start, side="left")
    hi = len(index) if time_range.end is None else index.searchsorted(time_range.end, "left")
    return frame.iloc[lo:hi].copy()


def _rows_text(index: Any) -> list[str]:
    return [stamp.isoformat() for stamp in index[:_SHOWN_ROWS]]


def _reject(rule: OHLCVRule, what: str, rows: Any) -> NoReturn:
    shown = _rows_text(rows)
    raise ValidationError(
        f"OHLCV rule {rule.value!r} broken: {len(rows)} row(s) {what}; first: {', '.join(shown)}",
        field=rule.value,
        context={"rule": rule.value, "count": len(rows), "rows": shown},
    )


def _structure_error(message: str, rule: OHLCVRule, field: str) -> ValidationError:
    return ValidationError(message, field=field, context={"rule": rule.value})


def _normalise(pd: Any, frame: Any, policy: ValidationPolicy) -> Any:
    if not isinstance(frame, pd.DataFrame):
        raise _structure_error(
            f"expected a pandas DataFrame, got {type(frame).__name__}", OHLCVRule.COLUMNS, "frame"
        )
    index = frame.index
    if not isinstance(index, pd.DatetimeIndex):
        raise _structure_error(
            f"the index must be a DatetimeIndex, got {type(index).__name__}",
            OHLCVRule.INDEX,
            "index",
        )
    if index.tz is None:
        raise _structure_error(
            "the index is timezone-naive: localize it to UTC first (naive timestamps are "
            "never guessed)",
            OHLCVRule.INDEX,
            "index",
        )
    _check_columns(pd, frame, policy)
    utc = utc_ns(index)
    out = frame.loc[:, list(OHLCV_COLUMNS)].astype("float64")  # a copy
    out.index = utc
    return out


def _check_columns(pd: Any, frame: Any, policy: ValidationPolicy) -> None:
    columns = [str(c) for c in frame.columns]
    if len(set(columns)) != len(columns):
        raise _structure_error("column names must be unique", OHLCVRule.COLUMNS, "columns")
    missing = [c for c in OHLCV_COLUMNS if c not in columns]
    extra = [c for c in columns if c not in OHLCV_COLUMNS]
    if missing:
        raise _structure_error(f"missing column(s): {missing}", OHLCVRule.COLUMNS, "columns")
    if extra and policy.mode is RepairMode.REJECT:
        raise _structure_error(
            f"unexpected column(s): {extra[:5]} (REPAIR drops them)", OHLCVRule.COLUMNS, "columns"
        )
    types = pd.api.types
    bad = [
        c
        for c in OHLCV_COLUMNS
        if not types.is_numeric_dtype(frame[c]) or types.is_bool_dtype(frame[c])
    ]
    if bad:
        raise _structure_error(f"non-numeric column(s): {bad}", OHLCVRule.COLUMNS, bad[0])


def _enforce(
    frame: Any,
    bad: Any,
    rule: OHLCVRule,
    what: str,
    *,
    policy: ValidationPolicy,
    repair: Callable[[Any], Any] | None = None,
) -> Any:
    """Reject or repair the rows where ``bad`` is true (default repair: drop them)."""
    if not bad.any():
        return frame
    if policy.mode is RepairMode.REJECT:
        _reject(rule, what, frame.index[bad])
    return repair(frame) if repair is not None else frame[~bad]


def _widen(frame: Any) -> Any:
    out = frame.copy()
    prices = frame[_PRICES]
    out["high"] = prices.max(axis=1)
    out["low"] = prices.min(axis=1)
    return out


def _check_rows(np: Any, frame: Any, grid: Grid, policy: ValidationPolicy) -> Any:
    bad = frame.index.isna()
    frame = _enforce(frame, bad, OHLCVRule.INDEX, "have a NaT timestamp", policy=policy)
    prices = frame[_PRICES].to_numpy()
    bad = ~(np.isfinite(prices) & (prices > 0)).all(axis=1)
    what = "have a missing or non-positive price"
    frame = _enforce(frame, bad, OHLCVRule.PRICES, what, policy=policy)
    volume = frame["volume"].to_numpy()
    bad = ~(np.isfinite(volume) & (volume >= 0))
    what = "have a missing or negative volume"
    frame = _enforce(frame, bad, OHLCVRule.VOLUME, what, policy=policy)
    bad = ~grid.aligned(frame.index)
    what = f"are not on the {grid.timeframe} candle grid"
    return _enforce(frame, bad, OHLCVRule.ALIGNMENT, what, policy=policy)


def _sort(frame: Any) -> Any:
    return frame.sort_index(kind="mergesort")


def _keep_last(frame: Any) -> Any:
    return frame[~frame.index.duplicated(keep="last")]


def _check_order(np: Any, frame: Any, policy: ValidationPolicy) -> Any:
    stamps = frame.index.asi8
    bad = np.concatenate([[False], stamps[1:] < stamps[:-1]])
    what = "are earlier than the row before"
    frame = _enforce(frame, bad, OHLCVRule.ORDER, what, policy=policy, repair=_sort)
    bad = frame.index.duplicated(keep="last")
    what = "repeat a timestamp given again later"
    return _enforce(frame, bad, OHLCVRule.DUPLICATES, what, policy=policy, repair=_keep_last)


def _check_envelope(frame: Any, policy: ValidationPolicy) -> Any:
    bad = (frame["high"] < frame[["open", "close"]].max(axis=1)).to_numpy()
    what = "have high below max(open, close)"
    frame = _enforce(frame, bad, OHLCVRule.HIGH, what, policy=policy, repair=_widen)
    bad = (frame["low"] > frame[["open", "close"]].min(axis=1)).to_numpy()
    what = "have low above min(open, close)"
    return _enforce(frame, bad, OHLCVRule.LOW, what, policy=policy, repair=_widen)


def validate_ohlcv(frame: Any, timeframe: str, *, policy: ValidationPolicy = DEFAULT_POLICY) -> Any:
    """Check (and under REPAIR, repair) an OHLCV frame; return it in the standard schema.

    Args:
        frame: A ``DataFrame`` with a timezone-aware ``DatetimeIndex`` and the five columns.
        timeframe: The candle timeframe (``"1m"``, ``"1h"``...).
        policy: Reject or repair broken rules; whether gaps are allowed.

    Returns:
        A new frame: UTC nanosecond index named ``date``, the five ``float64`` columns,
        sorted, one candle per timestamp. The input is never modified.

    Raises:
        ValidationError: If ``timeframe`` is invalid, or a rule is broken that the policy
            does not repair (``context["rule"]`` names it; see the module docstring).

    Example:
        >>> import pandas as pd
        >>> index = pd.DatetimeIndex(["2024-01-01 00:01", "2024-01-01 00:00"], tz="UTC")
        >>> frame = pd.DataFrame(
        ...     {"open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 1.0}, index=index
        ... )
        >>> validate_ohlcv(frame, "1m", policy=ValidationPolicy("repair")).index[0].minute
        0
    """
    pd = require("pandas", extra="market")
    np = require("numpy", extra="market")
    grid = Grid.of(timeframe)
    out = _normalise(pd, frame, policy)
    out = _check_rows(np, out, grid, policy)
    out = _check_order(np, out, policy)
    out = _check_envelope(out, policy)
    if not policy.allow_gaps:
        found = gaps(out, timeframe)
        if found:
            shown = [f"{g.start.isoformat()}..{g.end.isoformat()}" for g in found[:_SHOWN_ROWS]]
            raise ValidationError(
                f"OHLCV rule 'gaps' broken: {len(found)} gap(s) of missing candles; "
                f"first: {', '.join(shown)}",
                field="index",
                context={"rule": OHLCVRule.GAPS.value, "count": len(found), "rows": shown},
            )
    out.index.freq = None
    return out
