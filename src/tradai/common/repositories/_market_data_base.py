"""The market-data repository port (re-exported by :mod:`tradai.common.repositories.market_data`).

:class:`DataRepository` is an ABC in the *template method* style: its public methods check
the arguments, validate candles with the repository's
:class:`~tradai.common.data.ohlcv.ValidationPolicy` and decide what to store; a backend
implements only the small storage primitives (``_read``, ``_write``...). So every backend
validates the same way, and a rejected frame never reaches storage.
"""

from __future__ import annotations

import datetime as _dt
from abc import ABC, abstractmethod
from dataclasses import dataclass

from tradai.common._lazy import require
from tradai.common.data._grid import Grid, utc_ns
from tradai.common.data.ohlcv import DEFAULT_POLICY, ValidationPolicy, validate_ohlcv
from tradai.common.data.series import SeriesKey, TimeRange
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = ["DataRepository", "Span"]


@dataclass(frozen=True, slots=True)
class Span:
    """First and last candle open times of a stored series (UTC).

    Attributes:
        first: Open time of the first candle.
        last: Open time of the last candle.
    """

    first: _dt.datetime
    last: _dt.datetime


class DataRepository(ABC):
    """Stores OHLCV series (one per pair and timeframe) and reads them back.

    Frames follow the schema of :mod:`tradai.common.data.ohlcv`; time ranges are
    half-open ``[start, end)`` on candle open times. Writes validate first and store
    nothing when validation fails.

    Args:
        policy: Validation policy of writes (default: reject broken candles, allow gaps);
            each write may override it.
    """

    def __init__(self, *, policy: ValidationPolicy = DEFAULT_POLICY) -> None:
        self._policy = policy

    @property
    def policy(self) -> ValidationPolicy:
        """The default validation policy of writes.

        Returns:
            The policy.
        """
        return self._policy

    # ------------------------------------------------------------------ reads
    def get_ohlcv(
        self,
        symbol: str,
        timeframe: str,
        start: _dt.datetime | None = None,
        end: _dt.datetime | None = None,
    ) -> Any:
        """Return the candles of a series whose open time is in ``[start, end)``.

        Args:
            symbol: Trading pair, e.g. ``"BTC/USDT:USDT"``.
            timeframe: Timeframe, e.g. ``"1h"``.
            start: First open time included (timezone-aware); ``None`` from the first.
            end: First open time excluded (timezone-aware); ``None`` to the last.

        Returns:
            An OHLCV frame (empty when no candle is in the range).

        Raises:
            ValidationError: For a malformed symbol/timeframe, naive bounds or
                ``end < start``.
            NotFoundError: If the series does not exist.
        """
        return self._read(SeriesKey(symbol, timeframe), TimeRange(start, end))

    def has_series(self, symbol: str, timeframe: str) -> bool:
        """Return whether a series exists.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.

        Returns:
            ``True`` if it has been written and not deleted.
        """
        return self._exists(SeriesKey(symbol, timeframe))

    def list_series(self) -> list[SeriesKey]:
        """Return every stored series, sorted by symbol then timeframe.

        Returns:
            The keys; storage entries not named by :class:`SeriesKey` are skipped.
        """
        keys = []
        for name in self._names():
            try:
                keys.append(SeriesKey.from_storage_name(name))
            except ValidationError:
                continue
        return sorted(keys, key=lambda k: (k.symbol, k.timeframe))

    def list_symbols(self, timeframe: str | None = None) -> list[str]:
        """Return the symbols that have a stored series, sorted.

        Args:
            timeframe: Only symbols stored at this timeframe; ``None`` for any.

        Returns:
            Unique trading pairs.
        """
        keys = self.list_series()
        return sorted({k.symbol for k in keys if timeframe is None or k.timeframe == timeframe})

    def first_timestamp(self, symbol: str, timeframe: str) -> _dt.datetime:
        """Return the open time of the first stored candle.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.

        Returns:
            A UTC datetime.

        Raises:
            NotFoundError: If the series does not exist.
        """
        return self._span_or_raise(SeriesKey(symbol, timeframe)).first

    def last_timestamp(self, symbol: str, timeframe: str) -> _dt.datetime:
        """Return the open time of the last stored candle.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.

        Returns:
            A UTC datetime.

        Raises:
            NotFoundError: If the series does not exist.
        """
        return self._span_or_raise(SeriesKey(symbol, timeframe)).last

    # ----------------------------------------------------------------- writes
    def write(
        self, symbol: str, timeframe: str, frame: Any, *, policy: ValidationPolicy | None = None
    ) -> int:
        """Replace a series (or create it) with ``frame``.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.
            frame: The candles (validated first).
            policy: Overrides the repository's policy for this call.

        Returns:
            The number of candles stored.

        Raises:
            ValidationError: If the frame breaks the policy or is empty (nothing stored).
        """
        key, new = self._prepare(symbol, timeframe, frame, policy)
        if new.empty:
            raise ValidationError("refusing to write an empty series", field="frame")
        self._write(key, new)
        return len(new)

    def append(
        self, symbol: str, timeframe: str, frame: Any, *, policy: ValidationPolicy | None = None
    ) -> int:
        """Add candles after the last stored one (creates the series if missing).

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.
            frame: The new candles (validated first); empty is a no-op.
            policy: Overrides the repository's policy for this call.

        Returns:
            The number of candles added.

        Raises:
            ValidationError: If the frame breaks the policy, or would leave a gap after
                the stored candles when the policy disallows gaps.
            ConflictError: If its first candle is not after the last stored one (use
                :meth:`upsert` to replace candles).
        """
        key, new = self._prepare(symbol, timeframe, frame, policy)
        if new.empty:
            return 0
        span = self._span(key)
        if span is None:
            self._write(key, new)
            return len(new)
        first_new = new.index[0].to_pydatetime()
        if first_new <= span.last:
            raise ConflictError(
                f"append refuses overlap: first new candle {first_new.isoformat()} is not "
                f"after the last stored one {span.last.isoformat()}; use upsert to replace",
                context={"key": key.storage_name, "last_stored": span.last.isoformat()},
            )
        self._check_junction(key, span, new, policy)
        self._append(key, new)
        return len(new)

    def upsert(
        self, symbol: str, timeframe: str, frame: Any, *, policy: ValidationPolicy | None = None
    ) -> int:
        """Insert candles, replacing stored candles with the same open time.

        Stored candles between the new ones that ``frame`` does not mention are kept.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.
            frame: The candles (validated first); empty is a no-op.
            policy: Overrides the repository's policy for this call.

        Returns:
            The number of candles given (inserted or replaced).

        Raises:
            ValidationError: If the frame breaks the policy, or would leave a gap next to
                the stored candles when the policy disallows gaps.
        """
        key, new = self._prepare(symbol, timeframe, frame, policy)
        if new.empty:
            return 0
        span = self._span(key)
        if span is None:
            self._write(key, new)
            return len(new)
        self._check_junction(key, span, new, policy)
        pd = require("pandas", extra="market")
        first, last = new.index[0], new.index[-1]
        stored = self._read(key, TimeRange(first.to_pydatetime(), last.to_pydatetime()))
        merged = pd.concat([stored, new])
        merged = merged[~merged.index.duplicated(keep="last")].sort_index(kind="mergesort")
        self._replace(key, merged)
        return len(new)

    def delete(self, symbol: str, timeframe: str) -> bool:
        """Delete a series.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.

        Returns:
            ``True`` if it existed.
        """
        key = SeriesKey(symbol, timeframe)
        if not self._exists(key):
            return False
        self._delete(key)
        return True

    # ---------------------------------------------------------------- helpers
    def _prepare(
        self, symbol: str, timeframe: str, frame: Any, policy: ValidationPolicy | None
    ) -> tuple[SeriesKey, Any]:
        key = SeriesKey(symbol, timeframe)
        return key, validate_ohlcv(frame, key.timeframe, policy=policy or self._policy)

    def _span_or_raise(self, key: SeriesKey) -> Span:
        span = self._span(key)
        if span is None:
            raise self._missing(key)
        return span

    def _check_junction(
        self, key: SeriesKey, span: Span, new: Any, policy: ValidationPolicy | None
    ) -> None:
        """Refuse candles that would leave a gap before or after the stored ones."""
        if (policy or self._policy).allow_gaps:
            return
        pd = require("pandas", extra="market")
        stamps = pd.DatetimeIndex([new.index[0], new.index[-1], span.first, span.last])
        first_new, last_new, first, last = Grid.of(key.timeframe).ordinals(utc_ns(stamps))
        if first_new > last + 1 or last_new < first - 1:
            raise ValidationError(
                "OHLCV rule 'gaps' broken: the candles would leave a gap next to the stored "
                f"ones ({span.first.isoformat()}..{span.last.isoformat()})",
                field="index",
                context={"rule": "gaps", "key": key.storage_name},
            )

    @staticmethod
    def _missing(key: SeriesKey) -> NotFoundError:
        """The error every backend raises for a series that does not exist."""
        return NotFoundError(
            f"no OHLCV series {key.symbol} {key.timeframe}",
            resource="ohlcv_series",
            key=key.storage_name,
        )

    # ------------------------------------------------------ backend primitives
    @abstractmethod
    def _exists(self, key: SeriesKey) -> bool:
        """Return whether the series exists."""

    @abstractmethod
    def _names(self) -> Iterable[str]:
        """Return the storage names of every stored entry."""

    @abstractmethod
    def _span(self, key: SeriesKey) -> Span | None:
        """Return the first/last open times, or ``None`` if the series does not exist."""

    @abstractmethod
    def _read(self, key: SeriesKey, time_range: TimeRange) -> Any:
        """Return the candles in the half-open range; ``NotFoundError`` if no series."""

    @abstractmethod
    def _write(self, key: SeriesKey, frame: Any) -> None:
        """Replace the whole series with a validated, non-empty frame."""

    @abstractmethod
    def _append(self, key: SeriesKey, frame: Any) -> None:
        """Add validated candles that all come after the last stored one."""

    @abstractmethod
    def _replace(self, key: SeriesKey, frame: Any) -> None:
        """Replace the stored candles from the frame's first to last open time with it."""

    @abstractmethod
    def _delete(self, key: SeriesKey) -> None:
        """Delete an existing series."""
