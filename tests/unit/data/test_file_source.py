"""FileSource reads <storage name>.parquet/.csv files and validates what it reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tradai.common.data._file_source import _read
from tradai.common.data.ohlcv import RepairMode, ValidationPolicy
from tradai.common.data.sources import FileSource, SyntheticSource
from tradai.common.exceptions import (
    ConfigurationError,
    ExternalServiceError,
    NotFoundError,
    ValidationError,
)

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
CANDLES = SyntheticSource(seed=5).fetch_ohlcv("BTC/USDT:USDT", "1h", T0, T0 + dt.timedelta(days=1))
HOUR = dt.timedelta(hours=1)


def _fetch(source: FileSource, hours: int = 24) -> pd.DataFrame:
    return source.fetch_ohlcv("BTC/USDT:USDT", "1h", T0, T0 + hours * HOUR)


def test_parquet_files_are_named_after_the_series(tmp_path: Path) -> None:
    source = FileSource(tmp_path)
    path = source.path_for("BTC/USDT:USDT", "1h")
    assert path == tmp_path / "BTC_USDT_USDT-1h.parquet"
    CANDLES.to_parquet(path)
    pd.testing.assert_frame_equal(_fetch(source), CANDLES, check_freq=False)


def test_a_date_column_works_as_well_as_an_index(tmp_path: Path) -> None:
    CANDLES.reset_index().to_parquet(tmp_path / "BTC_USDT_USDT-1h.parquet")
    pd.testing.assert_frame_equal(_fetch(FileSource(tmp_path)), CANDLES, check_freq=False)


def test_the_range_is_half_open(tmp_path: Path) -> None:
    CANDLES.to_parquet(tmp_path / "BTC_USDT_USDT-1h.parquet")
    frame = FileSource(tmp_path).fetch_ohlcv("BTC/USDT:USDT", "1h", T0 + HOUR, T0 + 3 * HOUR)
    assert frame.index.tolist() == [T0 + HOUR, T0 + 2 * HOUR]


@pytest.mark.parametrize("date_format", ["iso", "epoch_ms"])
def test_csv_dates_may_be_iso_with_offset_or_epoch_milliseconds(
    tmp_path: Path, date_format: str
) -> None:
    table = CANDLES.reset_index()
    if date_format == "epoch_ms":
        table["date"] = table["date"].astype("int64") // 1_000_000
    else:
        table["date"] = table["date"].map(lambda t: t.isoformat())
    table.to_csv(tmp_path / "BTC_USDT_USDT-1h.csv", index=False)
    frame = _fetch(FileSource(tmp_path, file_format="csv"))
    pd.testing.assert_frame_equal(frame, CANDLES, check_freq=False, rtol=1e-12)


def test_csv_dates_without_offset_are_rejected_not_guessed(tmp_path: Path) -> None:
    table = CANDLES.reset_index()
    table["date"] = table["date"].dt.tz_localize(None).astype(str)
    table.to_csv(tmp_path / "BTC_USDT_USDT-1h.csv", index=False)
    with pytest.raises(ValidationError, match="naive"):
        _fetch(FileSource(tmp_path))


def test_unparseable_csv_dates_are_rejected(tmp_path: Path) -> None:
    table = CANDLES.reset_index().assign(date="yesterday")
    table.to_csv(tmp_path / "BTC_USDT_USDT-1h.csv", index=False)
    with pytest.raises(ValidationError, match="date column"):
        _fetch(FileSource(tmp_path))


def test_parquet_wins_when_both_formats_exist(tmp_path: Path) -> None:
    CANDLES.to_parquet(tmp_path / "BTC_USDT_USDT-1h.parquet")
    (tmp_path / "BTC_USDT_USDT-1h.csv").write_text("not,a,valid,file\n")
    assert len(_fetch(FileSource(tmp_path))) == 24


def test_broken_candles_follow_the_source_policy(tmp_path: Path) -> None:
    broken = pd.concat([CANDLES, CANDLES.iloc[[3]]]).sort_index(kind="mergesort")
    broken.to_parquet(tmp_path / "BTC_USDT_USDT-1h.parquet")
    with pytest.raises(ValidationError, match="duplicates"):
        _fetch(FileSource(tmp_path))
    repaired = _fetch(FileSource(tmp_path, policy=ValidationPolicy(RepairMode.REPAIR)))
    assert len(repaired) == 24


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="parquet/csv") as exc:
        _fetch(FileSource(tmp_path))
    assert exc.value.key == "BTC_USDT_USDT-1h"


def test_a_corrupt_file_is_a_validation_error(tmp_path: Path) -> None:
    (tmp_path / "BTC_USDT_USDT-1h.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(ValidationError, match="not a valid parquet file"):
        _fetch(FileSource(tmp_path))


def test_an_unreadable_file_is_an_external_service_error(tmp_path: Path) -> None:
    # FileSource only opens regular files; reading a directory is an OSError every user
    # (root included) gets, so the read step is exercised directly.
    with pytest.raises(ExternalServiceError, match="cannot read"):
        _read(tmp_path, "csv")


def test_bad_directories_and_formats_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError):
        FileSource(tmp_path / "missing")
    with pytest.raises(ValidationError, match="file_format"):
        FileSource(tmp_path, file_format="feather")
    with pytest.raises(ValidationError, match="format"):
        FileSource(tmp_path).path_for("BTC/USDT", "1h", "json")
    assert "FileSource(directory=" in repr(FileSource(tmp_path))
    assert FileSource(tmp_path).directory == tmp_path.resolve()
