"""ArcticDBDataRepository on a real ArcticDB: local LMDB in tmp_path and S3 on the moto server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import arcticdb
import boto3
import pandas as pd
import pytest

from tradai.common.data.sources import SourceFactory, SyntheticSource
from tradai.common.exceptions import ConfigurationError, ExternalServiceError, ValidationError
from tradai.common.repositories.market_data import ArcticDBDataRepository
from tradai.common.settings_mixins import ArcticSettingsMixin

pytestmark = pytest.mark.integration

T0 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
CANDLES = SyntheticSource(seed=3).fetch_ohlcv("BTC/USDT", "5m", T0, T0 + dt.timedelta(days=2))
BUCKET = "tradai-arctic-it"


def _local(path: Path, **kw: object) -> ArcticDBDataRepository:
    return ArcticDBDataRepository(ArcticSettingsMixin(), lmdb_path=path, **kw)  # type: ignore[arg-type]


# LMDB
def test_lmdb_data_survives_reopening_the_store(tmp_path: Path) -> None:
    _local(tmp_path).write("BTC/USDT", "5m", CANDLES)
    reopened = _local(tmp_path)
    pd.testing.assert_frame_equal(reopened.get_ohlcv("BTC/USDT", "5m"), CANDLES, check_freq=False)


def test_settings_default_to_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARCTIC_LIBRARY", "spot")
    monkeypatch.delenv("ARCTIC_S3_BUCKET", raising=False)
    repo = ArcticDBDataRepository(lmdb_path=tmp_path)
    assert repo.library_name == "spot"
    assert repr(repo) == "ArcticDBDataRepository(library='spot')"


def test_path_prefixes_keep_stores_apart(tmp_path: Path) -> None:
    _local(tmp_path, path_prefix="a").write("BTC/USDT", "5m", CANDLES)
    assert _local(tmp_path, path_prefix="b").list_series() == []
    assert (tmp_path / "a").is_dir()


def test_symbols_that_are_not_series_names_are_ignored(tmp_path: Path) -> None:
    arctic = arcticdb.Arctic(f"lmdb://{tmp_path}")
    arctic.get_library("futures", create_if_missing=True).write("notes", pd.DataFrame({"x": [1]}))
    repo = _local(tmp_path, arctic=arctic)
    repo.write("ETH/USDT", "5m", CANDLES)
    assert [k.storage_name for k in repo.list_series()] == ["ETH_USDT-5m"]


def test_a_series_name_written_by_a_foreign_writer_fails_as_a_service_error(
    tmp_path: Path,
) -> None:
    arctic = arcticdb.Arctic(f"lmdb://{tmp_path}")
    library = arctic.get_library("futures", create_if_missing=True)
    library.write("BTC_USDT-5m", pd.DataFrame({"open": [1.0]}))  # no DatetimeIndex
    repo = _local(tmp_path, arctic=arctic)
    with pytest.raises(ExternalServiceError, match="read of 'BTC_USDT-5m'") as exc:
        repo.get_ohlcv("BTC/USDT", "5m", T0, T0 + dt.timedelta(hours=1))
    assert exc.value.service == "arcticdb"


def test_an_unsafe_lmdb_path_is_refused_before_anything_is_created(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="lmdb_path"):
        _local(tmp_path / ".." / "escape")


def test_the_arcticdb_source_reads_through_a_repository(tmp_path: Path) -> None:
    _local(tmp_path).write("BTC/USDT", "5m", CANDLES)
    source = SourceFactory.create("arcticdb", settings=ArcticSettingsMixin(), lmdb_path=tmp_path)
    frame = source.fetch_ohlcv("BTC/USDT", "5m", T0, T0 + dt.timedelta(hours=1))
    pd.testing.assert_frame_equal(frame, CANDLES.iloc[:12], check_freq=False)


# S3 on the moto server
def test_s3_store_uses_aws_endpoint_url_and_writes_under_the_prefix(aws) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    settings = ArcticSettingsMixin(arctic_s3_bucket=BUCKET)
    ArcticDBDataRepository(settings, path_prefix="team-a").write("BTC/USDT", "5m", CANDLES)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys
    assert all(key.startswith("team-a") for key in keys)
    other = ArcticDBDataRepository(settings, path_prefix="team-b")
    assert other.list_series() == []
    again = ArcticDBDataRepository(settings, path_prefix="team-a")
    pd.testing.assert_frame_equal(again.get_ohlcv("BTC/USDT", "5m"), CANDLES, check_freq=False)


def test_s3_store_with_an_explicit_http_endpoint(aws) -> None:
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    settings = ArcticSettingsMixin(arctic_s3_bucket=BUCKET, arctic_s3_endpoint=aws.url)
    repo = ArcticDBDataRepository(settings, environ={})  # no AWS_ENDPOINT_URL to fall back on
    repo.write("BTC/USDT", "5m", CANDLES)
    assert repo.last_timestamp("BTC/USDT", "5m") == CANDLES.index[-1]


def test_a_missing_bucket_is_a_configuration_error(aws) -> None:
    with pytest.raises(ConfigurationError, match="NoSuchBucket") as exc:
        ArcticDBDataRepository(ArcticSettingsMixin(arctic_s3_bucket="no-such-bucket"))
    assert exc.value.setting == "arctic_s3_bucket"
