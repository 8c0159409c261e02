"""DynamoDBStateRepository over its twin: retention, results, input checks, construction."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from tradai.common.aws.state_repository import (
    STATUS_INDEX,
    DynamoDBStateRepository,
    StateRepository,
)
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus, BacktestResult
from tradai.common.exceptions import ConfigurationError, ValidationError

CONFIG = BacktestConfig(
    strategy="S", timeframe="1h", start_date="2024-01-01", end_date="2024-01-31",
    symbols=["BTC/USDT"],
)  # fmt: skip


def _repo(**kwargs: object) -> DynamoDBStateRepository:
    table = DynamoDBStateRepository.table_spec("jobs").in_memory_table()
    return DynamoDBStateRepository(table, **kwargs)  # type: ignore[arg-type]


def _running(repo: DynamoDBStateRepository) -> BacktestJobStatus:
    repo.create(BacktestJobStatus(job_id="job-1", config=CONFIG))
    return repo.transition("job-1", JobStatus.RUNNING)


def test_the_in_source_list_is_the_lifecycles() -> None:
    for target in JobStatus:
        assert DynamoDBStateRepository.allowed_sources(target) == JobStatus.allowed_sources(target)
    assert isinstance(_repo(), StateRepository)
    assert STATUS_INDEX == "status-index"


def test_with_retention_a_finished_job_expires_after_it() -> None:
    repo = _repo(retention=dt.timedelta(days=7))
    assert _running(repo).ttl is None
    done = repo.transition("job-1", JobStatus.COMPLETED)
    assert done.completed_at is not None
    assert done.ttl == int((done.completed_at + dt.timedelta(days=7)).timestamp())
    assert repo.get("job-1") == done


def test_without_retention_a_finished_job_never_expires() -> None:
    repo = _repo()
    _running(repo)
    assert repo.transition("job-1", JobStatus.FAILED, error="boom").ttl is None


def test_a_ttl_already_set_is_kept() -> None:
    repo = _repo(retention=dt.timedelta(days=7))
    repo.create(BacktestJobStatus(job_id="job-1", config=CONFIG, ttl=42))
    assert repo.transition("job-1", JobStatus.CANCELLED).ttl == 42


@pytest.mark.parametrize("retention", [dt.timedelta(0), dt.timedelta(days=-1), 3600])
def test_a_retention_that_is_not_a_positive_timedelta_is_refused(retention: object) -> None:
    with pytest.raises(ValidationError, match="retention"):
        _repo(retention=retention)


def test_the_result_and_error_are_recorded() -> None:
    repo = _repo()
    _running(repo)
    result = BacktestResult(total_trades=3, winning_trades=2, losing_trades=1)
    done = repo.transition("job-1", JobStatus.COMPLETED, result=result)
    assert done.result == result
    assert repo.get("job-1") == done


def test_bad_statuses_are_refused_before_anything_is_read() -> None:
    repo = _repo()
    with pytest.raises(ValidationError, match="target"):
        repo.transition("job-1", "done")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="status"):
        repo.list_by_status("queued")  # type: ignore[arg-type]


def test_a_malformed_expected_version_is_refused_and_nothing_changes() -> None:
    repo = _repo()
    running = _running(repo)
    with pytest.raises(ValidationError, match="expected_version"):
        repo.transition("job-1", JobStatus.COMPLETED, expected_version=-1)
    assert repo.get("job-1") == running


def test_string_statuses_are_accepted() -> None:
    repo = _repo()
    _running(repo)
    assert repo.transition("job-1", "completed").status is JobStatus.COMPLETED  # type: ignore[arg-type]
    assert [j.job_id for j in repo.list_by_status("completed").items] == ["job-1"]  # type: ignore[arg-type]


def test_the_table_is_named_by_settings_or_jobs_table(monkeypatch: pytest.MonkeyPatch) -> None:
    repo = DynamoDBStateRepository(settings=SimpleNamespace(jobs_table="jobs-from-settings"))
    assert repr(repo) == "DynamoDBStateRepository(table='jobs-from-settings')"
    monkeypatch.setenv("JOBS_TABLE", "jobs-from-env")
    assert DynamoDBStateRepository().table.table_name == "jobs-from-env"
    monkeypatch.delenv("JOBS_TABLE")
    with pytest.raises(ConfigurationError, match="JOBS_TABLE"):
        DynamoDBStateRepository()
