"""One contract for DeploymentRepository: the in-memory twin and DynamoDB (moto) alike.

Races are deterministic interleavings; every mutating request on DynamoDB is checked to
carry a ``ConditionExpression`` (see ``_domain_backends``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from contract.repositories._domain_backends import BACKENDS, Backend, backend
from tradai.common.entities.deployment import DeploymentRecord, DeploymentStatus
from tradai.common.exceptions import ConflictError, NotFoundError
from tradai.common.repositories.deployment import DeploymentRepository

Repo = DeploymentRepository
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
IMAGE = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/strategies:pascal-2.0.0"


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Backend[Repo]]:
    with backend(request, DeploymentRepository, "contract-deployments") as made:
        yield made


@pytest.fixture
def repo(store: Backend[Repo]) -> Repo:
    return store.repo


def _record(number: int, environment: str = "prod", **changes: Any) -> DeploymentRecord:
    at = T0 + dt.timedelta(minutes=number)
    values: dict[str, Any] = {
        "deployment_id": f"dep-{number}", "strategy_name": "Pascal",
        "strategy_version": "2.0.0", "image_url": IMAGE, "environment": environment,
        "created_at": at, "updated_at": at,
    }  # fmt: skip
    return DeploymentRecord(**(values | changes))


def _later(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=1, minutes=minutes)


# ---------------------------------------------------------------- two writers
@pytest.mark.parametrize("first", ["a", "b"])
def test_two_transitions_of_one_version_exactly_one_wins(repo: Repo, first: str) -> None:
    repo.create(_record(1))
    moves = {"a": DeploymentStatus.IN_PROGRESS, "b": DeploymentStatus.FAILED}
    loser = "b" if first == "a" else "a"
    winner = repo.transition("dep-1", moves[first], expected_version=1, now=_later(1))
    with pytest.raises(ConflictError) as info:
        repo.transition("dep-1", moves[loser], expected_version=1, now=_later(2))
    assert info.value.current == winner
    assert repo.get("dep-1") == winner
    assert winner.status is moves[first]


def test_a_stale_full_update_loses_to_a_transition(repo: Repo) -> None:
    record = repo.create(_record(1))
    moved = repo.transition("dep-1", DeploymentStatus.IN_PROGRESS, now=_later(1))
    with pytest.raises(ConflictError) as info:
        repo.update(record.with_status(DeploymentStatus.FAILED, now=_later(2)))
    assert info.value.current == moved
    assert repo.get("dep-1") == moved


def test_the_status_condition_refuses_a_forbidden_edge_at_a_matching_version(
    store: Backend[Repo],
) -> None:
    repo = store.repo
    record = repo.create(_record(1))
    assert store.outsider is not None
    rolled = record.with_status(DeploymentStatus.FAILED).with_status(DeploymentStatus.ROLLED_BACK)
    store.outsider.put(repo.to_item(rolled))  # same version, a final status
    with pytest.raises(ConflictError) as info:
        repo.update(record.with_status(DeploymentStatus.IN_PROGRESS, now=_later(1)))
    assert isinstance(info.value.current, DeploymentRecord)
    assert info.value.current.status is DeploymentStatus.ROLLED_BACK


def test_two_creates_of_one_id_exactly_one_wins(repo: Repo) -> None:
    winner = repo.create(_record(1, "prod"))
    with pytest.raises(ConflictError) as info:
        repo.create(_record(1, "staging"))
    assert info.value.current == winner
    assert repo.get("dep-1") == winner


def test_two_deletes_of_one_version_exactly_one_deletes(repo: Repo) -> None:
    repo.create(_record(1))
    assert [repo.delete("dep-1", expected_version=1) for _ in range(2)] == [True, False]


def test_an_update_then_a_stale_delete_the_delete_loses(repo: Repo) -> None:
    repo.create(_record(1))
    moved = repo.transition("dep-1", DeploymentStatus.IN_PROGRESS, now=_later(1))
    with pytest.raises(ConflictError) as info:
        repo.delete("dep-1", expected_version=1)
    assert info.value.current == moved


# ---------------------------------------------------------------- lifecycle
def test_rolled_back_is_final_and_repeating_it_writes_nothing(repo: Repo) -> None:
    repo.create(_record(1))
    repo.transition("dep-1", DeploymentStatus.IN_PROGRESS, now=_later(1))
    final = repo.transition("dep-1", DeploymentStatus.ROLLED_BACK, error="bad", now=_later(2))
    assert repo.transition("dep-1", DeploymentStatus.ROLLED_BACK, now=_later(3)) == final
    for target in set(DeploymentStatus) - {DeploymentStatus.ROLLED_BACK}:
        with pytest.raises(ConflictError) as info:
            repo.transition("dep-1", target, now=_later(4))
        assert info.value.current == final
    assert repo.get("dep-1") == final


def test_a_transition_of_a_missing_deployment_is_not_found(repo: Repo) -> None:
    with pytest.raises(NotFoundError):
        repo.transition("dep-404", DeploymentStatus.IN_PROGRESS)


# ---------------------------------------------------------------- reads
def test_latest_is_per_strategy_and_environment(repo: Repo) -> None:
    for n, env in enumerate(["prod", "staging", "prod", "dev", "staging"], start=1):
        repo.create(_record(n, env))
    latest = {env: repo.latest("Pascal", env) for env in ("prod", "staging", "dev", "qa")}
    assert {env: r.deployment_id if r else None for env, r in latest.items()} == {
        "prod": "dep-3", "staging": "dep-5", "dev": "dep-4", "qa": None,
    }  # fmt: skip
    assert repo.latest("Other", "prod") is None


def test_latest_with_a_status_skips_newer_records_in_other_states(repo: Repo) -> None:
    for n in range(1, 31):
        record = repo.create(_record(n))
        if n == 2:
            repo.transition(record.deployment_id, DeploymentStatus.IN_PROGRESS, now=_later(0))
            repo.transition(record.deployment_id, DeploymentStatus.SUCCEEDED, now=_later(1))
    found = repo.latest("Pascal", "prod", status=DeploymentStatus.SUCCEEDED)
    assert found is not None
    assert found.deployment_id == "dep-2"
    assert repo.latest("Pascal", "prod", status=DeploymentStatus.FAILED) is None


def test_history_pages_newest_first_per_environment_or_all(repo: Repo) -> None:
    for n in range(1, 8):
        repo.create(_record(n, "prod" if n % 2 else "dev"))

    def walk(**kwargs: Any) -> list[str]:
        page = repo.history("Pascal", limit=2, **kwargs)
        ids = [r.deployment_id for r in page.items]
        while page.next_cursor is not None:
            page = repo.history("Pascal", limit=2, cursor=page.next_cursor, **kwargs)
            ids += [r.deployment_id for r in page.items]
        return ids

    assert walk() == [f"dep-{n}" for n in range(7, 0, -1)]
    assert walk(environment="prod") == ["dep-7", "dep-5", "dep-3", "dep-1"]


def test_the_stored_item_carries_the_strategy_environment_key(store: Backend[Repo]) -> None:
    store.repo.create(_record(1, "staging"))
    assert store.outsider is not None
    item = store.outsider.get({"deployment_id": "dep-1"})
    assert item is not None
    assert item["strategy_environment"] == "Pascal#staging"
    assert store.repo.get("dep-1") == _record(1, "staging").model_copy(update={"version": 1})
