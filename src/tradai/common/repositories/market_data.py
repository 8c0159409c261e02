"""Market-data repositories: the :class:`DataRepository` port and its ArcticDB adapter.

:class:`DataRepository` (the ABC of design.md's repository pattern) stores OHLCV series,
one per trading pair and timeframe, in the frame schema of
:mod:`tradai.common.data.ohlcv`. Its operations:

* ``get_ohlcv(symbol, timeframe, start, end)`` — candles with open time in ``[start, end)``.
* ``write`` — replace (or create) a whole series.
* ``append`` — add candles after the last stored one; refuses any overlap
  (:class:`~tradai.common.exceptions.ConflictError`).
* ``upsert`` — insert candles, replacing stored candles of the same open time; stored
  candles the frame does not mention are kept.
* ``delete``, ``has_series``, ``list_series``, ``list_symbols``, ``first_timestamp``,
  ``last_timestamp``.

Every write validates the frame with the repository's
:class:`~tradai.common.data.ohlcv.ValidationPolicy` first; a rejected frame raises
:class:`~tradai.common.exceptions.ValidationError` and nothing stored is altered. The
in-memory twin is :class:`~tradai.common.repositories.memory_market_data.InMemoryDataRepository`.

Decisions where the specification is silent:

* **Symbols in the library**: a series is stored under :attr:`SeriesKey.storage_name
  <tradai.common.data.series.SeriesKey.storage_name>` (``BTC/USDT:USDT`` at ``1h`` →
  ``BTC_USDT_USDT-1h``), in the library ``settings.arctic_library``; other symbols in the
  library are ignored by ``list_series``.
* **Storage** (see :func:`~tradai.common.repositories._arctic.arctic_uri`): LMDB under
  ``lmdb_path`` (default ``./arcticdb``) when ``arctic_s3_bucket`` is empty, else S3 with
  the AWS default credential chain; ``AWS_ENDPOINT_URL_S3``/``AWS_ENDPOINT_URL`` apply when
  ``arctic_s3_endpoint`` is not set explicitly. Settings default to
  ``ArcticSettingsMixin`` fields read from the environment (``ARCTIC_S3_BUCKET``...).
* **Versions**: every write prunes older ArcticDB versions (the repository keeps only the
  current data; snapshots are an operator's tool).
* **Concurrency**: one writer per series. ``append``'s overlap check and ``upsert``'s
  read-merge-update are not atomic across processes; ArcticDB's own ordering check still
  refuses an append that became overlapping (reported as ``ExternalServiceError``).
* The connection is opened in the constructor (fail fast); ArcticDB's errors are translated
  by :data:`~tradai.common.repositories._arctic.ARCTIC_ERRORS`.

Example:
    >>> import tempfile, pandas as pd
    >>> index = pd.date_range("2024-01-01", periods=3, freq="1h", tz="UTC")
    >>> candles = pd.DataFrame(
    ...     {"open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume": 3.0}, index=index
    ... )
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     repo = ArcticDBDataRepository(ArcticSettingsMixin(), lmdb_path=tmp)
    ...     stored = repo.write("BTC/USDT:USDT", "1h", candles)
    ...     read = repo.get_ohlcv("BTC/USDT:USDT", "1h", end=index[2])
    ...     symbols = repo.list_symbols()
    >>> stored, len(read), symbols
    (3, 2, ['BTC/USDT:USDT'])
"""

from __future__ import annotations

import os

from tradai.common._lazy import require
from tradai.common.data.ohlcv import DEFAULT_POLICY, INDEX_NAME, ValidationPolicy, empty_ohlcv
from tradai.common.data.series import SeriesKey, TimeRange
from tradai.common.repositories._arctic import arctic_uri, translate_arctic_error
from tradai.common.repositories._market_data_base import DataRepository, Span
from tradai.common.settings import Settings
from tradai.common.settings_mixins import ArcticSettingsMixin

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any, TypeVar

    _T = TypeVar("_T")

__all__ = [
    "DEFAULT_LMDB_PATH",
    "ArcticDBDataRepository",
    "DataRepository",
    "SeriesKey",
    "Span",
]

#: Where the local LMDB store lives when no bucket is configured (relative to the cwd).
DEFAULT_LMDB_PATH = "arcticdb"


# mypy sees two ``model_config`` types; pydantic merges them (as settings_mixins documents).
class _EnvArcticSettings(ArcticSettingsMixin, Settings):  # type: ignore[misc]
    """ArcticDB settings read from the environment (``ARCTIC_S3_BUCKET``...)."""


class ArcticDBDataRepository(DataRepository):
    """A :class:`DataRepository` on ArcticDB (local LMDB or S3).

    Args:
        settings: ArcticDB settings (any settings class with :class:`ArcticSettingsMixin`);
            default: read from the environment.
        lmdb_path: LMDB directory when no bucket is configured (created if missing).
        path_prefix: Key prefix inside the bucket (or LMDB sub-directory), letters, digits,
            ``_`` and ``-``.
        arctic: An open ``arcticdb.Arctic`` to use instead of connecting (share one per
            process: each instance holds its own connections).
        environ: Environment for ``AWS_ENDPOINT_URL[_S3]`` (default ``os.environ``).
        policy: Default validation policy of writes.

    Raises:
        ValidationError: If ``lmdb_path`` or ``path_prefix`` is unsafe.
        ConfigurationError: If an ``AWS_ENDPOINT_URL`` variable is unusable.
        MissingDependencyError: If the ``market`` extra is not installed.
        ExternalServiceError: If the store cannot be opened (``TransientError`` when
            ArcticDB calls it retryable).
    """

    def __init__(
        self,
        settings: ArcticSettingsMixin | None = None,
        *,
        lmdb_path: str | os.PathLike[str] = DEFAULT_LMDB_PATH,
        path_prefix: str | None = None,
        arctic: Any = None,
        environ: Mapping[str, str] | None = None,
        policy: ValidationPolicy = DEFAULT_POLICY,
    ) -> None:
        super().__init__(policy=policy)
        self._settings = settings if settings is not None else _EnvArcticSettings.load()
        self._errors = require("arcticdb.exceptions", extra="market")
        library_name = self._settings.arctic_library
        if arctic is None:
            uri = arctic_uri(
                self._settings,
                lmdb_path=lmdb_path,
                path_prefix=path_prefix,
                environ=os.environ if environ is None else environ,
            )
            arcticdb = require("arcticdb", extra="market")
            arctic = self._call("connect", library_name, lambda: arcticdb.Arctic(uri))
        self._library = self._call(
            "open library",
            library_name,
            lambda: arctic.get_library(library_name, create_if_missing=True),
        )

    @property
    def library_name(self) -> str:
        """The ArcticDB library holding the series.

        Returns:
            ``settings.arctic_library``.
        """
        return self._settings.arctic_library

    def __repr__(self) -> str:
        return f"{type(self).__name__}(library={self.library_name!r})"

    def _call(self, operation: str, name: str, action: Callable[[], _T]) -> _T:
        try:
            return action()
        except self._errors.ArcticException as exc:
            raise translate_arctic_error(self._errors, exc, operation=operation, key=name) from exc

    def _exists(self, key: SeriesKey) -> bool:
        name = key.storage_name
        return bool(self._call("has_symbol", name, lambda: self._library.has_symbol(name)))

    def _names(self) -> Iterable[str]:
        names: list[str] = self._call("list_symbols", "*", self._library.list_symbols)
        return names

    def _span(self, key: SeriesKey) -> Span | None:
        name = key.storage_name
        try:
            first, last = self._library.get_description(name).date_range
        except self._errors.NoDataFoundException:
            return None
        except self._errors.ArcticException as exc:
            raise translate_arctic_error(self._errors, exc, operation="describe", key=name) from exc
        return Span(first.to_pydatetime(), last.to_pydatetime())

    def _read(self, key: SeriesKey, time_range: TimeRange) -> Any:
        pd = require("pandas", extra="market")
        start = None if time_range.start is None else pd.Timestamp(time_range.start)
        last = None if time_range.end is None else pd.Timestamp(time_range.end) - pd.Timedelta(1)
        if start is not None and last is not None and last < start:
            self._span_or_raise(key)  # a missing series is still an error
            return empty_ohlcv()
        date_range = None if start is None and last is None else (start, last)
        name = key.storage_name
        try:
            frame = self._library.read(name, date_range=date_range).data
        except self._errors.NoDataFoundException as exc:
            raise self._missing(key) from exc
        except self._errors.ArcticException as exc:
            raise translate_arctic_error(self._errors, exc, operation="read", key=name) from exc
        frame.index.name = INDEX_NAME
        return frame

    def _write(self, key: SeriesKey, frame: Any) -> None:
        name = key.storage_name
        self._call(
            "write", name, lambda: self._library.write(name, frame, prune_previous_versions=True)
        )

    def _append(self, key: SeriesKey, frame: Any) -> None:
        name = key.storage_name
        self._call(
            "append", name, lambda: self._library.append(name, frame, prune_previous_versions=True)
        )

    def _replace(self, key: SeriesKey, frame: Any) -> None:
        name = key.storage_name
        self._call(
            "update", name, lambda: self._library.update(name, frame, prune_previous_versions=True)
        )

    def _delete(self, key: SeriesKey) -> None:
        name = key.storage_name
        self._call("delete", name, lambda: self._library.delete(name))
