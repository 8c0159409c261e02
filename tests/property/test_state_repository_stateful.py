"""Stateful: job status transitions on DynamoDB (moto), on the twin and on a pure model agree.

Hypothesis drives creates, transitions (fresh and from stale copies read earlier) against
``DynamoDBStateRepository`` on moto, the same class over the in-memory twin, and a model
of ``JobStatus``'s lifecycle that knows nothing of DynamoDB. After every step the outcome
(success, ``ConflictError`` with the stored job, ``NotFoundError``) and every stored job
(status, version, error) must be the same in all three. Each example uses a fresh table.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.state_repository import DynamoDBStateRepository
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus
from tradai.common.exceptions import ConflictError, NotFoundError
from tradai.common.repositories._tables import ensure_table

pytestmark = pytest.mark.integration

CONFIG = BacktestConfig(
    strategy="S", timeframe="1h", start_date="2024-01-01", end_date="2024-01-31",
    symbols=["BTC/USDT"],
)  # fmt: skip
JOB_IDS = st.sampled_from(["job-a", "job-a", "job-b", "job-c"])
TARGETS = st.sampled_from(list(JobStatus))
ERRORS = st.sampled_from([None, "boom", "late"])


@dataclass(frozen=True)
class Model:
    """What the lifecycle says a stored job is."""

    status: JobStatus
    version: int
    error: str | None = None


def _project(job: BacktestJobStatus | None) -> Model | None:
    return None if job is None else Model(job.status, job.version, job.error)


def _moved(job: Model, target: JobStatus, error: str | None) -> tuple[str, Model]:
    """The model's outcome of moving ``job`` (as the writer read it) to ``target``."""
    if job.status is target and target.is_terminal:
        return "ok", job
    if not job.status.can_transition_to(target):
        return "conflict", job
    return "ok", replace(job, status=target, version=job.version + 1, error=error or job.error)


Outcome = tuple[str, Model | None]


def _run(call: Callable[[], BacktestJobStatus]) -> Outcome:
    try:
        return "ok", _project(call())
    except ConflictError as exc:
        return "conflict", _project(exc.current)
    except NotFoundError:
        return "not_found", None


class JobLifecycle(RuleBasedStateMachine):
    """Real store, twin and model, step by step."""

    client: ClassVar[Any] = None
    snapshots = Bundle("snapshots")

    def __init__(self) -> None:
        super().__init__()
        name = f"stateful-jobs-{uuid.uuid4().hex[:12]}"
        ensure_table(self.client, DynamoDBStateRepository.table_spec(name))
        self.repos = [
            DynamoDBStateRepository(table_name=name, client=self.client),
            DynamoDBStateRepository.in_memory(table_name=name),
        ]
        self.model: dict[str, Model] = {}

    def _both(self, call: Callable[[DynamoDBStateRepository], BacktestJobStatus]) -> Outcome:
        real, twin = (_run(lambda r=repo: call(r)) for repo in self.repos)
        assert real == twin
        return real

    @initialize()
    def two_pending_jobs(self) -> None:
        for job_id in ("job-a", "job-b"):
            self.create(job_id)

    @rule(job_id=JOB_IDS)
    def create(self, job_id: str) -> None:
        stored = self.model.get(job_id)
        expected: Outcome = ("conflict", stored) if stored else ("ok", Model(JobStatus.PENDING, 1))
        assert (
            self._both(lambda r: r.create(BacktestJobStatus(job_id=job_id, config=CONFIG)))
            == expected
        )
        self.model.setdefault(job_id, Model(JobStatus.PENDING, 1))

    @rule(job_id=JOB_IDS, status=TARGETS, error=ERRORS)
    def transition(self, job_id: str, status: JobStatus, error: str | None) -> None:
        outcome = self._both(lambda r: r.transition(job_id, status, error=error))
        stored = self.model.get(job_id)
        if stored is None:
            assert outcome == ("not_found", None)
            return
        kind, after = _moved(stored, status, error)
        assert outcome == (kind, after)
        self.model[job_id] = after

    @rule(target=snapshots, job_id=JOB_IDS)
    def read(self, job_id: str) -> tuple[str, list[BacktestJobStatus | None]]:
        copies = [repo.get(job_id) for repo in self.repos]
        assert [_project(c) for c in copies] == [self.model.get(job_id)] * 2
        return job_id, copies

    @rule(snapshot=snapshots, status=TARGETS, error=ERRORS)
    def stale_transition(
        self,
        snapshot: tuple[str, list[BacktestJobStatus | None]],
        status: JobStatus,
        error: str | None,
    ) -> None:
        job_id, copies = snapshot
        if copies[0] is None:
            return
        outcomes = [
            _run(lambda r=repo, c=copy: r.transition_from(c, status, error=error))
            for repo, copy in zip(self.repos, copies, strict=True)
        ]
        assert outcomes[0] == outcomes[1]
        read = _project(copies[0])
        assert read is not None
        stored = self.model[job_id]
        kind, after = _moved(read, status, error)
        if kind == "conflict" or (after is read):
            assert outcomes[0] == (kind, stored if kind == "conflict" else read)
            return
        if stored.version != read.version:
            assert outcomes[0] == ("conflict", stored)
            return
        assert outcomes[0] == ("ok", after)
        self.model[job_id] = after

    @invariant()
    def stores_agree_with_the_model(self) -> None:
        for job_id in ("job-a", "job-b", "job-c"):
            expected = self.model.get(job_id)
            assert [_project(repo.get(job_id)) for repo in self.repos] == [expected, expected]
            if expected is not None and expected.status.is_terminal:
                assert expected.status in JobStatus.allowed_sources(expected.status)


def test_job_status_transitions_match_the_model_on_dynamodb_and_the_twin(aws: Any) -> None:
    JobLifecycle.client = ClientFactory().client("dynamodb")
    run_state_machine_as_test(
        JobLifecycle,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            # Shrinking replays against moto for minutes: report the failing run as found.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
