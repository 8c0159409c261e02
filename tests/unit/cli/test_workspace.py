"""The workspace: where it is, what it opens, what it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tradai.common.aws.state_repository import DynamoDBStateRepository
from tradai.common.cli.workspace import DEFAULT_HOME, Workspace, new_job_id
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.mlflow.memory import InMemoryTrackingBackend

CONFIG = BacktestConfig(
    strategy="S", timeframe="1h", start_date="2024-01-01", end_date="2024-01-31",
    symbols=["BTC/USDT"],
)  # fmt: skip


def test_home_option_wins_over_the_environment(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path / "opt", environ={"TRADAI_HOME": str(tmp_path / "env")})
    assert ws.root == (tmp_path / "opt").resolve()


def test_environment_then_default_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Workspace.resolve(environ={"TRADAI_HOME": str(tmp_path)}).root == tmp_path.resolve()
    monkeypatch.chdir(tmp_path)
    assert Workspace.resolve(environ={"TRADAI_HOME": ""}).root == tmp_path.resolve() / DEFAULT_HOME
    assert not (tmp_path / DEFAULT_HOME).exists()  # resolving creates nothing


def test_a_file_is_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValidationError) as caught:
        Workspace.resolve(tmp_path / "file", environ={})
    assert caught.value.field == "home"


def test_layout(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path, environ={})
    assert ws.arctic_dir == ws.root / "arcticdb"
    assert ws.mlflow_db == ws.root / "mlflow.db"
    assert ws.artifacts_dir == ws.root / "mlartifacts"
    assert ws.run_dir("bt-1") == ws.root / "runs" / "bt-1"
    assert ws.job_file("bt-1") == ws.root / "runs" / "bt-1" / "job.json"
    assert ws.report_path("bt-1") == ws.root / "reports" / "bt-1.html"


@pytest.mark.parametrize("job_id", ["../x", "a/b", "", ".hidden", "x" * 200])
def test_unsafe_job_ids_are_refused(tmp_path: Path, job_id: str) -> None:
    with pytest.raises(ValidationError):
        Workspace.resolve(tmp_path, environ={}).run_dir(job_id)


def test_new_job_ids_are_unique_and_safe(tmp_path: Path) -> None:
    ids = {new_job_id() for _ in range(50)}
    assert len(ids) == 50
    ws = Workspace.resolve(tmp_path, environ={})
    assert all(ws.run_dir(i).name == i and i.startswith("bt-") for i in ids)


def test_tracking_defaults_to_the_local_sqlite_store(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path, environ={})
    assert ws.local_tracking
    assert ws.tracking_uri == f"sqlite:///{tmp_path.resolve()}/mlflow.db"
    remote = Workspace.resolve(tmp_path, environ={"MLFLOW_TRACKING_URI": "http://127.0.0.1:9"})
    assert not remote.local_tracking
    assert remote.tracking_uri == "http://127.0.0.1:9"


def test_a_malformed_tracking_uri_is_refused_by_name(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path, environ={"MLFLOW_TRACKING_URI": "http://u:p@host"})
    with pytest.raises(ValidationError) as caught:
        ws.tracking_backend()
    assert caught.value.field == "MLFLOW_TRACKING_URI"


def test_local_experiments_keep_artifacts_in_the_workspace(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path / "ws", environ={})
    backend = ws.tracking_backend()
    created = ws.experiment_id(backend, "backtests/My Strategy")
    assert ws.experiment_id(backend, "backtests/My Strategy") == created  # exists: reused
    experiment = backend.get_experiment_by_name("backtests/My Strategy")
    assert experiment is not None
    assert experiment.experiment_id == created
    location = experiment.artifact_location
    assert location == (ws.artifacts_dir / "backtests_My_Strategy").as_uri()


def test_a_tracking_server_keeps_its_own_artifact_root(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path, environ={"MLFLOW_TRACKING_URI": "http://127.0.0.1:9"})
    backend = InMemoryTrackingBackend()  # stands in for the server: records what is asked
    experiment_id = ws.experiment_id(backend, "anything")  # type: ignore[arg-type]
    assert backend.get_experiment(experiment_id).artifact_location == (
        f"mlflow-artifacts:/{experiment_id}"
    )


def test_job_store_is_in_memory_unless_a_table_is_named(tmp_path: Path) -> None:
    memory = Workspace.resolve(tmp_path, environ={})
    assert memory.jobs_table is None
    assert memory.job_store_label == "in-memory"
    store = memory.job_store()
    assert store.create(BacktestJobStatus(job_id="bt-1", config=CONFIG)).version == 1
    from_env = Workspace.resolve(tmp_path, environ={"JOBS_TABLE": "env-jobs"})
    assert from_env.jobs_table == "env-jobs"
    table = Workspace.resolve(tmp_path, jobs_table="opt-jobs", environ={"JOBS_TABLE": "env-jobs"})
    assert table.job_store_label == "DynamoDB table opt-jobs"
    repo = table.job_store()
    assert isinstance(repo, DynamoDBStateRepository)
    assert "opt-jobs" in repr(repo)


def test_save_job_writes_the_record_as_json(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path, environ={})
    job = BacktestJobStatus(job_id="bt-1", config=CONFIG).with_status(JobStatus.RUNNING)
    path = ws.save_job(job)
    assert path == ws.job_file("bt-1")
    assert BacktestJobStatus.model_validate_json(path.read_text()) == job
    assert [p.name for p in path.parent.iterdir()] == ["job.json"]


def test_save_json_cleans_up_after_a_failed_write(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path, environ={})
    target = tmp_path / "out.json"
    assert json.loads(ws.save_json(target, '{"a": 1}').read_text()) == {"a": 1}
    blocked = tmp_path / "dir.json"
    blocked.mkdir()
    with pytest.raises(OSError):
        ws.save_json(blocked, "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.json", "out.json"]


def test_market_data_opens_lmdb_under_the_workspace(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path / "ws", environ={})
    assert ws.market_data().list_series() == []
    assert ws.arctic_dir.is_dir()
    assert "ArcticDB on LMDB" in ws.market_data_label
    bucket = Workspace.resolve(tmp_path, environ={"ARCTIC_S3_BUCKET": "tradai-data"})
    assert bucket.market_data_label == "s3://tradai-data (ArcticDB)"


def test_market_data_in_a_blocked_directory_is_a_configuration_error(tmp_path: Path) -> None:
    ws = Workspace.resolve(tmp_path, environ={})
    ws.arctic_dir.write_text("not a directory")
    with pytest.raises(ConfigurationError, match="cannot open the market data store"):
        ws.market_data()


def test_a_workspace_under_a_file_is_a_configuration_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the workspace's parent should be")
    ws = Workspace.resolve(blocker / "home", environ={})
    with pytest.raises(ConfigurationError, match="cannot open the market data store"):
        ws.market_data()
