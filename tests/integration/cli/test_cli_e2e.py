"""End to end: the installed ``tradai`` program as a subprocess in a fresh directory.

``tradai data seed`` then ``tradai backtest --json`` against (a) the embedded defaults
(LMDB, local MLflow SQLite store, in-memory jobs + job.json) and (b) the real services of
the test session (an ``mlflow server`` and a DynamoDB table on the moto server); plus the
failures: a strategy that does not compile, candles that are not stored, Ctrl-C.
"""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest
from mlflow import MlflowClient

from tradai.common.aws.state_repository import DynamoDBStateRepository
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import BacktestJobStatus
from tradai.common.repositories import ensure_table

pytestmark = pytest.mark.integration

Run = Callable[..., subprocess.CompletedProcess[str]]
PAIRS = ("--pairs", "BTC/USDT", "ETH/USDT")
RANGE = ("--timeframe", "1h", "--start", "2024-02-01", "--end", "2024-04-01")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace seeded by ``tradai data seed`` run as a subprocess."""
    import os
    import sys

    cwd = tmp_path_factory.mktemp("seed-cwd")
    home = cwd / "ws"
    env = {k: v for k, v in os.environ.items() if k not in {"TRADAI_HOME", "ARCTIC_S3_BUCKET"}}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("tradai")), "data", "seed", *PAIRS, "--timeframe",
         "1h", "--start", "2024-01-01", "--end", "2024-05-01", "--home", str(home)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "BTC/USDT" in done.stdout
    assert "2,904" in done.stdout
    return home


def _job(home: Path, job_id: str) -> BacktestJobStatus:
    return BacktestJobStatus.model_validate_json((home / "runs" / job_id / "job.json").read_text())


def _check_report(document: dict[str, object], home: Path) -> None:
    report = Path(str(document["report"]))
    assert report.parent == home / "reports"
    assert report.is_file()
    page = report.read_text()
    assert "SampleSmaCrossover" in page
    assert "<svg" in page


def test_backtest_with_the_embedded_defaults(home: Path, tmp_path: Path, run_tradai: Run) -> None:
    done = run_tradai("backtest", *PAIRS, *RANGE, "--exchange", "binance", "--home", str(home),
                      "--json", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["status"] == "completed"
    assert document["job_store"] == "in-memory"
    assert document["tracking_uri"] == f"sqlite:///{home}/mlflow.db"
    # the MLflow run in the workspace's SQLite store holds exactly the result's metrics
    client = MlflowClient(tracking_uri=document["tracking_uri"])
    run = client.get_run(document["run_id"])
    assert run.info.status == "FINISHED"
    assert run.data.metrics == pytest.approx(document["metrics"], rel=1e-12)
    assert run.data.metrics["total_trades"] > 0
    assert run.data.tags["tradai.job.id"] == document["job_id"]
    assert run.info.artifact_uri.startswith((home / "mlartifacts").as_uri())
    names = {a.path for folder in ("report", "freqtrade", "backtest")
             for a in client.list_artifacts(run.info.run_id, folder)}  # fmt: skip
    assert f"report/{document['job_id']}.html" in names
    assert any(n.startswith("freqtrade/backtest-result-") and n.endswith(".zip") for n in names)
    assert "backtest/trades.json" in names
    # the job record: COMPLETED, result without trades, written next to the run
    job = _job(home, document["job_id"])
    assert job.status is JobStatus.COMPLETED
    assert job.version == 3
    assert job.result is not None
    assert job.result.trades == []
    assert job.result.raw_stats == {}
    assert job.result.mlflow_run_id == document["run_id"]
    assert job.result.total_trades == document["metrics"]["total_trades"]
    _check_report(document, home)
    assert list(tmp_path.iterdir()) == []  # nothing written to the current directory


def test_backtest_against_the_real_services(
    home: Path,
    tmp_path: Path,
    run_tradai: Run,
    subprocess_env: Callable[..., dict[str, str]],
    aws: object,
    mlflow_server: object,
) -> None:
    table = "tradai-cli-jobs"
    ensure_table(boto3.client("dynamodb"), DynamoDBStateRepository.table_spec(table))
    uri = mlflow_server.env["MLFLOW_TRACKING_URI"]  # type: ignore[attr-defined]
    env = subprocess_env(MLFLOW_TRACKING_URI=uri, JOBS_TABLE=table)
    done = run_tradai("backtest", *PAIRS, *RANGE, "--home", str(home), "--json",
                      "--experiment", "cli-e2e", cwd=tmp_path, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["job_store"] == f"DynamoDB table {table}"
    client = MlflowClient(tracking_uri=uri)
    run = client.get_run(document["run_id"])
    assert run.info.status == "FINISHED"
    assert client.get_experiment(run.info.experiment_id).name == "cli-e2e"
    assert run.data.metrics == pytest.approx(document["metrics"], rel=1e-12)
    report_names = [a.path for a in client.list_artifacts(run.info.run_id, "report")]
    assert report_names == [f"report/{document['job_id']}.html"]
    stored = DynamoDBStateRepository(table_name=table).get(document["job_id"])
    assert stored is not None
    assert stored.status is JobStatus.COMPLETED
    assert stored.version == 3  # created, running, completed
    assert stored.result is not None
    assert stored.result.mlflow_run_id == document["run_id"]
    assert stored.result.trades == []
    assert _job(home, document["job_id"]) == stored
    _check_report(document, home)


def test_a_strategy_that_does_not_compile_fails_the_job_cleanly(
    home: Path, tmp_path: Path, run_tradai: Run, freqtrade_pids: Callable[[str], list[int]]
) -> None:
    strategy = tmp_path / "Broken.py"
    strategy.write_text(
        "from freqtrade.strategy import IStrategy\n"
        "class Broken(IStrategy):\n"
        "    def oops(self:\n"
        "        pass\n"
    )
    done = run_tradai("backtest", "--strategy", "Broken", "--strategy-path", str(strategy),
                      *PAIRS, *RANGE, "--home", str(home), "--json", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    document = json.loads(done.stdout)
    assert document["status"] == "failed"
    assert document["run_id"] is None
    job = _job(home, document["job_id"])
    assert job.status is JobStatus.FAILED
    assert "exit code" in (job.error or "")
    assert "Broken" in (job.error or "")
    assert "Impossible to load Strategy" in (job.error or "")  # Freqtrade's stderr tail
    assert "failed" in done.stderr
    client = MlflowClient(tracking_uri=f"sqlite:///{home}/mlflow.db")
    experiment = client.get_experiment_by_name("backtests/Broken")
    if experiment is not None:
        runs = client.search_runs([experiment.experiment_id])
        assert [r for r in runs if r.info.status == "FINISHED"] == []
    assert freqtrade_pids(str(home / "runs" / document["job_id"])) == []


def test_missing_candles_fail_before_freqtrade_starts(
    home: Path, tmp_path: Path, run_tradai: Run
) -> None:
    started = time.monotonic()
    done = run_tradai("backtest", "--pairs", "BTC/USDT", "SOL/USDT", "--start", "2024-02-01",
                      "--end", "2024-03-01", "--home", str(home), cwd=tmp_path)  # fmt: skip
    assert done.returncode == 1
    assert "SOL/USDT" in done.stderr
    assert "no 1h series stored" in done.stderr
    (job_dir,) = [
        d for d in (home / "runs").iterdir() if "SOL/USDT" in (d / "job.json").read_text()
    ]
    job = _job(home, job_dir.name)
    assert job.status is JobStatus.FAILED
    assert "SOL/USDT" in (job.error or "")
    assert (job_dir / "freqtrade.log").read_text() == ""  # Freqtrade never printed a line
    assert not list(job_dir.glob("results/*/*"))
    assert time.monotonic() - started < 30


def test_ctrl_c_stops_freqtrade_and_fails_the_job(
    home: Path,
    tmp_path: Path,
    subprocess_env: Callable[..., dict[str, str]],
    freqtrade_pids: Callable[[str], list[int]],
    wait_for_freqtrade: Callable[..., bool],
) -> None:
    import sys

    tradai = str(Path(sys.executable).with_name("tradai"))
    marker = str(home / "runs")
    process = subprocess.Popen(
        [tradai, "backtest", *PAIRS, *RANGE, "--home", str(home), "--json"],
        cwd=tmp_path, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert wait_for_freqtrade(marker), "freqtrade never started"
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    document = json.loads(out)
    assert document["status"] == "cancelled"
    assert document["error"] == "cancelled"
    assert _job(home, document["job_id"]).error == "cancelled"
    assert "cancelled" in err
    assert freqtrade_pids(marker) == []
