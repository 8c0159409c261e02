"""In-memory repositories: the stateful store's versioned saves, copies and thread safety."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.entities.trading_state import TradingState
from tradai.common.exceptions import ConfigurationError, ConflictError, ValidationError
from tradai.common.repositories.in_memory import (
    InMemoryCrudRepository,
    InMemoryStatefulRepository,
)
from tradai.common.repositories.pagination import CursorSigner
from tradai.common.repositories.protocols import (
    CrudRepository,
    PaginatedRepository,
    Repository,
    StatefulRepository,
    VersionedState,
)


def test_a_save_states_the_version_it_was_based_on() -> None:
    store = InMemoryStatefulRepository[dict[str, int]]()
    first = store.save("exp", {"n": 1}, expected_version=0)
    assert first == VersionedState("exp", {"n": 1}, 1)
    second = store.save("exp", {"n": 2}, expected_version=1)
    assert store.load("exp") == second == VersionedState("exp", {"n": 2}, 2)


def test_a_stale_save_conflicts_with_the_stored_state_and_changes_nothing() -> None:
    store = InMemoryStatefulRepository[str]()
    store.save("k", "a", expected_version=0)
    winner = store.save("k", "b", expected_version=1)
    with pytest.raises(ConflictError) as info:
        store.save("k", "c", expected_version=1)
    assert info.value.current == winner
    assert info.value.context == {"key": "k", "expected_version": 1}
    with pytest.raises(ConflictError) as info:
        store.save("k", "d", expected_version=0)
    assert store.load("k") == winner
    with pytest.raises(ConflictError) as info:
        store.save("missing", "x", expected_version=3)
    assert info.value.current is None


def test_deletes_are_version_checked_when_asked() -> None:
    store = InMemoryStatefulRepository[str]()
    assert store.delete("k") is False
    store.save("k", "a", expected_version=0)
    with pytest.raises(ConflictError):
        store.delete("k", expected_version=7)
    assert store.delete("k", expected_version=1) is True
    assert store.load("k") is None
    store.save("k", "again", expected_version=0)
    assert store.delete("k") is True


def test_states_are_copied_in_and_out() -> None:
    store = InMemoryStatefulRepository[dict[str, list[int]]]()
    state = {"hits": [1]}
    saved = store.save("k", state, expected_version=0)
    state["hits"].append(2)
    saved.value["hits"].append(3)
    loaded = store.load("k")
    assert loaded is not None
    assert loaded.value == {"hits": [1]}


def test_keys_are_listed_sorted() -> None:
    store = InMemoryStatefulRepository[int]()
    for key in ("b", "a", "c"):
        store.save(key, 1, expected_version=0)
    assert store.keys() == ["a", "b", "c"]
    assert repr(store) == "InMemoryStatefulRepository(keys=3)"


@pytest.mark.parametrize("key", ["", 5, None, "x" * 1025, "a\x00b"])
def test_bad_keys_are_refused(key: Any) -> None:
    store = InMemoryStatefulRepository[int]()
    for call in (
        lambda: store.load(key),
        lambda: store.save(key, 1, expected_version=0),
        lambda: store.delete(key),
    ):
        with pytest.raises(ValidationError):
            call()


@pytest.mark.parametrize("version", [-1, True, 1.0, "1"])
def test_bad_versions_are_refused(version: Any) -> None:
    store = InMemoryStatefulRepository[int]()
    with pytest.raises(ValidationError):
        store.save("k", 1, expected_version=version)
    with pytest.raises(ValidationError):
        store.delete("k", expected_version=version)


def test_concurrent_compare_and_swap_loses_no_increment() -> None:
    store = InMemoryStatefulRepository[int]()
    store.save("counter", 0, expected_version=0)
    workers, increments = 8, 200

    def work() -> None:
        done = 0
        while done < increments:
            current = store.load("counter")
            assert current is not None
            try:
                store.save("counter", current.value + 1, expected_version=current.version)
            except ConflictError:
                continue
            done += 1

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = store.load("counter")
    assert final is not None
    assert final.value == workers * increments
    assert final.version == workers * increments + 1


def test_the_crud_twin_builds_its_own_table() -> None:
    repo = InMemoryCrudRepository(
        entity=TradingState, keys=KeySchema("strategy_id"), table_name="twin-states",
        cursor_signer=CursorSigner("twin-cursor-secret!"),
    )  # fmt: skip
    assert repo.table.table_name == "twin-states"
    assert repo.create(TradingState(strategy_id="s", instance_id="i")).version == 1
    with pytest.raises(ConfigurationError):
        InMemoryCrudRepository(entity=TradingState)


def test_the_twins_satisfy_the_protocols() -> None:
    crud = InMemoryCrudRepository(entity=TradingState, keys=KeySchema("strategy_id"))
    assert isinstance(crud, CrudRepository)
    assert isinstance(crud, Repository)
    assert isinstance(crud, PaginatedRepository)
    assert isinstance(InMemoryStatefulRepository[int](), StatefulRepository)
    assert not isinstance(InMemoryStatefulRepository[int](), CrudRepository)


def _typed(repo: CrudRepository[TradingState, str], store: StatefulRepository[int]) -> None:
    """Static check (mypy): the implementations fit the generic protocols."""


def test_the_implementations_fit_the_generic_protocols_statically() -> None:
    _typed(
        InMemoryCrudRepository(entity=TradingState, keys=KeySchema("strategy_id")),
        InMemoryStatefulRepository[int](),
    )
