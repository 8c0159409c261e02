"""One contract for the job status store: the in-memory twin and DynamoDB (moto) alike.

Races are deterministic interleavings (moto is not thread-safe): two writers read the
same version, then their writes are sequenced explicitly. Every mutating request on
DynamoDB is checked to carry a ``ConditionExpression`` (see ``_domain_backends``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contract.repositories._domain_backends import BACKENDS, Backend, backend
from tradai.common.aws.state_repository import DynamoDBStateRepository, StateRepository
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus
from tradai.common.exceptions import ConflictError, NotFoundError

Repo = DynamoDBStateRepository
TERMINAL = [JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED]
CONFIG = BacktestConfig(
    strategy="S", timeframe="1h", start_date="2024-01-01", end_date="2024-01-31",
    symbols=["BTC/USDT"],
)  # fmt: skip


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Backend[Repo]]:
    with backend(request, DynamoDBStateRepository, "contract-jobs") as made:
        yield made


@pytest.fixture
def repo(store: Backend[Repo]) -> Repo:
    return store.repo


def _job(job_id: str = "job-1", **changes: Any) -> BacktestJobStatus:
    return BacktestJobStatus(job_id=job_id, config=CONFIG, **changes)


def _running(repo: Repo, job_id: str = "job-1") -> BacktestJobStatus:
    repo.create(_job(job_id))
    return repo.transition(job_id, JobStatus.RUNNING)


def test_the_repository_follows_the_state_repository_protocol(repo: Repo) -> None:
    assert isinstance(repo, StateRepository)


# ---------------------------------------------------------------- two writers
@pytest.mark.parametrize("first", ["a", "b"])
def test_two_transitions_from_the_same_version_exactly_one_wins(repo: Repo, first: str) -> None:
    _running(repo)
    a, b = repo.get("job-1"), repo.get("job-1")
    assert a is not None
    assert b is not None
    moves = {"a": (a, JobStatus.COMPLETED), "b": (b, JobStatus.FAILED)}
    loser = "b" if first == "a" else "a"
    winner = repo.transition_from(moves[first][0], moves[first][1], error="x")
    with pytest.raises(ConflictError) as info:
        repo.transition_from(moves[loser][0], moves[loser][1], error="y")
    assert info.value.current == winner
    assert repo.get("job-1") == winner
    assert winner.status is moves[first][1]
    assert winner.version == 3


def test_a_stale_non_terminal_write_cannot_undo_a_terminal_one(repo: Repo) -> None:
    running = _running(repo)
    done = repo.transition_from(running, JobStatus.COMPLETED)
    with pytest.raises(ConflictError) as info:
        repo.transition_from(running, JobStatus.RUNNING)
    assert info.value.current == done
    assert repo.get("job-1") == done


def test_the_status_condition_alone_keeps_terminal_states_absorbing(store: Backend[Repo]) -> None:
    repo = store.repo
    running = _running(repo)
    # A writer that ignored versions stored COMPLETED at the version the stale copy holds.
    assert store.outsider is not None
    store.outsider.put(repo.to_item(running.with_status(JobStatus.COMPLETED)))
    with pytest.raises(ConflictError) as info:
        repo.transition_from(running, JobStatus.FAILED, error="late")
    assert isinstance(info.value.current, BacktestJobStatus)
    assert info.value.current.status is JobStatus.COMPLETED
    stored = repo.get("job-1")
    assert stored is not None
    assert stored.status is JobStatus.COMPLETED
    assert stored.error is None


def test_two_creates_of_one_job_exactly_one_wins(repo: Repo) -> None:
    winner = repo.create(_job())
    with pytest.raises(ConflictError) as info:
        repo.create(_job(status=JobStatus.RUNNING))
    assert info.value.current == winner
    assert repo.get("job-1") == winner


def test_two_deletes_of_one_version_exactly_one_deletes(repo: Repo) -> None:
    job = repo.create(_job())
    results = [
        repo.delete("job-1", expected_version=job.version),
        repo.delete("job-1", expected_version=job.version),
    ]
    assert results == [True, False]
    assert repo.get("job-1") is None


def test_a_transition_then_a_stale_delete_the_delete_loses(repo: Repo) -> None:
    job = repo.create(_job())
    moved = repo.transition("job-1", JobStatus.RUNNING)
    with pytest.raises(ConflictError) as info:
        repo.delete("job-1", expected_version=job.version)
    assert info.value.current == moved


def test_a_delete_then_a_stale_transition_finds_nothing(repo: Repo) -> None:
    job = repo.create(_job())
    assert repo.delete("job-1", expected_version=1)
    with pytest.raises(NotFoundError):
        repo.transition_from(job, JobStatus.RUNNING)
    with pytest.raises(NotFoundError):
        repo.transition("job-1", JobStatus.RUNNING)


# ---------------------------------------------------------------- lifecycle
@pytest.mark.parametrize("terminal", TERMINAL)
def test_terminal_states_are_absorbing(repo: Repo, terminal: JobStatus) -> None:
    _running(repo)
    done = repo.transition("job-1", terminal, error="e" if terminal is JobStatus.FAILED else None)
    for target in JobStatus:
        if target is terminal:
            assert repo.transition("job-1", target, error="other") == done
            continue
        with pytest.raises(ConflictError) as info:
            repo.transition("job-1", target)
        assert info.value.current == done
    assert repo.get("job-1") == done


def test_a_same_state_move_of_a_running_job_is_written(repo: Repo) -> None:
    running = _running(repo)
    again = repo.transition("job-1", JobStatus.RUNNING)
    assert again.version == running.version + 1
    assert again.started_at == running.started_at


def test_a_stale_expected_version_is_refused_with_the_stored_job(repo: Repo) -> None:
    running = _running(repo)
    with pytest.raises(ConflictError) as info:
        repo.transition("job-1", JobStatus.COMPLETED, expected_version=1)
    assert info.value.current == running
    done = repo.transition("job-1", JobStatus.COMPLETED, expected_version=running.version)
    assert done.completed_at is not None


def test_a_transition_of_a_missing_job_is_not_found(repo: Repo) -> None:
    with pytest.raises(NotFoundError):
        repo.transition("nope", JobStatus.RUNNING)


def test_a_transition_sends_the_allowed_sources_and_the_version(store: Backend[Repo]) -> None:
    _running(store.repo)
    store.repo.transition("job-1", JobStatus.COMPLETED)
    if store.kind == "memory":
        return
    put = next(
        body for name, body in store.calls
        if name == "PutItem" and body["Item"]["status"] == {"S": "completed"}
    )  # fmt: skip
    condition, values = put["ConditionExpression"], put["ExpressionAttributeValues"]
    assert " IN (" in condition
    assert sorted(v["S"] for v in values.values() if "S" in v) == ["completed", "running"]
    assert {"N": "2"} in values.values()


# ---------------------------------------------------------------- listing
def test_list_by_status_pages_in_queue_order(repo: Repo) -> None:
    import datetime as dt

    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for n in range(7):
        repo.create(_job(f"job-{n}", created_at=t0 + dt.timedelta(minutes=n)))
    repo.transition("job-3", JobStatus.RUNNING)
    seen: list[str] = []
    page = repo.list_by_status(JobStatus.PENDING, limit=2)
    seen += [j.job_id for j in page.items]
    while page.next_cursor is not None:
        page = repo.list_by_status(JobStatus.PENDING, limit=2, cursor=page.next_cursor)
        seen += [j.job_id for j in page.items]
    assert seen == ["job-0", "job-1", "job-2", "job-4", "job-5", "job-6"]
    newest = repo.list_by_status(JobStatus.PENDING, limit=1, newest_first=True)
    assert [j.job_id for j in newest.items] == ["job-6"]
    assert [j.job_id for j in repo.list_by_status(JobStatus.RUNNING).items] == ["job-3"]
