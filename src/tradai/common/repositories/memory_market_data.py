"""The in-memory twin of the market-data repository, for services' unit tests.

:class:`InMemoryDataRepository` keeps each series as a pandas frame in a dict guarded by
a lock. It inherits every rule of
:class:`~tradai.common.repositories.market_data.DataRepository` (argument checks,
validation, overlap and gap rules, errors), so it behaves as the ArcticDB adapter does;
``tests/contract/data/test_market_data_contract.py`` runs one suite against both. Frames
handed in or out are copies: changing one never changes what is stored.

Example:
    >>> import pandas as pd
    >>> repo = InMemoryDataRepository()
    >>> index = pd.date_range("2024-01-01", periods=2, freq="1d", tz="UTC")
    >>> candles = pd.DataFrame(
    ...     {"open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 3.0}, index=index
    ... )
    >>> repo.write("ETH/USDT", "1d", candles)
    2
    >>> repo.last_timestamp("ETH/USDT", "1d").isoformat()
    '2024-01-02T00:00:00+00:00'
"""

from __future__ import annotations

import threading

from tradai.common._lazy import require
from tradai.common.data.ohlcv import DEFAULT_POLICY, ValidationPolicy, slice_ohlcv
from tradai.common.data.series import SeriesKey, TimeRange
from tradai.common.repositories._market_data_base import DataRepository, Span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

__all__ = ["InMemoryDataRepository"]


class InMemoryDataRepository(DataRepository):
    """A :class:`DataRepository` held in process memory (thread-safe).

    Args:
        policy: Default validation policy of writes.
    """

    def __init__(self, *, policy: ValidationPolicy = DEFAULT_POLICY) -> None:
        super().__init__(policy=policy)
        self._series: dict[str, Any] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(series={len(self._series)})"

    def _exists(self, key: SeriesKey) -> bool:
        with self._lock:
            return key.storage_name in self._series

    def _names(self) -> Iterable[str]:
        with self._lock:
            return list(self._series)

    def _span(self, key: SeriesKey) -> Span | None:
        with self._lock:
            frame = self._series.get(key.storage_name)
        if frame is None:
            return None
        return Span(frame.index[0].to_pydatetime(), frame.index[-1].to_pydatetime())

    def _read(self, key: SeriesKey, time_range: TimeRange) -> Any:
        with self._lock:
            frame = self._series.get(key.storage_name)
        if frame is None:
            raise self._missing(key)
        return slice_ohlcv(frame, time_range)

    def _write(self, key: SeriesKey, frame: Any) -> None:
        with self._lock:
            self._series[key.storage_name] = frame

    def _append(self, key: SeriesKey, frame: Any) -> None:
        pd = require("pandas", extra="market")
        with self._lock:
            stored = self._series[key.storage_name]
            self._series[key.storage_name] = pd.concat([stored, frame])

    def _replace(self, key: SeriesKey, frame: Any) -> None:
        pd = require("pandas", extra="market")
        first, last = frame.index[0], frame.index[-1]
        with self._lock:
            stored = self._series[key.storage_name]
            before = stored[stored.index < first]
            after = stored[stored.index > last]
            self._series[key.storage_name] = pd.concat([before, frame, after])

    def _delete(self, key: SeriesKey) -> None:
        with self._lock:
            del self._series[key.storage_name]
