"""MLflowRestClient on a real ``mlflow server``: retry safety, history, adapter, artifacts."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.services import Service
from tradai.common.clients import _mlflow_tracking as tracking_module
from tradai.common.clients.mlflow_client import MLflowRestClient, MLflowRestConfig, rest_backend
from tradai.common.entities.backtest import BacktestConfig, BacktestResult
from tradai.common.exceptions import ConfigurationError, NotFoundError
from tradai.common.mlflow.adapter import Metric, MLflowAdapter
from tradai.common.protocols import ManualClock
from tradai.common.resilience.circuit_breaker import CircuitState
from tradai.common.settings_mixins import MLflowSettingsMixin

pytestmark = pytest.mark.integration

NOW = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:12]


@pytest.fixture
def client(mlflow_server: Service) -> Iterator[MLflowRestClient]:
    with MLflowRestClient.from_uri(mlflow_server.url) as rest:
        yield rest


def _run_id(client: MLflowRestClient, unique: str) -> str:
    experiment_id = client.create_experiment(f"rest/{unique}")
    return client.create_run(experiment_id).run_id


def _points(client: MLflowRestClient, run_id: str, key: str) -> list[tuple[int, int, float]]:
    return [(m.step, m.timestamp_ms or 0, m.value) for m in client.get_metric_history(run_id, key)]


def test_an_identical_log_batch_sent_again_is_stored_once(
    client: MLflowRestClient, unique: str
) -> None:
    """What makes retrying log_batch safe: the server drops identical metric points."""
    run_id = _run_id(client, unique)
    batch = {
        "metrics": [Metric("equity", 100.0 + i, step=i, timestamp_ms=1_000 + i) for i in range(5)],
        "params": {"timeframe": "1h"},
        "tags": {"phase": "a"},
    }
    client.log_batch(run_id, **batch)  # type: ignore[arg-type]
    client.log_batch(run_id, **batch)  # type: ignore[arg-type]  # a retry after a lost answer
    assert _points(client, run_id, "equity") == [(i, 1_000 + i, 100.0 + i) for i in range(5)]
    run = client.get_run(run_id)
    assert run.params == {"timeframe": "1h"}
    assert run.metrics == {"equity": 104.0}


def test_points_without_timestamps_are_stamped_once_so_a_resend_is_identical(
    mlflow_server: Service, unique: str
) -> None:
    settings = MLflowSettingsMixin(mlflow_tracking_uri=mlflow_server.url)
    with MLflowRestClient(settings, clock=ManualClock(NOW)) as client:
        run_id = _run_id(client, unique)
        for _ in range(2):
            client.log_batch(run_id, metrics=[Metric("pnl", 1.5)])
        stamp = int(NOW.timestamp() * 1000)
        assert _points(client, run_id, "pnl") == [(0, stamp, 1.5)]


def test_a_point_logged_again_at_another_time_is_a_new_point(
    client: MLflowRestClient, unique: str
) -> None:
    """The limit of the de-duplication: a re-send must carry the same timestamp."""
    run_id = _run_id(client, unique)
    client.log_batch(run_id, metrics=[Metric("m", 1.0, timestamp_ms=1)])
    client.log_batch(run_id, metrics=[Metric("m", 1.0, timestamp_ms=2)])
    assert _points(client, run_id, "m") == [(0, 1, 1.0), (0, 2, 1.0)]


def test_metric_history_walks_every_page(
    client: MLflowRestClient, unique: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracking_module, "HISTORY_PAGE", 2)
    run_id = _run_id(client, unique)
    client.log_batch(
        run_id, metrics=[Metric("m", float(i), step=i, timestamp_ms=9) for i in range(5)]
    )
    assert [p[0] for p in _points(client, run_id, "m")] == [0, 1, 2, 3, 4]
    assert client.get_metric_history(run_id, "never-logged") == []
    assert client.get_metric_history("0" * 32, "m") == []  # the server does not check the run


def test_missing_resources_never_open_the_breaker(mlflow_server: Service) -> None:
    config = MLflowRestConfig(failure_threshold=2)
    with MLflowRestClient.from_uri(mlflow_server.url, config=config) as client:
        for _ in range(5):
            with pytest.raises(NotFoundError):
                client.get_run("0" * 32)
        assert client.breaker.state is CircuitState.CLOSED


def test_a_wrong_path_prefix_is_not_found_rather_than_no_experiment(
    mlflow_server: Service,
) -> None:
    with MLflowRestClient.from_uri(f"{mlflow_server.url}/not-mlflow") as client:
        with pytest.raises(NotFoundError):
            client.get_experiment_by_name("Default")


def test_the_adapter_logs_registers_and_resolves_over_rest(
    mlflow_server: Service, unique: str
) -> None:
    settings = MLflowSettingsMixin(mlflow_tracking_uri=mlflow_server.url)
    backend = rest_backend(settings)
    adapter = MLflowAdapter(backend)
    config = BacktestConfig(
        strategy=f"Rest{unique}",
        timeframe="1h",
        start_date="2024-01-01",
        end_date="2024-01-31",
        symbols=["BTC/USDT"],
        exchange="binance",
    )
    logged = adapter.log_backtest(config, BacktestResult(total_trades=4, sharpe_ratio=1.2))
    version = adapter.registry.register_version(config.strategy, run_id=logged.run_id)
    adapter.registry.promote(config.strategy, version.version, alias="production")
    assert adapter.resolve_version(config.strategy, "Production").run_id == logged.run_id
    run = adapter.experiments.get_run(logged.run_id)
    assert run.status == "FINISHED"
    assert adapter.artifacts.load_json(logged.run_id, "backtest/config.json")["timeframe"] == "1h"
    backend.close()


def test_downloads_leave_no_partial_files(
    client: MLflowRestClient, unique: str, tmp_path: Path
) -> None:
    run_id = _run_id(client, unique)
    for name, data in (("a.json", b"1"), ("b.json", b"22")):
        source = tmp_path / name
        source.write_bytes(data)
        client.log_artifact(run_id, source, artifact_path="out/deep")
    dst = tmp_path / "dst"
    dst.mkdir()
    local = client.download_artifact(run_id, "out", dst)
    files = sorted(p.relative_to(dst).as_posix() for p in dst.rglob("*") if p.is_file())
    assert files == ["out/deep/a.json", "out/deep/b.json"]
    assert (local / "deep" / "b.json").read_bytes() == b"22"


def test_runs_whose_artifacts_are_not_proxied_are_a_configuration_error(
    client: MLflowRestClient, mlflow_server: Service, unique: str, tmp_path: Path
) -> None:
    body = json.dumps({"name": f"s3/{unique}", "artifact_location": "s3://bucket/prefix"})
    request = urllib.request.Request(
        f"{mlflow_server.url}/api/2.0/mlflow/experiments/create",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        experiment_id = json.load(response)["experiment_id"]
    run_id = client.create_run(experiment_id).run_id
    source = tmp_path / "x.txt"
    source.write_text("x")
    with pytest.raises(ConfigurationError):
        client.log_artifact(run_id, source)
