"""FreqtradeRunner and FreqtradeCLIBuilder drive the real ``freqtrade`` program (no internet).

The failing backtests stop before Freqtrade needs market data: the empty configuration fails
while the configuration is processed (before any exchange is created); the unknown strategy
fails with a full configuration whose exchange is the loopback :class:`OfflineExchange`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradai.common.freqtrade.cli import FreqtradeCLIBuilder
from tradai.common.freqtrade.errors import FreqtradeError
from tradai.common.freqtrade.offline_exchange import OfflineExchange
from tradai.common.freqtrade.runner import FreqtradeRunner

pytestmark = pytest.mark.integration


def test_freqtrade_version_runs_through_the_runner(tmp_path: Path) -> None:
    lines: list[tuple[str, str]] = []
    outcome = FreqtradeRunner(timeout=120).run(
        ["--version"], cwd=tmp_path, on_line=lambda stream, line: lines.append((stream, line))
    )
    assert outcome.exit_code == 0
    assert "Freqtrade Version:" in outcome.stdout_tail
    assert ("stdout", next(line for _, line in lines if "Freqtrade Version" in line)) in lines


def test_a_backtest_with_an_empty_config_fails_with_exit_code_and_reason(tmp_path: Path) -> None:
    (tmp_path / "cfg.json").write_text("{}")
    argv = (
        FreqtradeCLIBuilder(tmp_path)
        .backtesting()
        .config("cfg.json")
        .user_data_dir("user_data")
        .strategy("SampleSmaCrossover")
        .timerange("20240201-20240301")
        .backtest_directory("results")
        .no_color()
        .build()
    )
    with pytest.raises(FreqtradeError) as info:
        FreqtradeRunner(timeout=120).run(
            argv, cwd=tmp_path, result_dir=tmp_path / "results", result_glob="*.zip"
        )
    err = info.value
    assert (err.reason, err.command) == ("exit", "backtesting")
    assert err.exit_code is not None
    assert err.exit_code != 0
    assert "KeyError: 'exchange'" in err.stderr_tail
    assert "exit code" in err.describe()


def test_a_backtest_of_an_unknown_strategy_names_it_in_the_stderr_tail(tmp_path: Path) -> None:
    with OfflineExchange(["BTC/USDT"]) as exchange:
        ccxt = exchange.ccxt_config("spot")
        pricing = {"price_side": "same", "use_order_book": True, "order_book_top": 1}
        config = {
            "trading_mode": "spot",
            "margin_mode": "",
            "stake_currency": "USDT",
            "stake_amount": 1000,
            "dry_run_wallet": 10000,
            "dry_run": True,
            "max_open_trades": 1,
            "timeframe": "1h",
            "exchange": {
                "name": "binance",
                "key": "",
                "secret": "",
                "pair_whitelist": ["BTC/USDT"],
                "ccxt_config": ccxt,
                "ccxt_async_config": ccxt,
            },
            "pairlists": [{"method": "StaticPairList"}],
            "entry_pricing": pricing,
            "exit_pricing": pricing,
            "dataformat_ohlcv": "feather",
        }
        (tmp_path / "cfg.json").write_text(json.dumps(config))
        (tmp_path / "strategies").mkdir()
        (tmp_path / "user_data").mkdir()
        argv = (
            FreqtradeCLIBuilder(tmp_path)
            .backtesting()
            .config("cfg.json")
            .user_data_dir("user_data")
            .datadir("data/binance")
            .strategy("NoSuchStrategy")
            .strategy_path("strategies")
            .timerange("20240201-20240301")
            .cache("none")
            .build()
        )
        with pytest.raises(FreqtradeError) as info:
            FreqtradeRunner(timeout=120).run(argv, cwd=tmp_path)
    err = info.value
    assert err.reason == "exit"
    assert err.exit_code is not None
    assert err.exit_code != 0
    assert "Impossible to load Strategy 'NoSuchStrategy'" in err.stderr_tail
