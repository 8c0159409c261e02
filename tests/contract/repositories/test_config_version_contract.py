"""One contract for ConfigVersionRepository: the in-memory twin and DynamoDB (moto) alike.

Races are deterministic interleavings: a subclass runs an "interloper" (another
repository on the same table) at the exact point between a writer's reads and its write,
so both writers read the same state and the interloper commits first. Every mutating
request on DynamoDB, each transaction item included, is checked to carry a
``ConditionExpression`` (see ``_domain_backends``). moto never deletes expired items, so
TTL is checked as the stored attribute's value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from contract.repositories._domain_backends import BACKENDS, SIGNER, Backend, backend
from tradai.common.aws.dynamodb.types import TransactPut
from tradai.common.config.repository import POINTER_ID, ConfigVersionRepository
from tradai.common.entities.config_version import ConfigVersion, ConfigVersionStatus
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError

S = "PascalStrategy"
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ACTIVE, DEPRECATED, DRAFT = (
    ConfigVersionStatus.ACTIVE, ConfigVersionStatus.DEPRECATED, ConfigVersionStatus.DRAFT,
)  # fmt: skip


class RacingRepository(ConfigVersionRepository):
    """Runs ``interloper`` once, right before its next write (after its reads)."""

    interloper: Callable[[], object] | None = None

    def _interlope(self) -> None:
        run, self.interloper = self.interloper, None
        if run is not None:
            run()

    def _save(self, entity: ConfigVersion, expected: int, **kwargs: Any) -> ConfigVersion:
        self._interlope()
        return super()._save(entity, expected, **kwargs)

    def _pointer_write(self, strategy_name: str, config_id: str, pointer: Any) -> TransactPut:
        self._interlope()
        return super()._pointer_write(strategy_name, config_id, pointer)


Repo = RacingRepository


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[Backend[Repo]]:
    with backend(request, RacingRepository, "contract-config-versions") as made:
        yield made


@pytest.fixture
def repo(store: Backend[Repo]) -> Repo:
    return store.repo


@pytest.fixture
def other(repo: Repo) -> ConfigVersionRepository:
    """A second writer on the same table."""
    return ConfigVersionRepository(repo.table, cursor_signer=SIGNER)


def _three(repo: Repo) -> list[ConfigVersion]:
    return [repo.create_if_absent(S, {"timeframe": tf}, now=T0) for tf in ("1h", "4h", "1d")]


def _statuses(repo: Repo) -> dict[str, ConfigVersionStatus]:
    return {v.config_id: v.status for v in repo.list_versions(S, limit=100).items}


# ---------------------------------------------------------------- creates
def test_the_same_config_is_stored_once(repo: Repo) -> None:
    first = repo.create_if_absent(S, {"timeframe": "1h", "stake": 10})
    again = repo.create_if_absent(S, {"stake": 10, "timeframe": "1h"})
    other_strategy = repo.create_if_absent("OtherStrategy", {"timeframe": "1h", "stake": 10})
    assert again == first
    assert (first.config_id, first.version_number) == ("v000001", 1)
    assert other_strategy.strategy_name == "OtherStrategy"
    assert other_strategy.config_id == "v000001"


def test_two_creators_of_different_configs_get_distinct_numbers(
    repo: Repo, other: ConfigVersionRepository
) -> None:
    repo.interloper = lambda: other.create_if_absent(S, {"timeframe": "4h"}, now=T0)
    mine = repo.create_if_absent(S, {"timeframe": "1h"}, now=T0)
    assert mine.config_id == "v000002"
    theirs = repo.get_version(S, "v000001")
    assert theirs is not None
    assert theirs.config_data == {"timeframe": "4h"}
    assert theirs.version == 1


def test_two_creators_of_one_config_store_it_once(
    repo: Repo, other: ConfigVersionRepository
) -> None:
    winner: list[ConfigVersion] = []
    repo.interloper = lambda: winner.append(other.create_if_absent(S, {"timeframe": "1h"}))
    mine = repo.create_if_absent(S, {"timeframe": "1h"})
    assert mine == winner[0]
    assert [v.config_id for v in repo.list_versions(S).items] == ["v000001"]


def test_two_deletes_of_one_version_exactly_one_deletes(repo: Repo) -> None:
    v1, *_ = _three(repo)
    key = (S, v1.config_id)
    assert [repo.delete(key, expected_version=v1.version) for _ in range(2)] == [True, False]
    assert repo.get_version(S, v1.config_id) is None


def test_an_update_then_a_stale_delete_the_delete_loses(repo: Repo) -> None:
    v1, *_ = _three(repo)
    edited = repo.put(v1.model_copy(update={"description": "edited"}))
    with pytest.raises(ConflictError) as info:
        repo.delete((S, v1.config_id), expected_version=v1.version)
    assert info.value.current == edited


# ---------------------------------------------------------------- activation
@pytest.mark.parametrize("with_previous", [False, True])
def test_two_activations_from_one_state_exactly_one_wins(
    repo: Repo, other: ConfigVersionRepository, with_previous: bool
) -> None:
    v1, v2, v3 = _three(repo)
    if with_previous:
        repo.activate(S, v1.config_id, now=T0)
    repo.interloper = lambda: other.activate(S, v3.config_id, now=T0 + dt.timedelta(hours=1))
    with pytest.raises(ConflictError) as info:
        repo.activate(S, v2.config_id, now=T0 + dt.timedelta(hours=2))
    winner = repo.get_version(S, v3.config_id)
    assert info.value.current == winner
    assert winner is not None
    assert winner.status is ACTIVE
    expected_v1 = DEPRECATED if with_previous else DRAFT
    assert _statuses(repo) == {"v000001": expected_v1, "v000002": DRAFT, "v000003": ACTIVE}


def test_activations_keep_exactly_one_active_version(repo: Repo) -> None:
    versions = _three(repo)
    for n, version in enumerate([*versions, versions[0]]):
        active = repo.activate(S, version.config_id, now=T0 + dt.timedelta(days=n))
        assert active.status is ACTIVE
        assert list(_statuses(repo).values()).count(ACTIVE) == 1
        assert repo.get_active(S) == active == repo.get_active(S, consistent_read=True)


def test_a_deprecated_version_carries_its_ttl(store: Backend[Repo]) -> None:
    repo = store.repo
    v1, v2, _ = _three(repo)
    repo.activate(S, v1.config_id, now=T0)
    moment = T0 + dt.timedelta(days=3)
    repo.activate(S, v2.config_id, now=moment)
    assert store.outsider is not None
    item = store.outsider.get({"strategy_name": S, "config_id": v1.config_id})
    assert item is not None
    expiry = moment + dt.timedelta(days=ConfigVersion.TTL_DAYS_AFTER_DEPRECATION)
    assert item["ttl"] == Decimal(int(expiry.timestamp()))
    assert item["status"] == "deprecated"
    rolled_back = repo.activate(S, v1.config_id, now=moment + dt.timedelta(hours=1))
    item = store.outsider.get({"strategy_name": S, "config_id": v1.config_id})
    assert item is not None
    assert "ttl" not in item
    assert rolled_back.deprecated_at is None


def test_activating_the_active_version_again_changes_nothing(repo: Repo) -> None:
    v1, *_ = _three(repo)
    active = repo.activate(S, v1.config_id, now=T0)
    assert repo.activate(S, v1.config_id, now=T0 + dt.timedelta(days=1)) == active


def test_a_stale_target_loses_the_activation(repo: Repo, other: ConfigVersionRepository) -> None:
    v1, *_ = _three(repo)
    edited = v1.model_copy(update={"description": "edited meanwhile"})
    repo.interloper = lambda: other.put(edited)
    with pytest.raises(ConflictError) as info:
        repo.activate(S, v1.config_id, now=T0)
    assert info.value.current is None
    assert repo.get_active(S, consistent_read=True) is None
    assert _statuses(repo)["v000001"] is DRAFT


def test_activating_a_missing_version_is_not_found(repo: Repo) -> None:
    with pytest.raises(NotFoundError):
        repo.activate(S, "v000009")


def test_only_activate_makes_an_active_version(repo: Repo) -> None:
    v1, *_ = _three(repo)
    with pytest.raises(ValidationError):
        repo.put(v1.with_status(ACTIVE, now=T0))
    assert repo.get_active(S) is None
    assert repo.put(v1.model_copy(update={"description": "note"})).version == 2


# ---------------------------------------------------------------- reads
def test_listings_page_by_number_and_never_show_the_pointer(repo: Repo) -> None:
    for n in range(5):
        repo.create_if_absent(S, {"n": n})
    repo.activate(S, "v000002")
    seen: list[str] = []
    page = repo.list_versions(S, limit=2)
    seen += [v.config_id for v in page.items]
    while page.next_cursor is not None:
        page = repo.list_versions(S, limit=2, cursor=page.next_cursor)
        seen += [v.config_id for v in page.items]
    assert seen == [f"v00000{n}" for n in range(5, 0, -1)]
    oldest = repo.list_versions(S, limit=1, newest_first=False).items
    assert [v.config_id for v in oldest] == ["v000001"]
    assert repo.exists((S, POINTER_ID))
    assert repo.find_by_hash(S, ConfigVersion.compute_hash({"n": 3})) == repo.get_version(
        S, "v000004"
    )
