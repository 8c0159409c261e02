"""BacktestMLflowLogger on the twin: naming, log_data, failure handling, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradai.common.entities.backtest import BacktestConfig, BacktestResult
from tradai.common.exceptions import ExternalServiceError, ValidationError
from tradai.common.mlflow.adapter import Metric, MLflowAdapter
from tradai.common.mlflow.backtest_logger import (
    BacktestMLflowLogger,
    config_params,
    result_metrics,
    standard_tags,
)
from tradai.common.mlflow.memory import InMemoryTrackingBackend
from tradai.common.mlflow.tags import TAG_TRADING_MODE

CONFIG = BacktestConfig(
    strategy="PascalStrategy",
    timeframe="1h",
    start_date="2024-01-01",
    end_date="2024-01-31",
    symbols=["BTC/USDT"],
    exchange="binance",
    stoploss=-0.1,
)


def test_runs_go_to_backtests_slash_strategy_by_default() -> None:
    adapter = MLflowAdapter.in_memory()
    logged = adapter.log_backtest(CONFIG, BacktestResult(), run_name="first")
    experiment = adapter.experiments.require("backtests/PascalStrategy")
    assert logged.experiment_id == experiment.experiment_id
    run = adapter.experiments.get_run(logged.run_id)
    assert run.run_name == "first"
    assert run.tags[TAG_TRADING_MODE] == "spot"


def test_config_params_result_metrics_and_tags_are_derived_from_the_entities() -> None:
    params = config_params(CONFIG)
    assert params["stoploss"] == "-0.1"
    assert "config_version_id" not in params
    result = BacktestResult(total_trades=4, metrics={"total_trades": 99.0, "exposure": 0.3})
    metrics = result_metrics(result)
    assert metrics["total_trades"] == 4.0
    assert metrics["exposure"] == 0.3
    assert "sharpe_ratio" not in metrics
    tags = standard_tags(CONFIG, result, job_id="j-1")
    assert tags["tradai.job.id"] == "j-1"
    assert "tradai.git.branch" not in tags


def test_log_data_accepts_mappings_and_metric_points() -> None:
    backend = InMemoryTrackingBackend()
    logger = BacktestMLflowLogger(backend)
    run_id = backend.create_run("0").run_id
    assert logger.log_data(run_id, metrics={"a": 1.0}, params={"p": "1"}, tags={"t": "x"}) == 1
    assert logger.log_data(run_id, metrics=[Metric("b", 2.0, step=3)]) == 1
    assert logger.log_data(run_id) == 0
    run = backend.get_run(run_id)
    assert run.metrics == {"a": 1.0, "b": 2.0}


def test_log_data_refuses_over_long_values_and_foreign_items_before_sending() -> None:
    backend = InMemoryTrackingBackend()
    logger = BacktestMLflowLogger(backend)
    run_id = backend.create_run("0").run_id
    with pytest.raises(ValidationError):
        logger.log_data(run_id, params={"p": "x" * 6001})
    with pytest.raises(ValidationError):
        logger.log_data(run_id, metrics=[("a", 1.0)])  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        logger.log_data(run_id, params={"p": object()})  # type: ignore[dict-item]
    assert backend.get_run(run_id).params == {}


class _FailingArtifacts(InMemoryTrackingBackend):
    """A twin whose artifact store is down (a fault no real twin produces on its own)."""

    def log_artifact(
        self, run_id: str, local_path: str | Path, *, artifact_path: str | None = None
    ) -> None:
        raise ExternalServiceError("artifact store unavailable", service="mlflow")


def test_a_failure_after_the_run_started_ends_it_failed_and_re_raises() -> None:
    backend = _FailingArtifacts()
    logger = BacktestMLflowLogger(backend, experiment_name="failing")
    with pytest.raises(ExternalServiceError):
        logger.log_backtest(CONFIG, BacktestResult(total_trades=1))
    page = backend.search_runs([backend.get_experiment_by_name("failing").experiment_id])  # type: ignore[union-attr]
    assert [r.status for r in page.items] == ["FAILED"]
    assert page.items[0].metrics["total_trades"] == 1.0


@pytest.mark.parametrize("name", ["", " x", "x\n"])
def test_an_invalid_experiment_name_is_refused_at_construction(name: str) -> None:
    with pytest.raises(ValidationError):
        BacktestMLflowLogger(InMemoryTrackingBackend(), experiment_name=name)


def test_non_string_extra_values_are_converted_like_mlflow_does() -> None:
    backend = InMemoryTrackingBackend()
    logged = BacktestMLflowLogger(backend).log_backtest(
        CONFIG,
        BacktestResult(),
        params={"window": 14},
        tags={"tradai.user": 7},  # type: ignore[dict-item]
    )
    run = backend.get_run(logged.run_id)
    assert run.params["window"] == "14"
    assert run.tags["tradai.user"] == "7"
