"""``tradai backtest`` and ``tradai hyperopt`` run in-process with real Freqtrade runs.

The subprocess tests (``test_cli_e2e.py``) prove the installed program; these run the same
commands through Typer's runner so the command code is measured, and reach the paths a
subprocess cannot show from outside: a tracking server that is down, a job table that
disappears mid-run, Ctrl-C inside the process.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest
from mlflow import MlflowClient
from typer.testing import Result

from tradai.common.aws.state_repository import DynamoDBStateRepository
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import BacktestJobStatus
from tradai.common.exceptions import ExternalServiceError
from tradai.common.repositories import ensure_table

pytestmark = pytest.mark.integration

Tradai = Callable[..., Result]
PAIRS = ("--pairs", "BTC/USDT", "ETH/USDT")
RANGE = ("--timeframe", "1h", "--start", "2024-02-01", "--end", "2024-04-01")


def _job(home: Path, job_id: str) -> BacktestJobStatus:
    return BacktestJobStatus.model_validate_json((home / "runs" / job_id / "job.json").read_text())


def _single_new_job(home: Path, before: set[str]) -> BacktestJobStatus:
    (job_id,) = {d.name for d in (home / "runs").iterdir()} - before
    return _job(home, job_id)


def _runs(home: Path) -> set[str]:
    runs = home / "runs"
    return {d.name for d in runs.iterdir()} if runs.exists() else set()


def test_backtest_prints_the_summary_table(tradai: Tradai, seeded_home: Path) -> None:
    result = tradai("backtest", *PAIRS, *RANGE, "--home", str(seeded_home))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for label in ("Backtest result", "win rate", "profit factor", "Sharpe", "Sortino",
                  "Calmar", "SQN", "CAGR", "max drawdown"):  # fmt: skip
        assert label in out
    assert "MLflow run:" in out
    assert "(completed, in-memory)" in out
    report = Path(out.split("report: ", 1)[1].strip())
    assert report.is_file()
    assert report.parent == seeded_home / "reports"


def test_freqai_backtest_logs_the_model_name(tradai: Tradai, seeded_home: Path) -> None:
    result = tradai("backtest", "--strategy", "SampleFreqAIStrategy", "--freqai-model",
                    "LightGBMRegressor", "--pairs", "BTC/USDT", "--start", "2024-03-01",
                    "--end", "2024-04-01", "--home", str(seeded_home), "--json",
                    "--experiment", "freqai-cli")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    run = MlflowClient(tracking_uri=document["tracking_uri"]).get_run(document["run_id"])
    assert run.data.params["freqai_model"] == "LightGBMRegressor"
    assert document["experiment"] == "freqai-cli"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_tracking_server_that_is_down_fails_the_job(
    tradai: Tradai, seeded_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{_closed_port()}")
    before = _runs(seeded_home)
    result = tradai("backtest", *PAIRS, *RANGE, "--home", str(seeded_home), "--json")
    assert result.exit_code == 1
    job = _single_new_job(seeded_home, before)
    assert job.status is JobStatus.FAILED
    assert job.error
    assert json.loads(result.stdout)["status"] == "failed"
    assert not (seeded_home / "reports" / f"{job.job_id}.html").exists()


def test_attaching_files_is_best_effort(
    tradai: Tradai, seeded_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradai.common.mlflow.artifacts import ArtifactManager

    def refuse(*args: object, **kwargs: object) -> None:  # an artifact store outage
        raise ExternalServiceError("artifact store unavailable", service="mlflow")

    monkeypatch.setattr(ArtifactManager, "log_file", refuse)
    result = tradai("backtest", *PAIRS, *RANGE, "--home", str(seeded_home), "--json")
    assert result.exit_code == 0, result.output
    assert "could not attach" in result.stderr
    document = json.loads(result.stdout)
    job = _job(seeded_home, document["job_id"])
    assert job.result is not None
    assert job.result.results_artifact_uri is None


def test_a_job_table_that_vanishes_mid_run_leaves_no_finished_mlflow_run(
    tradai: Tradai,
    seeded_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    aws: object,
    wait_for_freqtrade: Callable[..., bool],
) -> None:
    import threading

    table = "tradai-cli-vanishing"
    client = boto3.client("dynamodb")
    ensure_table(client, DynamoDBStateRepository.table_spec(table))

    def delete_table_once_freqtrade_runs() -> None:
        if wait_for_freqtrade(str(seeded_home)):
            client.delete_table(TableName=table)

    watcher = threading.Thread(target=delete_table_once_freqtrade_runs, daemon=True)
    watcher.start()
    before = _runs(seeded_home)
    result = tradai("backtest", *PAIRS, *RANGE, "--home", str(seeded_home), "--jobs-table", table)
    watcher.join(timeout=60)
    assert result.exit_code == 1
    assert "could not record the failure" in result.stderr
    job = _single_new_job(seeded_home, before)
    assert job.status is JobStatus.FAILED  # the local record is right
    client = MlflowClient(tracking_uri=f"sqlite:///{seeded_home}/mlflow.db")
    experiment = client.get_experiment_by_name("backtests/SampleSmaCrossover")
    assert experiment is not None
    runs = client.search_runs(
        [experiment.experiment_id], filter_string=f"tags.`tradai.job.id` = '{job.job_id}'"
    )
    assert [r.info.status for r in runs] == ["FAILED"]


def test_ctrl_c_in_process_cancels_the_backtest(
    tradai: Tradai, seeded_home: Path, interrupt_when_freqtrade_runs: Callable[[Path], None]
) -> None:
    before = _runs(seeded_home)
    interrupt_when_freqtrade_runs(seeded_home)
    result = tradai("backtest", *PAIRS, *RANGE, "--home", str(seeded_home))
    assert result.exit_code == 130, result.output
    job = _single_new_job(seeded_home, before)
    assert job.status is JobStatus.CANCELLED
    assert job.error == "cancelled"


def test_hyperopt_prints_trials_and_logs_the_best(tradai: Tradai, seeded_home: Path) -> None:
    result = tradai("hyperopt", *PAIRS, *RANGE, "--epochs", "4", "--spaces", "buy",
                    "--home", str(seeded_home))  # fmt: skip
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Hyperopt trials (4)" in out
    assert "Best parameters" in out
    assert "fast_period" in out
    assert "best trial:" in out


def test_hyperopt_json_logs_one_mlflow_run(tradai: Tradai, seeded_home: Path) -> None:
    result = tradai("hyperopt", "--pairs", "BTC/USDT", *RANGE, "--epochs", "3", "--seed", "1",
                    "--loss", "SharpeHyperOptLoss", "--home", str(seeded_home),
                    "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert len(document["trials"]) == 3
    assert set(document["best_params"]) == {"fast_period", "slow_period"}
    client = MlflowClient(tracking_uri=document["tracking_uri"])
    run = client.get_run(document["run_id"])
    assert run.info.status == "FINISHED"
    assert run.data.metrics["best_loss"] == pytest.approx(document["best_loss"])
    assert run.data.params["best_fast_period"] == str(document["best_params"]["fast_period"])
    assert run.data.tags["tradai.run.type"] == "hyperopt"
    (artifact,) = client.list_artifacts(run.info.run_id, "hyperopt")
    assert artifact.path.endswith(".fthypt")
    saved = json.loads(Path(seeded_home, "runs", document["id"], "hyperopt.json").read_text())
    assert saved["run_id"] == document["run_id"]


def test_ctrl_c_in_process_cancels_the_hyperopt(
    tradai: Tradai, seeded_home: Path, interrupt_when_freqtrade_runs: Callable[[Path], None]
) -> None:
    before = _runs(seeded_home)
    interrupt_when_freqtrade_runs(seeded_home)
    result = tradai("hyperopt", "--pairs", "BTC/USDT", *RANGE, "--epochs", "200",
                    "--home", str(seeded_home))  # fmt: skip
    assert result.exit_code == 130, result.output
    (new,) = _runs(seeded_home) - before
    assert json.loads((seeded_home / "runs" / new / "hyperopt.json").read_text()) == {
        "id": new, "status": "cancelled",
    }  # fmt: skip


def test_a_backtest_over_its_timeout_is_stopped_and_failed(
    tradai: Tradai, seeded_home: Path, freqtrade_pids: Callable[[str], list[int]]
) -> None:
    before = _runs(seeded_home)
    result = tradai("backtest", *PAIRS, *RANGE, "--timeout", "1", "--home", str(seeded_home))
    assert result.exit_code == 1
    job = _single_new_job(seeded_home, before)
    assert job.status is JobStatus.FAILED
    assert "killed, timeout" in (job.error or "")
    assert freqtrade_pids(str(seeded_home / "runs" / job.job_id)) == []


def test_a_hyperopt_whose_logging_fails_leaves_a_failed_mlflow_run(
    tradai: Tradai, seeded_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradai.common.mlflow.artifacts import ArtifactManager

    def refuse(*args: object, **kwargs: object) -> None:  # an artifact store outage
        raise ExternalServiceError("artifact store unavailable", service="mlflow")

    monkeypatch.setattr(ArtifactManager, "log_file", refuse)
    result = tradai("hyperopt", "--pairs", "BTC/USDT", *RANGE, "--epochs", "2",
                    "--experiment", "hyperopt-outage", "--home", str(seeded_home))  # fmt: skip
    assert result.exit_code == 1
    assert "artifact store unavailable" in result.stderr
    client = MlflowClient(tracking_uri=f"sqlite:///{seeded_home}/mlflow.db")
    experiment = client.get_experiment_by_name("hyperopt-outage")
    assert experiment is not None
    statuses = [r.info.status for r in client.search_runs([experiment.experiment_id])]
    assert statuses == ["FAILED"]
