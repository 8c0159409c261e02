"""Data sources: the :class:`DataSource` port and :class:`SourceFactory` (design.md pattern 5).

A data source answers ``fetch_ohlcv(symbol, timeframe, start, end)`` with the candles
whose open time is in ``[start, end)`` as an OHLCV frame (the schema of
:mod:`tradai.common.data.ohlcv`). :meth:`SourceFactory.create` builds one by kind:

=============  ===========================================================================
kind           source and its options
=============  ===========================================================================
``arcticdb``   :class:`RepositorySource` reading a market-data repository: pass
               ``repository=`` (any :class:`~tradai.common.repositories.market_data.
               DataRepository`), or the options of :class:`~tradai.common.repositories.
               market_data.ArcticDBDataRepository` (``settings``, ``lmdb_path``...) to
               open one
``file``       :class:`FileSource`: Parquet/CSV files named ``<storage name>.<ext>`` in
               ``directory`` (see :mod:`tradai.common.data._file_source`)
``ccxt``       :class:`CCXTSource`: an exchange's public API (``exchange_id``, ``options``,
               ``page_limit``, ``max_retries``...)
``synthetic``  :class:`SyntheticSource`: deterministic seeded random walk (``seed``,
               ``start_price``, ``volatility``, ``mean_volume``)
=============  ===========================================================================

Decisions where the specification is silent: ``start`` and ``end`` are both required and
timezone-aware; options are keyword arguments of the source's constructor, and unknown or
missing ones raise :class:`~tradai.common.exceptions.ValidationError` before anything is
built; the kinds are a fixed table (no global registry to mutate): a service with its own
source implements :class:`DataSource` and injects it directly.

Example:
    >>> import datetime as dt
    >>> source = SourceFactory.create("synthetic", seed=42)
    >>> isinstance(source, DataSource)
    True
    >>> start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    >>> len(source.fetch_ohlcv("BTC/USDT", "15m", start, start + dt.timedelta(hours=1)))
    4
"""

from __future__ import annotations

import datetime as _dt
import inspect
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from tradai.common.data._ccxt_source import CCXTSource
from tradai.common.data._file_source import FileSource
from tradai.common.data._synthetic import SyntheticSource
from tradai.common.data.series import TimeRange
from tradai.common.exceptions import ValidationError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from tradai.common.repositories.market_data import DataRepository

__all__ = [
    "CCXTSource",
    "DataSource",
    "FileSource",
    "RepositorySource",
    "SourceFactory",
    "SourceKind",
    "SyntheticSource",
]


@runtime_checkable
class DataSource(Protocol):
    """Where OHLCV candles come from (a port: inject one, or build it with the factory)."""

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, start: _dt.datetime, end: _dt.datetime
    ) -> Any:
        """Return the candles whose open time is in ``[start, end)``.

        Args:
            symbol: Trading pair, e.g. ``"BTC/USDT:USDT"``.
            timeframe: Timeframe, e.g. ``"1h"``.
            start: First open time included (timezone-aware).
            end: First open time excluded (timezone-aware).

        Returns:
            An OHLCV frame (pandas ``DataFrame``).
        """
        ...


class SourceKind(str, Enum):
    """The kinds :meth:`SourceFactory.create` builds."""

    ARCTICDB = "arcticdb"
    FILE = "file"
    CCXT = "ccxt"
    SYNTHETIC = "synthetic"


class RepositorySource:
    """A :class:`DataSource` reading a market-data repository (ArcticDB or its twin).

    Args:
        repository: The repository to read.

    Example:
        >>> from tradai.common.repositories.memory_market_data import InMemoryDataRepository
        >>> RepositorySource(InMemoryDataRepository())
        RepositorySource(InMemoryDataRepository(series=0))
    """

    def __init__(self, repository: DataRepository) -> None:
        self._repository = repository

    @property
    def repository(self) -> DataRepository:
        """The repository read.

        Returns:
            The repository given.
        """
        return self._repository

    def __repr__(self) -> str:
        return f"RepositorySource({self._repository!r})"

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, start: _dt.datetime, end: _dt.datetime
    ) -> Any:
        """Return the stored candles whose open time is in ``[start, end)``.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.
            start: First open time included (timezone-aware).
            end: First open time excluded (timezone-aware).

        Returns:
            An OHLCV frame.

        Raises:
            ValidationError: For bad arguments.
            NotFoundError: If the series is not stored.
        """
        TimeRange.bounded(start, end)
        return self._repository.get_ohlcv(symbol, timeframe, start, end)


def _construct(kind: SourceKind, factory: Callable[..., Any], options: dict[str, Any]) -> Any:
    try:
        inspect.signature(factory).bind(**options)
    except TypeError as exc:
        raise ValidationError(
            f"invalid options for a {kind.value!r} source: {exc}", field="options"
        ) from None
    return factory(**options)


def _arcticdb(options: dict[str, Any]) -> DataSource:
    repository = options.pop("repository", None)
    if repository is None:
        from tradai.common.repositories.market_data import ArcticDBDataRepository

        repository = _construct(SourceKind.ARCTICDB, ArcticDBDataRepository, options)
    elif options:
        raise ValidationError(
            "give either repository= or ArcticDB options, not both", field="options"
        )
    return RepositorySource(repository)


class SourceFactory:
    """Builds data sources by kind (see the module docstring for kinds and options)."""

    @staticmethod
    def kinds() -> tuple[str, ...]:
        """Return the kinds :meth:`create` accepts.

        Returns:
            ``("arcticdb", "file", "ccxt", "synthetic")``.

        Example:
            >>> SourceFactory.kinds()
            ('arcticdb', 'file', 'ccxt', 'synthetic')
        """
        return tuple(kind.value for kind in SourceKind)

    @staticmethod
    def create(kind: str | SourceKind, **options: Any) -> DataSource:
        """Build a data source.

        Args:
            kind: One of :meth:`kinds` (or a :class:`SourceKind`).
            **options: The source's constructor options.

        Returns:
            The source.

        Raises:
            ValidationError: For an unknown kind, or unknown/missing options.
            ConfigurationError: If the source's configuration is unusable (e.g. a missing
                directory, an unknown exchange).
            MissingDependencyError: If the source's extra is not installed.

        Example:
            >>> SourceFactory.create("synthetic", seed=1)
            SyntheticSource(seed=1)
        """
        try:
            source_kind = SourceKind(kind)
        except ValueError:
            raise ValidationError(
                f"unknown data source kind {kind!r:.40}; use one of {SourceFactory.kinds()}",
                field="kind",
            ) from None
        if source_kind is SourceKind.ARCTICDB:
            return _arcticdb(dict(options))
        factories: dict[SourceKind, Callable[..., DataSource]] = {
            SourceKind.FILE: FileSource,
            SourceKind.CCXT: CCXTSource,
            SourceKind.SYNTHETIC: SyntheticSource,
        }
        source: DataSource = _construct(source_kind, factories[source_kind], dict(options))
        return source
