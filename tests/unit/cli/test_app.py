"""The ``tradai`` application: help, version, option parsing and refusals.

Everything here stops before Freqtrade would start; real runs are in
``tests/integration/cli``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tradai.common.entities.backtest import BacktestJobStatus

Tradai = Callable[..., Result]
RANGE = ("--start", "2024-02-01", "--end", "2024-03-01")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["backtest", "hyperopt", "data"]),
        (["--help"], ["backtest", "hyperopt", "data"]),
        (["data", "--help"], ["seed", "import", "list"]),
        (["data", "seed", "--help"], ["--pairs", "--seed", "--volatility", "--home"]),
        (["data", "import", "--help"], ["--pair", "PATH"]),
        (["backtest", "--help"], ["--strategy-path", "--freqai-model", "--jobs-table", "--json"]),
        (["hyperopt", "--help"], ["--epochs", "--spaces", "--loss", "--seed"]),
    ],
)
def test_help_lists_the_commands_and_options(
    tradai: Tradai, args: list[str], expected: list[str]
) -> None:
    result = tradai(*args)
    assert result.exit_code in (0, 2)  # no arguments: help, as a usage error
    for word in expected:
        assert word in result.output


def test_version(tradai: Tradai) -> None:
    from tradai.common import __version__

    result = tradai("--version")
    assert result.exit_code == 0
    assert result.stdout == f"tradai {__version__}\n"


def test_verbose_turns_logging_on(tradai: Tradai, home: Path) -> None:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    root.handlers.clear()
    try:
        result = tradai("--verbose", "data", "list", "--home", str(home))
        assert result.exit_code == 0
        assert root.level == logging.INFO
        assert root.handlers
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--pairs", "BTCUSDT", *RANGE], "invalid --pairs 'BTCUSDT'"),
        (["--pairs", "BTC/USDT", "--start", "2024-02-30", "--end", "2024-03-01"],
         "invalid --start '2024-02-30'"),
        (["--pairs", "BTC/USDT", "--start", "2024-03-01", "--end", "2024-02-01"],
         "invalid --start/--end"),
        (["--pairs", "BTC/USDT", *RANGE, "--stoploss", "0.2"], "invalid --stoploss"),
        (["--pairs", "BTC/USDT", *RANGE, "--stake-amount", "0"], "invalid --stake-amount"),
        (["--pairs", "BTC/USDT", *RANGE, "--exchange", "Binance!"], "invalid --exchange"),
        (["--pairs", "BTC/USDT", *RANGE, "--strategy", "1bad"], "invalid --strategy"),
        (["--pairs", "BTC/USDT", *RANGE, "--timeframe", "1hour"], "invalid --timeframe"),
    ],
)  # fmt: skip
def test_bad_backtest_options_exit_2_before_any_job_exists(
    tradai: Tradai, home: Path, args: list[str], message: str
) -> None:
    result = tradai("backtest", *args, "--home", str(home), "--json")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""
    assert not home.exists()  # no job, no store, no run directory


def test_a_missing_strategy_path_is_a_usage_error(tradai: Tradai, home: Path) -> None:
    result = tradai("backtest", "-p", "BTC/USDT", *RANGE, "--strategy-path",
                    str(home / "nope.py"), "--home", str(home))  # fmt: skip
    assert result.exit_code == 2
    assert not home.exists()


def _only_job(home: Path) -> BacktestJobStatus:
    (job_file,) = (home / "runs").glob("*/job.json")
    return BacktestJobStatus.model_validate_json(job_file.read_text())


def test_missing_candles_fail_the_job_before_freqtrade_starts(tradai: Tradai, home: Path) -> None:
    result = tradai("backtest", "--pairs", "BTC/USDT", "eth/usdt", *RANGE,
                    "--home", str(home), "--json")  # fmt: skip
    assert result.exit_code == 1
    assert "BTC/USDT" in result.stderr
    assert "ETH/USDT" in result.stderr
    assert "tradai data seed" in result.stderr
    document = json.loads(result.stdout)
    assert document["status"] == "failed"
    assert document["run_id"] is None
    job = _only_job(home)
    assert job.status.value == "failed"
    assert "ETH/USDT" in (job.error or "")
    assert job.job_id == document["job_id"]
    assert job.config.symbols == ["BTC/USDT", "ETH/USDT"]  # --pairs took both words
    assert job.config.exchange == "binance"
    run_dir = home / "runs" / job.job_id
    assert not list(run_dir.glob("results/*/*.zip"))
    assert not (home / "mlflow.db").exists()  # nothing was logged


def test_futures_pairs_default_to_the_futures_exchange(tradai: Tradai, home: Path) -> None:
    result = tradai("backtest", "--pairs", "BTC/USDT:USDT,ETH/USDT:USDT", *RANGE,
                    "--home", str(home))  # fmt: skip
    assert result.exit_code == 1
    job = _only_job(home)
    assert job.config.exchange == "binance_futures"
    assert job.config.symbols == ["BTC/USDT:USDT", "ETH/USDT:USDT"]


def test_an_unusable_jobs_table_fails_before_a_job_exists(tradai: Tradai, home: Path) -> None:
    result = tradai("backtest", "-p", "BTC/USDT", *RANGE, "--jobs-table", "bad name!",
                    "--home", str(home))  # fmt: skip
    assert result.exit_code == 1
    assert "cannot start the backtest" in result.stderr
    assert not (home / "runs").exists()


def test_an_unusable_store_fails_before_a_job_exists(tradai: Tradai, home: Path) -> None:
    home.mkdir()
    (home / "arcticdb").write_text("in the way")
    result = tradai("backtest", "-p", "BTC/USDT", *RANGE, "--home", str(home))
    assert result.exit_code == 1
    assert "cannot start the backtest" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--loss", "NoSuchLoss"], "invalid --loss"),
        (["--spaces", "buy", "nope"], "invalid --spaces"),
        (["--epochs", "0"], "invalid --epochs"),
        (["--seed", "-3"], "invalid --seed"),
    ],
)
def test_bad_hyperopt_options_exit_2(
    tradai: Tradai, home: Path, args: list[str], message: str
) -> None:
    result = tradai("hyperopt", "-p", "BTC/USDT", *RANGE, *args, "--home", str(home))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not home.exists()


def test_hyperopt_without_candles_fails_and_records_it(tradai: Tradai, home: Path) -> None:
    result = tradai("hyperopt", "-p", "BTC/USDT", *RANGE, "--spaces", "buy", "sell",
                    "--home", str(home))  # fmt: skip
    assert result.exit_code == 1
    assert "hyperopt" in result.stderr
    assert "BTC/USDT" in result.stderr
    (summary,) = (home / "runs").glob("ho-*/hyperopt.json")
    document = json.loads(summary.read_text())
    assert document["status"] == "failed"
    assert "BTC/USDT" in document["error"]
