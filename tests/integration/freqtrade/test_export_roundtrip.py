"""Exports from a real ArcticDB (LMDB) store, read back by Freqtrade's own data handler; built
configs and parameter files accepted by Freqtrade's own configuration and strategy loading."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from freqtrade.commands.optimize_commands import setup_optimize_configuration
from freqtrade.configuration import validate_config_consistency
from freqtrade.data.history.datahandlers.featherdatahandler import FeatherDataHandler
from freqtrade.enums import CandleType, RunMode
from freqtrade.resolvers import StrategyResolver

from tradai.common.config.catalog import StrategyConfig
from tradai.common.data.sources import SyntheticSource
from tradai.common.entities.backtest import BacktestConfig
from tradai.common.freqtrade.config_builder import (
    build_freqtrade_config,
    write_config,
    write_strategy_params,
)
from tradai.common.freqtrade.data_export import CandleExporter, check_coverage
from tradai.common.freqtrade.errors import MissingCandlesError
from tradai.common.freqtrade.offline_exchange import OfflineExchange
from tradai.common.freqtrade.strategies import SAMPLE_STRATEGY, sample_strategy_dir
from tradai.common.repositories.market_data import ArcticDBDataRepository
from tradai.common.settings_mixins import ArcticSettingsMixin

pytestmark = pytest.mark.integration

T0 = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
END = dt.datetime(2024, 2, 11, tzinfo=dt.UTC)
SOURCE = SyntheticSource(seed=5, volatility=0.01)
SPOT_PAIRS = ["BTC/USDT", "ETH/USDT"]
PERP = "BTC/USDT:USDT"
GAPPY = "SOL/USDT"
WARMUP = 10


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> ArcticDBDataRepository:
    store = ArcticDBDataRepository(
        ArcticSettingsMixin(),
        lmdb_path=tmp_path_factory.mktemp("arctic"),
    )
    before, after = T0 - dt.timedelta(days=3), END + dt.timedelta(days=1)
    for pair in SPOT_PAIRS:
        store.write(pair, "1h", SOURCE.fetch_ohlcv(pair, "1h", before, after))
    store.write(PERP, "15m", SOURCE.fetch_ohlcv(PERP, "15m", before, after))
    gappy = SOURCE.fetch_ohlcv(GAPPY, "1h", before, after)
    hole = pd.date_range("2024-02-05 10:00", periods=6, freq="1h", tz="UTC")
    store.write(GAPPY, "1h", gappy.drop(hole))
    return store


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Freqtrade's configuration adds a handler to the root logger and sets its level."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _load(datadir: Path, pair: str, timeframe: str, candle_type: CandleType) -> pd.DataFrame:
    return FeatherDataHandler(datadir).ohlcv_load(
        pair, timeframe, candle_type, timerange=None, fill_missing=False, warn_no_data=False
    )


def _expected(repo: ArcticDBDataRepository, pair: str, timeframe: str, start: Any) -> Any:
    frame = repo.get_ohlcv(pair, timeframe, start, END).reset_index()
    frame["date"] = frame["date"].dt.as_unit("ms")  # Freqtrade works in milliseconds
    return frame


def test_freqtrade_reads_exactly_the_stored_spot_candles(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    datadir = tmp_path / "binance"
    exported = CandleExporter(repo).export(
        SPOT_PAIRS, "1h", T0, END, datadir, trading_mode="spot", warmup_candles=WARMUP
    )
    assert [e.rows for e in exported] == [240 + WARMUP] * 2
    for pair in SPOT_PAIRS:
        loaded = _load(datadir, pair, "1h", CandleType.SPOT)
        expected = _expected(repo, pair, "1h", T0 - dt.timedelta(hours=WARMUP))
        pd.testing.assert_frame_equal(loaded, expected, check_freq=False)


def test_freqtrade_reads_the_futures_mark_and_funding_files(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    datadir = tmp_path / "binance"
    CandleExporter(repo).export(
        [PERP], "15m", T0, END, datadir, trading_mode="futures", funding_rate=0.0001
    )
    futures = _load(datadir, PERP, "15m", CandleType.FUTURES)
    pd.testing.assert_frame_equal(futures, _expected(repo, PERP, "15m", T0), check_freq=False)

    mark = _load(datadir, PERP, "1h", CandleType.MARK)
    hourly = (
        futures.set_index("date")
        .resample("1h")
        .agg({"open": "first", "high": "max", "low": "min", "close": "last"})
    )
    assert len(mark) == 240
    pd.testing.assert_frame_equal(
        mark.set_index("date")[["open", "high", "low", "close"]], hourly, check_freq=False
    )
    assert (mark["volume"] == 0.0).all()

    funding = _load(datadir, PERP, "1h", CandleType.FUNDING_RATE)
    pd.testing.assert_series_equal(funding["date"], mark["date"])
    assert (funding["funding_rate"] == 0.0001).all()
    assert (funding["open"] == 0.0001).all()  # Freqtrade's alias for strategies


def test_a_gap_names_the_pair_and_range_and_nothing_is_written(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    with pytest.raises(MissingCandlesError) as checked:
        check_coverage(repo, [*SPOT_PAIRS, GAPPY], "1h", T0, END)
    assert checked.value.missing == {GAPPY: ["2024-02-05T10:00Z..2024-02-05T16:00Z (6 candles)"]}
    assert "SOL/USDT" in checked.value.message

    datadir = tmp_path / "binance"
    with pytest.raises(MissingCandlesError):
        CandleExporter(repo).export(
            [*SPOT_PAIRS, GAPPY], "1h", T0, END, datadir, trading_mode="spot"
        )
    assert not datadir.exists()


def _strategy_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "strategies"
    directory.mkdir()
    shutil.copy(sample_strategy_dir() / f"{SAMPLE_STRATEGY}.py", directory)
    return directory


def _freqtrade_config(tmp_path: Path, config: BacktestConfig, **kw: Any) -> dict[str, Any]:
    """Build, write, and load our config through Freqtrade's backtest configuration setup."""
    user_data = tmp_path / "user_data"
    user_data.mkdir()
    strategies = _strategy_dir(tmp_path)
    mode = "futures" if config.exchange == "binance_futures" else "spot"
    with OfflineExchange(config.symbols) as exchange:
        built = build_freqtrade_config(
            config, user_data_dir=user_data, ccxt_config=exchange.ccxt_config(mode), **kw
        )
    path = write_config(tmp_path / "config.json", built)
    args = {
        "config": [str(path)],
        "strategy": SAMPLE_STRATEGY,
        "strategy_path": str(strategies),
        "datadir": str(tmp_path / "data"),
        "timerange": config.timerange,
    }
    return setup_optimize_configuration(args, RunMode.BACKTEST)


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize(
    ("exchange", "symbols"),
    [("binance", ["BTC/USDT", "ETH/USDT"]), ("binance_futures", ["BTC/USDT:USDT"])],
)
def test_freqtrade_accepts_the_built_config(
    tmp_path: Path, exchange: str, symbols: list[str]
) -> None:
    config = BacktestConfig(
        strategy=SAMPLE_STRATEGY,
        timeframe="1h",
        start_date="2024-02-01",
        end_date="2024-02-11",
        symbols=symbols,
        exchange=exchange,
        stoploss=-0.08,
    )
    strategy_config = StrategyConfig(
        name=SAMPLE_STRATEGY,
        version="1.0.0",
        timeframe="1h",
        parameters={"minimal_roi": {"0": 0.2}, "trailing_stop": False},
    )
    loaded = _freqtrade_config(tmp_path, config, strategy_config=strategy_config)
    assert loaded["trading_mode"] == ("futures" if exchange == "binance_futures" else "spot")
    assert loaded["exchange"]["pair_whitelist"] == symbols
    strategy = StrategyResolver.load_strategy(loaded)
    validate_config_consistency(loaded)  # the final check Freqtrade runs with the strategy
    assert strategy.stoploss == -0.08
    assert strategy.minimal_roi == {0: 0.2}


@pytest.mark.usefixtures("restore_logging")
def test_freqtrade_accepts_a_freqai_section_and_loads_our_parameter_file(tmp_path: Path) -> None:
    config = BacktestConfig(
        strategy=SAMPLE_STRATEGY,
        timeframe="1h",
        start_date="2024-02-01",
        end_date="2024-02-11",
        symbols=["BTC/USDT"],
        exchange="binance",
    )
    freqai = {
        "identifier": "roundtrip",
        "train_period_days": 5,
        "backtest_period_days": 1,
        "feature_parameters": {"include_timeframes": ["1h"], "include_corr_pairlist": []},
        "data_split_parameters": {"test_size": 0.25},
    }
    strategy_config = StrategyConfig(
        name=SAMPLE_STRATEGY,
        version="1.0.0",
        timeframe="1h",
        buy_params={"fast_period": 7, "slow_period": 40},
        freqai=freqai,
    )
    loaded = _freqtrade_config(tmp_path, config, strategy_config=strategy_config)
    assert loaded["freqai"]["enabled"] is True
    written = write_strategy_params(tmp_path / "strategies", SAMPLE_STRATEGY, strategy_config)
    assert written is not None
    strategy = StrategyResolver.load_strategy(loaded)
    strategy.ft_load_hyper_params()
    assert (strategy.fast_period.value, strategy.slow_period.value) == (7, 40)
