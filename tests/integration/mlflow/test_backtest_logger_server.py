"""BacktestMLflowLogger on a real server: chunked batches, truncation, artifacts, tags."""

from __future__ import annotations

import pytest

from tradai.common.entities.backtest import BacktestConfig, BacktestResult
from tradai.common.exceptions import ValidationError
from tradai.common.mlflow import tags as t
from tradai.common.mlflow.adapter import SDKTrackingBackend
from tradai.common.mlflow.artifacts import ArtifactManager
from tradai.common.mlflow.backtest_logger import TRUNCATION_MARKER, BacktestMLflowLogger
from tradai.common.mlflow.experiments import ExperimentManager
from tradai.common.utils.git import GitInfo

pytestmark = pytest.mark.integration

CONFIG = BacktestConfig(
    strategy="PascalStrategy",
    timeframe="1h",
    start_date="2024-01-01",
    end_date="2024-06-30",
    symbols=["BTC/USDT:USDT", "ETH/USDT:USDT"],
    exchange="binance_futures",
    strategy_version="Production",
)
RESULT = BacktestResult(
    total_trades=10,
    winning_trades=6,
    losing_trades=4,
    total_profit=123.5,
    sharpe_ratio=1.4,
    max_drawdown_pct=-12.5,
    trades=[{"pair": "BTC/USDT:USDT", "profit": 1.5}],
    raw_stats={"strategy": {"PascalStrategy": {"total_trades": 10}}},
    job_id="job-1",
    git_commit="a" * 40,
)


def test_a_backtest_is_logged_as_a_finished_run_with_params_metrics_tags_and_artifacts(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    logger = BacktestMLflowLogger(sdk, experiment_name=f"bt-it/{unique}")
    git = GitInfo(commit="a" * 40, branch="main", dirty=False, remote=None)
    logged = logger.log_backtest(CONFIG, RESULT, backtest_id="bt-1", git=git)
    run = sdk.get_run(logged.run_id)
    assert run.status == "FINISHED"
    assert run.run_name == "PascalStrategy-20240101-20240630"
    assert run.params["symbols"] == "BTC/USDT:USDT,ETH/USDT:USDT"
    assert run.params["strategy_version"] == "Production"
    assert run.metrics["sharpe_ratio"] == 1.4
    assert run.metrics["max_drawdown_pct"] == 12.5
    assert run.tags[t.TAG_STRATEGY_NAME] == "PascalStrategy"
    assert run.tags[t.TAG_TRADING_MODE] == "futures"
    assert run.tags[t.TAG_JOB_ID] == "job-1"
    assert run.tags[t.TAG_GIT_BRANCH] == "main"
    assert run.tags[t.TAG_GIT_DIRTY] == "false"
    assert run.tags[t.TAG_SHARPE_RATIO] == "1.4"
    assert len(run.tags[t.TAG_CONFIG_HASH]) == 64
    assert logged.batches == 1
    artifacts = ArtifactManager(sdk)
    assert artifacts.load_json(run.run_id, "backtest/config.json")["strategy"] == "PascalStrategy"
    assert artifacts.load_json(run.run_id, "backtest/trades.json") == RESULT.trades
    assert artifacts.load_json(run.run_id, "backtest/raw_stats.json") == RESULT.raw_stats
    assert "trades" not in artifacts.load_json(run.run_id, "backtest/result.json")
    assert logged.config_artifact_uri == f"runs:/{run.run_id}/backtest/config.json"


def test_2500_metrics_250_params_and_250_tags_are_chunked_and_read_back(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    result = RESULT.model_copy(update={"metrics": {f"custom_{i}": i * 0.5 for i in range(2500)}})
    params = {f"param_{i}": f"value-{i}" for i in range(250)}
    tags = {f"tag_{i}": f"v{i}" for i in range(250)}
    logger = BacktestMLflowLogger(sdk, experiment_name=f"bt-chunks/{unique}")
    logged = logger.log_backtest(CONFIG, result, params=params, tags=tags)
    run = sdk.get_run(logged.run_id)
    assert all(run.metrics[f"custom_{i}"] == i * 0.5 for i in range(2500))
    assert all(run.params[f"param_{i}"] == f"value-{i}" for i in range(250))
    assert all(run.tags[f"tag_{i}"] == f"v{i}" for i in range(250))
    assert len(run.metrics) == 2500 + 8
    sent_tags = len([k for k in run.tags if not k.startswith("mlflow.")])
    entities = len(run.metrics) + len(run.params) + sent_tags
    fewest = max(-(-len(run.params) // 100), -(-sent_tags // 100), -(-entities // 1000))
    assert logged.batches == fewest == 4


def test_over_long_values_are_truncated_with_a_marker_and_kept_in_an_artifact(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    long_param, long_tag = "p" * 7000, "t" * 9000
    logger = BacktestMLflowLogger(sdk, experiment_name=f"bt-trunc/{unique}")
    logged = logger.log_backtest(
        CONFIG, RESULT, params={"grid": long_param}, tags={"tradai.user": long_tag}
    )
    run = sdk.get_run(logged.run_id)
    assert len(run.params["grid"]) == 6000
    assert run.params["grid"].endswith(TRUNCATION_MARKER)
    assert len(run.tags["tradai.user"]) == 8000
    assert run.tags["tradai.user"].endswith(TRUNCATION_MARKER)
    assert run.tags[t.TAG_PARAMS_TRUNCATED] == "grid"
    assert logged.truncated_params == ("grid",)
    full = ArtifactManager(sdk).load_json(run.run_id, "backtest/truncated_params.json")
    assert full == {"grid": long_param}


def test_invalid_input_writes_nothing(sdk: SDKTrackingBackend, unique: str) -> None:
    name = f"bt-invalid/{unique}"
    logger = BacktestMLflowLogger(sdk, experiment_name=name)
    bad = RESULT.model_copy(update={"metrics": {"ok": 1.0, "bad;key": 2.0}})
    with pytest.raises(ValidationError):
        logger.log_backtest(CONFIG, bad)
    with pytest.raises(ValidationError):
        logger.log_backtest(CONFIG, RESULT, params={"bad key ": "x"})
    assert ExperimentManager(sdk).get(name) is None
