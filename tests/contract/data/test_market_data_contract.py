"""One contract for DataRepository: the in-memory twin and ArcticDB (LMDB and S3 on moto)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tradai.common.data.ohlcv import RepairMode, ValidationPolicy
from tradai.common.data.series import SeriesKey
from tradai.common.data.sources import SyntheticSource
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError
from tradai.common.repositories.market_data import ArcticDBDataRepository, DataRepository
from tradai.common.repositories.memory_market_data import InMemoryDataRepository
from tradai.common.settings_mixins import ArcticSettingsMixin

BUCKET = "tradai-market-contract"
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
PAIR = "BTC/USDT:USDT"
SOURCE = SyntheticSource(seed=11)


def _minutes(first: int, count: int, *, symbol: str = PAIR) -> pd.DataFrame:
    start = T0 + dt.timedelta(minutes=first)
    return SOURCE.fetch_ohlcv(symbol, "1m", start, start + dt.timedelta(minutes=count))


def _at(minute: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minute)


def _s3(policy: ValidationPolicy) -> DataRepository:
    import boto3

    boto3.client("s3").create_bucket(Bucket=BUCKET)
    return ArcticDBDataRepository(ArcticSettingsMixin(arctic_s3_bucket=BUCKET), policy=policy)


Factory = Callable[[ValidationPolicy], DataRepository]


@pytest.fixture(params=["memory", "lmdb", pytest.param("s3", marks=pytest.mark.integration)])
def make_repo(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    if request.param == "memory":
        return lambda policy: InMemoryDataRepository(policy=policy)
    if request.param == "lmdb":
        settings = ArcticSettingsMixin()
        return lambda policy: ArcticDBDataRepository(settings, lmdb_path=tmp_path, policy=policy)
    request.getfixturevalue("aws")  # moto server, wiped; AWS_ENDPOINT_URL exported
    return _s3


@pytest.fixture
def repo(make_repo: Factory) -> DataRepository:
    return make_repo(ValidationPolicy())


def _stored(repo: DataRepository) -> pd.DataFrame:
    return repo.get_ohlcv(PAIR, "1m")


# ---------------------------------------------------------------- reads
def test_written_candles_read_back_identically(repo: DataRepository) -> None:
    frame = _minutes(0, 120)
    assert repo.write(PAIR, "1m", frame) == 120
    pd.testing.assert_frame_equal(_stored(repo), frame, check_freq=False)


def test_ranges_are_half_open_on_open_times(repo: DataRepository) -> None:
    repo.write(PAIR, "1m", _minutes(0, 60))
    assert repo.get_ohlcv(PAIR, "1m", _at(10), _at(20)).index.minute.tolist() == list(range(10, 20))
    assert len(repo.get_ohlcv(PAIR, "1m", start=_at(50))) == 10
    assert len(repo.get_ohlcv(PAIR, "1m", end=_at(5))) == 5
    assert len(repo.get_ohlcv(PAIR, "1m", _at(10), _at(10))) == 0


def test_a_range_without_candles_is_an_empty_frame_of_the_schema(repo: DataRepository) -> None:
    repo.write(PAIR, "1m", _minutes(0, 10))
    empty = repo.get_ohlcv(PAIR, "1m", _at(500), _at(600))
    assert empty.empty
    assert list(empty.columns) == ["open", "high", "low", "close", "volume"]


def test_a_missing_series_is_not_found(repo: DataRepository) -> None:
    for call in (
        lambda: repo.get_ohlcv("ETH/USDT", "1m"),
        lambda: repo.get_ohlcv("ETH/USDT", "1m", _at(0), _at(0)),
        lambda: repo.first_timestamp("ETH/USDT", "1m"),
        lambda: repo.last_timestamp("ETH/USDT", "1m"),
    ):
        with pytest.raises(NotFoundError) as exc:
            call()
        assert exc.value.key == "ETH_USDT-1m"


def test_bad_arguments_are_refused(repo: DataRepository) -> None:
    repo.write(PAIR, "1m", _minutes(0, 10))
    with pytest.raises(ValidationError, match="naive"):
        repo.get_ohlcv(PAIR, "1m", dt.datetime(2024, 1, 1))
    with pytest.raises(ValidationError, match="before start"):
        repo.get_ohlcv(PAIR, "1m", _at(5), _at(1))
    with pytest.raises(ValidationError, match="symbol"):
        repo.get_ohlcv("BTC-USDT", "1m")


def test_returned_frames_are_copies(repo: DataRepository) -> None:
    repo.write(PAIR, "1m", _minutes(0, 5))
    returned = repo.get_ohlcv(PAIR, "1m")
    returned.loc[:, "close"] = -1.0
    assert (_stored(repo)["close"] > 0).all()


# ---------------------------------------------------------------- writes
def test_write_replaces_the_whole_series(repo: DataRepository) -> None:
    repo.write(PAIR, "1m", _minutes(0, 60))
    repo.write(PAIR, "1m", _minutes(100, 5))
    assert _stored(repo).index.tolist() == _minutes(100, 5).index.tolist()


def test_writing_an_empty_series_is_refused(repo: DataRepository) -> None:
    with pytest.raises(ValidationError, match="empty"):
        repo.write(PAIR, "1m", _minutes(0, 0))
    assert not repo.has_series(PAIR, "1m")


def test_append_adds_after_the_last_candle_and_creates_missing_series(
    repo: DataRepository,
) -> None:
    assert repo.append(PAIR, "1m", _minutes(0, 30)) == 30
    assert repo.append(PAIR, "1m", _minutes(30, 30)) == 30
    assert repo.append(PAIR, "1m", _minutes(60, 0)) == 0
    pd.testing.assert_frame_equal(_stored(repo), _minutes(0, 60), check_freq=False)


def test_append_refuses_any_overlap_and_leaves_the_series_alone(repo: DataRepository) -> None:
    repo.write(PAIR, "1m", _minutes(0, 30))
    before = _stored(repo)
    with pytest.raises(ConflictError, match="upsert"):
        repo.append(PAIR, "1m", _minutes(29, 10))
    pd.testing.assert_frame_equal(_stored(repo), before)


def test_upsert_replaces_overlapping_candles_and_keeps_the_others(repo: DataRepository) -> None:
    repo.write(PAIR, "1m", _minutes(0, 10))
    replacement = _minutes(3, 1) * 2  # same time, different (still valid) values
    sparse = pd.concat([replacement, _minutes(6, 1) * 3])
    assert repo.upsert(PAIR, "1m", sparse) == 2
    stored = _stored(repo)
    assert len(stored) == 10
    assert stored.loc[_at(3), "close"] == replacement.iloc[0]["close"]
    assert stored.loc[_at(4), "close"] == _minutes(4, 1).iloc[0]["close"]  # kept
    assert stored.loc[_at(6), "close"] == _minutes(6, 1).iloc[0]["close"] * 3


def test_upsert_extends_either_side_and_creates_missing_series(repo: DataRepository) -> None:
    assert repo.upsert(PAIR, "1m", _minutes(10, 10)) == 10
    repo.upsert(PAIR, "1m", _minutes(15, 15))
    repo.upsert(PAIR, "1m", _minutes(0, 12))
    pd.testing.assert_frame_equal(_stored(repo), _minutes(0, 30), check_freq=False)
    assert repo.upsert(PAIR, "1m", _minutes(0, 0)) == 0


def _naive(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.tz_localize(None)


def _duplicate(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, frame.iloc[[-1]]])


def _negative_volume(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(volume=-frame["volume"])


def _high_below_low(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(high=frame["low"] - 1)


def _unsorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.iloc[::-1]


MALFORMED = [_naive, _duplicate, _negative_volume, _high_below_low, _unsorted]


@pytest.mark.parametrize("break_it", MALFORMED, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("operation", ["write", "append", "upsert"])
def test_malformed_candles_are_rejected_and_nothing_stored_changes(
    repo: DataRepository, operation: str, break_it: Callable[[pd.DataFrame], pd.DataFrame]
) -> None:
    repo.write(PAIR, "1m", _minutes(0, 10))
    before = _stored(repo)
    bad = break_it(_minutes(5 if operation == "upsert" else 10, 10))
    with pytest.raises(ValidationError):
        getattr(repo, operation)(PAIR, "1m", bad)
    pd.testing.assert_frame_equal(_stored(repo), before)


def test_a_repairing_repository_stores_the_repaired_candles(make_repo: Factory) -> None:
    repo = make_repo(ValidationPolicy(RepairMode.REPAIR))
    assert repo.policy == ValidationPolicy(RepairMode.REPAIR)
    messy = _duplicate(_unsorted(_minutes(0, 10)))
    assert repo.write(PAIR, "1m", messy) == 10
    pd.testing.assert_frame_equal(_stored(repo), _minutes(0, 10), check_freq=False)


def test_a_gap_free_repository_refuses_gaps_inside_and_next_to_stored_candles(
    make_repo: Factory,
) -> None:
    repo = make_repo(ValidationPolicy(allow_gaps=False))
    with pytest.raises(ValidationError, match="gaps"):
        repo.write(PAIR, "1m", pd.concat([_minutes(0, 5), _minutes(6, 5)]))
    repo.write(PAIR, "1m", _minutes(10, 10))
    before = _stored(repo)
    for operation, frame in [("append", _minutes(21, 5)), ("upsert", _minutes(0, 9))]:
        with pytest.raises(ValidationError, match="gap"):
            getattr(repo, operation)(PAIR, "1m", frame)
    pd.testing.assert_frame_equal(_stored(repo), before)
    repo.append(PAIR, "1m", _minutes(20, 5))
    repo.upsert(PAIR, "1m", _minutes(5, 5))
    assert len(_stored(repo)) == 20
    assert repo.append(PAIR, "1m", _minutes(30, 1), policy=ValidationPolicy()) == 1


# ---------------------------------------------------------------- catalogue
def test_series_are_listed_and_described(repo: DataRepository) -> None:
    assert repo.list_series() == []
    repo.write("btc/usdt:usdt", "1m", _minutes(0, 10))
    repo.write("ETH/USDT", "1m", _minutes(0, 5, symbol="ETH/USDT"))
    repo.write("ETH/USDT", "1h", SOURCE.fetch_ohlcv("ETH/USDT", "1h", T0, _at(180)))
    assert repo.list_series() == [
        SeriesKey(PAIR, "1m"),
        SeriesKey("ETH/USDT", "1h"),
        SeriesKey("ETH/USDT", "1m"),
    ]
    assert repo.list_symbols() == [PAIR, "ETH/USDT"]
    assert repo.list_symbols("1h") == ["ETH/USDT"]
    assert repo.has_series(PAIR, "1m")
    assert not repo.has_series(PAIR, "1h")
    assert repo.first_timestamp("ETH/USDT", "1h") == T0
    assert repo.last_timestamp("ETH/USDT", "1h") == _at(120)


def test_delete_removes_a_series_and_says_whether_it_existed(repo: DataRepository) -> None:
    repo.write(PAIR, "1m", _minutes(0, 10))
    assert repo.delete(PAIR, "1m") is True
    assert repo.delete(PAIR, "1m") is False
    assert repo.list_series() == []
    with pytest.raises(NotFoundError):
        repo.get_ohlcv(PAIR, "1m")
