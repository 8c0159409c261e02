"""FreqtradeBacktester against the real Freqtrade, on candles from a real ArcticDB (LMDB)."""

from __future__ import annotations

import json
import math
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest

from support.freqtrade_data import (
    FUTURES_PAIRS,
    SPOT_PAIRS,
    arctic_repo,
    seed,
    wait_no_processes,
)
from tradai.common.config.catalog import StrategyConfig
from tradai.common.entities.backtest import BacktestConfig
from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade.backtester import BacktestRun, FreqtradeBacktester
from tradai.common.freqtrade.errors import FreqtradeError, MissingCandlesError
from tradai.common.freqtrade.registry import FreqAIModelRegistry
from tradai.common.repositories.market_data import ArcticDBDataRepository

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> ArcticDBDataRepository:
    store = arctic_repo(tmp_path_factory.mktemp("arctic"))
    seed(store, [*SPOT_PAIRS, *FUTURES_PAIRS])
    return store


def spot_config(**overrides: Any) -> BacktestConfig:
    values: dict[str, Any] = {
        "strategy": "SampleSmaCrossover",
        "timeframe": "1h",
        "start_date": "2024-02-01",
        "end_date": "2024-04-15",
        "symbols": list(SPOT_PAIRS),
        "exchange": "binance",
        **overrides,
    }
    return BacktestConfig(**values)


@pytest.fixture(scope="module")
def spot_run(repo: ArcticDBDataRepository, tmp_path_factory: pytest.TempPathFactory) -> BacktestRun:
    workdir = tmp_path_factory.mktemp("spot")
    return FreqtradeBacktester(repo, workdir=workdir).run(spot_config())


def stats_in_zip(path: Path, strategy: str) -> dict[str, Any]:
    with zipfile.ZipFile(path) as archive:
        name = next(
            n for n in archive.namelist() if n.endswith(".json") and not n.endswith("_config.json")
        )
        document: dict[str, Any] = json.loads(archive.read(name))
    stats: dict[str, Any] = document["strategy"][strategy]
    return stats


def close(actual: float | None, expected: float) -> bool:
    return actual is not None and math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-12)


def test_spot_metrics_equal_freqtrade_result_file_field_by_field(spot_run: BacktestRun) -> None:
    stats = stats_in_zip(spot_run.result_file, "SampleSmaCrossover")
    result = spot_run.result
    assert stats["total_trades"] > 5
    assert result.total_trades == stats["total_trades"]
    assert result.winning_trades == stats["wins"]
    assert result.losing_trades == stats["losses"]
    assert result.draw_trades == stats["draws"]
    assert close(result.total_profit, stats["profit_total_abs"])
    assert close(result.total_profit_pct, stats["profit_total"] * 100)
    assert close(result.profit_factor, stats["profit_factor"])
    assert close(result.sharpe_ratio, stats["sharpe"])
    assert close(result.sortino_ratio, stats["sortino"])
    assert close(result.calmar_ratio, stats["calmar"])
    assert close(result.sqn, stats["sqn"])
    assert close(result.cagr, stats["cagr"])
    assert close(result.max_drawdown, stats["max_drawdown_abs"])
    assert close(result.max_drawdown_pct, stats["max_drawdown_account"] * 100)
    assert close(result.win_rate, stats["winrate"] * 100)
    assert result.trades == stats["trades"]
    assert {t["pair"] for t in result.trades} <= set(SPOT_PAIRS)
    assert "trades" not in result.raw_stats
    assert result.raw_stats["timerange"] == "20240201-20240415"


def test_spot_run_exports_freqtrade_files_and_keeps_them_in_the_workdir(
    spot_run: BacktestRun,
) -> None:
    names = sorted(p.path.name for p in spot_run.exported)
    assert names == ["BTC_USDT-1h.feather", "ETH_USDT-1h.feather"]
    assert all(p.path.is_relative_to(spot_run.workdir) for p in spot_run.exported)
    assert spot_run.result_file.is_relative_to(spot_run.workdir)
    config = json.loads(spot_run.config_file.read_text())
    assert config["exchange"]["ccxt_config"]["urls"]["api"]["public"].startswith("http://127.0.0.1")
    assert spot_run.duration_seconds > 0


def test_futures_backtest_uses_futures_data_and_metrics(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    config = spot_config(symbols=list(FUTURES_PAIRS), exchange="binance_futures")
    run = FreqtradeBacktester(repo, workdir=tmp_path).run(config)
    stats = stats_in_zip(run.result_file, "SampleSmaCrossover")
    assert stats["trading_mode"] == "futures"
    assert run.result.total_trades == stats["total_trades"] > 0
    assert close(run.result.total_profit, stats["profit_total_abs"])
    assert {t["pair"] for t in run.result.trades} == {"BTC/USDT:USDT"}
    names = sorted(str(p.path.relative_to(run.workdir / "data" / "binance")) for p in run.exported)
    assert names == [
        "futures/BTC_USDT_USDT-1h-funding_rate.feather",
        "futures/BTC_USDT_USDT-1h-futures.feather",
        "futures/BTC_USDT_USDT-1h-mark.feather",
    ]


def test_strategy_config_parameters_reach_freqtrade(
    repo: ArcticDBDataRepository, tmp_path: Path, spot_run: BacktestRun
) -> None:
    strategy_config = StrategyConfig(
        name="SampleSmaCrossover",
        version="1.0.0",
        timeframe="1h",
        buy_params={"fast_period": 25, "slow_period": 90},
    )
    run = FreqtradeBacktester(repo, workdir=tmp_path).run(
        spot_config(), strategy_config=strategy_config
    )
    assert run.result.total_trades != spot_run.result.total_trades
    params = json.loads((run.workdir / "strategies" / "SampleSmaCrossover.json").read_text())
    assert params["params"]["buy"] == {"fast_period": 25, "slow_period": 90}


def test_freqai_lightgbm_backtest(repo: ArcticDBDataRepository, tmp_path: Path) -> None:
    config = spot_config(
        strategy="SampleFreqAIStrategy",
        symbols=["BTC/USDT"],
        start_date="2024-03-01",
        end_date="2024-04-01",
    )
    run = FreqtradeBacktester(repo, workdir=tmp_path).run(config, freqai_model="LightGBMRegressor")
    stats = stats_in_zip(run.result_file, "SampleFreqAIStrategy")
    assert stats["freqaimodel"] == "LightGBMRegressor"
    assert run.result.total_trades == stats["total_trades"] > 0
    registry = FreqAIModelRegistry(run.workdir / "user_data" / "models")
    (identifier,) = registry.identifiers()
    assert identifier.startswith("tradai-")
    latest = registry.latest_per_pair(identifier)
    assert set(latest) == {"BTC/USDT"}
    assert latest["BTC/USDT"].model_files


def test_missing_candles_are_reported_before_freqtrade_starts(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    config = spot_config(start_date="2024-04-01", end_date="2024-06-01")
    with pytest.raises(MissingCandlesError) as info:
        FreqtradeBacktester(repo, workdir=tmp_path).run(config)
    assert "BTC/USDT" in str(info.value)
    assert set(info.value.missing) == set(SPOT_PAIRS)
    assert not (tmp_path / "config.json").exists()
    assert not list((tmp_path / "results").glob("*/*"))


def test_unknown_strategy_is_refused_before_anything_runs(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError) as info:
        FreqtradeBacktester(repo, workdir=tmp_path).run(spot_config(strategy="NoSuchStrategy"))
    assert info.value.field == "strategy"
    assert not (tmp_path / "config.json").exists()


def test_broken_strategy_code_raises_freqtrade_error_with_stderr_tail(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    strategy = tmp_path / "Broken.py"
    strategy.write_text("class Broken(IStrategy:\n    pass\n")
    workdir = tmp_path / "run"
    with pytest.raises(FreqtradeError) as info:
        FreqtradeBacktester(repo, workdir=workdir).run(
            spot_config(strategy="Broken"), strategy_path=strategy
        )
    assert info.value.exit_code not in (None, 0)
    assert "Broken" in info.value.stderr_tail
    assert wait_no_processes(str(workdir)) == []


def test_timeout_kills_the_whole_process_group(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    with pytest.raises(FreqtradeError) as info:
        FreqtradeBacktester(repo, workdir=tmp_path, timeout=0.5).run(spot_config())
    assert info.value.reason == "timeout"
    assert info.value.exit_code is None
    assert wait_no_processes(str(tmp_path)) == []


def test_cancellation_stops_the_run(repo: ArcticDBDataRepository, tmp_path: Path) -> None:
    cancel = threading.Event()
    lines: list[str] = []

    def on_line(stream: str, line: str) -> None:
        lines.append(line)
        cancel.set()  # cancel as soon as Freqtrade says anything

    with pytest.raises(FreqtradeError) as info:
        FreqtradeBacktester(repo, workdir=tmp_path).run(
            spot_config(), cancel=cancel, on_line=on_line
        )
    assert info.value.reason == "cancelled"
    assert lines
    assert wait_no_processes(str(tmp_path)) == []


def test_a_futures_exchange_with_spot_symbols_is_refused(
    repo: ArcticDBDataRepository, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError) as info:
        FreqtradeBacktester(repo, workdir=tmp_path).run(spot_config(exchange="binance_futures"))
    assert info.value.field == "symbols"
