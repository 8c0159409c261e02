"""SourceFactory builds each kind and refuses unknown kinds and options; DataSource port."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tradai.common.data.sources import (
    CCXTSource,
    DataSource,
    FileSource,
    RepositorySource,
    SourceFactory,
    SourceKind,
    SyntheticSource,
)
from tradai.common.exceptions import ConfigurationError, NotFoundError, ValidationError
from tradai.common.repositories.market_data import ArcticDBDataRepository
from tradai.common.repositories.memory_market_data import InMemoryDataRepository

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_the_design_document_call_builds_a_data_source() -> None:
    # design.md pattern 5: SourceFactory.create(kind: str) -> DataSource
    source = SourceFactory.create("synthetic")
    assert isinstance(source, DataSource)


def test_each_kind_builds_its_source(tmp_path: Path) -> None:
    repo = InMemoryDataRepository()
    assert isinstance(SourceFactory.create("arcticdb", repository=repo), RepositorySource)
    assert isinstance(SourceFactory.create(SourceKind.FILE, directory=tmp_path), FileSource)
    assert isinstance(SourceFactory.create("ccxt", exchange_id="binance"), CCXTSource)
    assert isinstance(SourceFactory.create("synthetic", seed=3), SyntheticSource)
    assert SourceFactory.kinds() == ("arcticdb", "file", "ccxt", "synthetic")


def test_arcticdb_kind_opens_a_repository_from_its_options(tmp_path: Path) -> None:
    from tradai.common.settings_mixins import ArcticSettingsMixin

    source = SourceFactory.create("arcticdb", settings=ArcticSettingsMixin(), lmdb_path=tmp_path)
    assert isinstance(source, RepositorySource)
    assert isinstance(source.repository, ArcticDBDataRepository)


@pytest.mark.parametrize("kind", ["ArcticDB", "files", "", "synthetic\n", "csv"])
def test_unknown_kinds_are_refused(kind: str) -> None:
    with pytest.raises(ValidationError, match="unknown data source kind"):
        SourceFactory.create(kind)


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("file", {}),  # directory is required
        ("file", {"directroy": "."}),
        ("synthetic", {"sead": 1}),
        ("ccxt", {"exchange_id": "binance", "secret": "x"}),
        ("arcticdb", {"lmdb_pth": "x"}),
    ],
)
def test_unknown_or_missing_options_are_refused_before_building(kind: str, options) -> None:
    with pytest.raises(ValidationError, match="invalid options"):
        SourceFactory.create(kind, **options)


def test_arcticdb_kind_takes_a_repository_or_options_not_both(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not both"):
        SourceFactory.create("arcticdb", repository=InMemoryDataRepository(), lmdb_path=tmp_path)


def test_repository_source_reads_the_repository_and_requires_both_bounds() -> None:
    repo = InMemoryDataRepository()
    candles = SyntheticSource().fetch_ohlcv("BTC/USDT", "1h", T0, T0 + dt.timedelta(hours=5))
    repo.write("BTC/USDT", "1h", candles)
    source = RepositorySource(repo)
    assert repr(source) == "RepositorySource(InMemoryDataRepository(series=1))"
    assert source.repository is repo
    assert len(source.fetch_ohlcv("BTC/USDT", "1h", T0, T0 + dt.timedelta(hours=2))) == 2
    with pytest.raises(ValidationError, match="end is required"):
        source.fetch_ohlcv("BTC/USDT", "1h", T0, None)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        source.fetch_ohlcv("ETH/USDT", "1h", T0, T0)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({}, ValidationError),
        ({"exchange_id": "binance", "exchange": object()}, ValidationError),
        ({"exchange_id": "Binance"}, ValidationError),
        ({"exchange_id": "binance;rm"}, ValidationError),
        ({"exchange_id": "nosuchexchange"}, ConfigurationError),
        ({"exchange_id": "binance", "page_limit": 0}, ValidationError),
        ({"exchange_id": "binance", "page_limit": True}, ValidationError),
        ({"exchange_id": "binance", "backoff_seconds": -1}, ValidationError),
        ({"exchange_id": "binance", "max_retries": -1}, ValidationError),
    ],
)
def test_ccxt_source_refuses_bad_configuration(options, error) -> None:
    with pytest.raises(error):
        CCXTSource(**options)


def test_ccxt_source_repr_never_shows_options() -> None:
    source = CCXTSource("binance", options={"apiKey": "k3y", "secret": "s3cr3t"})
    assert repr(source) == "CCXTSource(exchange='binance')"
    assert source.exchange_id == "binance"


def test_every_ccxt_error_in_the_table_is_a_ccxt_error_class() -> None:
    import ccxt

    from tradai.common.data._ccxt_source import CCXT_DATA_ERRORS

    assert CCXT_DATA_ERRORS[0] == ("BadSymbol", NotFoundError)
    for name, _ in CCXT_DATA_ERRORS:
        assert issubclass(getattr(ccxt, name), ccxt.BaseError)
