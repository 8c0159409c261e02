"""Market data: OHLCV frames, their validation, data sources and repositories.

* :mod:`tradai.common.data.ohlcv` — the OHLCV frame schema, :func:`validate_ohlcv` with its
  :class:`ValidationPolicy` (reject or repair), and :func:`gaps`.
* :mod:`tradai.common.data.series` — :class:`SeriesKey` (pair + timeframe and its storage
  name) and :class:`TimeRange`.
* :mod:`tradai.common.data.sources` — the :class:`DataSource` port and
  :class:`SourceFactory` (``arcticdb``, ``file``, ``ccxt``, ``synthetic``).
* Re-exported from :mod:`tradai.common.repositories`: :class:`DataRepository`,
  :class:`ArcticDBDataRepository` and the twin :class:`InMemoryDataRepository`.

Everything is imported lazily, on first use; pandas, numpy, ArcticDB and ccxt only when a
function needs them (extras ``market`` and ``exchange``).

Example:
    >>> from tradai.common.data import SourceFactory
    >>> SourceFactory.kinds()
    ('arcticdb', 'file', 'ccxt', 'synthetic')
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from tradai.common.data.ohlcv import (
        DEFAULT_POLICY,
        OHLCV_COLUMNS,
        Gap,
        OHLCVRule,
        RepairMode,
        ValidationPolicy,
        empty_ohlcv,
        gaps,
        validate_ohlcv,
    )
    from tradai.common.data.series import SeriesKey, TimeRange
    from tradai.common.data.sources import (
        CCXTSource,
        DataSource,
        FileSource,
        RepositorySource,
        SourceFactory,
        SourceKind,
        SyntheticSource,
    )
    from tradai.common.repositories.market_data import ArcticDBDataRepository, DataRepository
    from tradai.common.repositories.memory_market_data import InMemoryDataRepository

__all__ = [
    "DEFAULT_POLICY",
    "OHLCV_COLUMNS",
    "ArcticDBDataRepository",
    "CCXTSource",
    "DataRepository",
    "DataSource",
    "FileSource",
    "Gap",
    "InMemoryDataRepository",
    "OHLCVRule",
    "RepairMode",
    "RepositorySource",
    "SeriesKey",
    "SourceFactory",
    "SourceKind",
    "SyntheticSource",
    "TimeRange",
    "ValidationPolicy",
    "empty_ohlcv",
    "gaps",
    "validate_ohlcv",
]

_OHLCV = "tradai.common.data.ohlcv"
_SOURCES = "tradai.common.data.sources"
_EXPORTS = {
    "DEFAULT_POLICY": _OHLCV,
    "OHLCV_COLUMNS": _OHLCV,
    "Gap": _OHLCV,
    "OHLCVRule": _OHLCV,
    "RepairMode": _OHLCV,
    "ValidationPolicy": _OHLCV,
    "empty_ohlcv": _OHLCV,
    "gaps": _OHLCV,
    "validate_ohlcv": _OHLCV,
    "SeriesKey": "tradai.common.data.series",
    "TimeRange": "tradai.common.data.series",
    "CCXTSource": _SOURCES,
    "DataSource": _SOURCES,
    "FileSource": _SOURCES,
    "RepositorySource": _SOURCES,
    "SourceFactory": _SOURCES,
    "SourceKind": _SOURCES,
    "SyntheticSource": _SOURCES,
    "ArcticDBDataRepository": "tradai.common.repositories.market_data",
    "DataRepository": "tradai.common.repositories.market_data",
    "InMemoryDataRepository": "tradai.common.repositories.memory_market_data",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
