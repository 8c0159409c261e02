"""The ``"file"`` data source: one Parquet or CSV file per series in a directory.

**Naming**: ``<directory>/<storage name>.<parquet|csv>``, where the storage name is
:attr:`SeriesKey.storage_name <tradai.common.data.series.SeriesKey.storage_name>`:
``BTC/USDT:USDT`` at ``1h`` is ``BTC_USDT_USDT-1h.parquet`` (or ``.csv``). With
``file_format=None`` the Parquet file is used when both exist.

**Content**: the five columns ``open, high, low, close, volume`` and the candle open time,
either as a ``DatetimeIndex`` (what ``DataFrame.to_parquet`` writes) or as a ``date``
column. In CSV files ``date`` is ISO-8601 *with* an offset (``2024-01-01T00:00:00Z``) or
integer epoch milliseconds; timestamps without an offset are rejected, never guessed.
Every frame read is checked with the source's
:class:`~tradai.common.data.ohlcv.ValidationPolicy` before the range is cut out.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from tradai.common._lazy import require
from tradai.common._paths import validate_existing_dir
from tradai.common.data.ohlcv import DEFAULT_POLICY, ValidationPolicy, slice_ohlcv, validate_ohlcv
from tradai.common.data.series import SeriesKey, TimeRange
from tradai.common.exceptions import (
    ConfigurationError,
    ExternalServiceError,
    NotFoundError,
    ValidationError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from typing import Any

__all__ = ["FILE_FORMATS", "FileSource"]

#: Supported file formats, in the order they are looked for.
FILE_FORMATS: tuple[str, ...] = ("parquet", "csv")


class FileSource:
    """Reads OHLCV series from Parquet or CSV files in one directory.

    Args:
        directory: The directory holding the files (must exist).
        file_format: ``"parquet"``, ``"csv"``, or ``None`` to use whichever exists.
        policy: How files with broken candles are treated (default: rejected).

    Raises:
        ConfigurationError: If ``directory`` does not exist or is not a directory.
        ValidationError: If ``file_format`` is not supported.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        *,
        file_format: str | None = None,
        policy: ValidationPolicy = DEFAULT_POLICY,
    ) -> None:
        try:
            self._directory = validate_existing_dir(directory)
        except ValueError as exc:
            raise ConfigurationError(
                f"invalid data directory: {exc}", setting="directory"
            ) from None
        if file_format is not None and file_format not in FILE_FORMATS:
            raise ValidationError(
                f"file_format {file_format!r:.20} is not one of {FILE_FORMATS}",
                field="file_format",
            )
        self._formats = FILE_FORMATS if file_format is None else (file_format,)
        self._policy = policy

    @property
    def directory(self) -> Path:
        """The data directory (absolute).

        Returns:
            Its path.
        """
        return self._directory

    def __repr__(self) -> str:
        return f"FileSource(directory={str(self._directory)!r}, formats={self._formats!r})"

    def path_for(self, symbol: str, timeframe: str, file_format: str = "parquet") -> Path:
        """Return where the file of a series is (or would be).

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.
            file_format: ``"parquet"`` or ``"csv"``.

        Returns:
            ``<directory>/<storage name>.<file_format>``.

        Raises:
            ValidationError: For a malformed symbol, timeframe or format.
        """
        if file_format not in FILE_FORMATS:
            raise ValidationError(
                f"unsupported file format {file_format!r:.20}", field="file_format"
            )
        return self._directory / f"{SeriesKey(symbol, timeframe).storage_name}.{file_format}"

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, start: _dt.datetime, end: _dt.datetime
    ) -> Any:
        """Return the candles of a file whose open time is in ``[start, end)``.

        Args:
            symbol: Trading pair.
            timeframe: Timeframe.
            start: First open time included (timezone-aware).
            end: First open time excluded (timezone-aware).

        Returns:
            An OHLCV frame.

        Raises:
            ValidationError: For bad arguments, or a file whose content is malformed or
                breaks the policy.
            NotFoundError: If there is no file for the series.
            ExternalServiceError: If the file cannot be read (permissions, I/O).
        """
        key = SeriesKey(symbol, timeframe)
        window = TimeRange.bounded(start, end)
        path, file_format = self._locate(key)
        frame = _read(path, file_format)
        return slice_ohlcv(validate_ohlcv(frame, key.timeframe, policy=self._policy), window)

    def _locate(self, key: SeriesKey) -> tuple[Path, str]:
        for file_format in self._formats:
            path = self._directory / f"{key.storage_name}.{file_format}"
            if path.is_file():
                return path, file_format
        raise NotFoundError(
            f"no {'/'.join(self._formats)} file for {key.symbol} {key.timeframe} in "
            f"{self._directory}",
            resource="ohlcv_file",
            key=key.storage_name,
        )


def _read(path: Path, file_format: str) -> Any:
    pd = require("pandas", extra="market")
    try:
        frame = pd.read_parquet(path) if file_format == "parquet" else pd.read_csv(path)
    except OSError as exc:
        raise ExternalServiceError(
            f"cannot read {path.name}: {exc.strerror or type(exc).__name__}",
            service="file",
            operation="read",
        ) from exc
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            f"{path.name} is not a valid {file_format} file", field="file"
        ) from exc
    if "date" in frame.columns:
        dates = _parse_dates(pd, frame["date"], path)
        frame = frame.drop(columns="date")
        frame.index = dates
    return frame


def _parse_dates(pd: Any, column: Any, path: Path) -> Any:
    try:
        if pd.api.types.is_integer_dtype(column):
            return pd.DatetimeIndex(pd.to_datetime(column, unit="ms", utc=True))
        if pd.api.types.is_datetime64_any_dtype(column):
            return pd.DatetimeIndex(column)
        return pd.DatetimeIndex(pd.to_datetime(column, format="ISO8601"))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValidationError(
            f"{path.name}: the date column must be ISO-8601 with one UTC offset, or epoch "
            "milliseconds",
            field="date",
        ) from exc
