"""MLflowAdapter from settings on a real server: one facade over the SDK backend."""

from __future__ import annotations

import pytest

from support.services import Service
from tradai.common.entities.backtest import BacktestConfig, BacktestResult
from tradai.common.mlflow.adapter import MLflowAdapter, SDKTrackingBackend, TrackingBackend
from tradai.common.settings_mixins import MLflowSettingsMixin

pytestmark = pytest.mark.integration


def test_an_adapter_from_settings_logs_registers_and_resolves(
    mlflow_server: Service, unique: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = MLflowSettingsMixin(mlflow_tracking_uri=mlflow_server.url)
    adapter = MLflowAdapter.from_settings(settings)
    assert isinstance(adapter.backend, SDKTrackingBackend)
    assert isinstance(adapter.backend, TrackingBackend)
    config = BacktestConfig(
        strategy=f"Adapter{unique}",
        timeframe="4h",
        start_date="2024-01-01",
        end_date="2024-03-31",
        symbols=["BTC/USDT"],
        exchange="binance",
    )
    logged = adapter.log_backtest(config, BacktestResult(total_trades=3, sharpe_ratio=0.9))
    version = adapter.registry.register_version(config.strategy, run_id=logged.run_id)
    adapter.registry.promote(config.strategy, version.version, alias="production")
    resolved = adapter.resolve_version(config.strategy, "Production")
    assert resolved.version == "1"
    assert resolved.run_id == logged.run_id
    run = adapter.experiments.get_run(logged.run_id)
    assert run.tags["tradai.trading_mode"] == "spot"
    assert adapter.artifacts.load_json(logged.run_id, "backtest/config.json")["timeframe"] == "4h"
    assert adapter.backtest_logger(experiment_name=f"x/{unique}") is not None
    assert "View run" not in capsys.readouterr().out
