"""call_with_refresh: on AuthenticationError, refresh the secret ONCE and retry ONCE."""

from __future__ import annotations

import pytest

from tradai.common.aws.memory.secrets import InMemorySecretsStore
from tradai.common.aws.secrets_manager import call_with_refresh
from tradai.common.exceptions import AuthenticationError, NotFoundError


class Exchange:
    """Accepts one key; records every key it was called with."""

    def __init__(self, accepted: str) -> None:
        self.accepted = accepted
        self.calls: list[str] = []

    def __call__(self, key: str) -> str:
        self.calls.append(key)
        if key != self.accepted:
            raise AuthenticationError("invalid API key")
        return "balance"


class CountingStore(InMemorySecretsStore):
    def __init__(self, secrets: dict[str, str]) -> None:
        super().__init__(secrets)
        self.refreshes = 0

    def refresh(self, name: str) -> None:
        self.refreshes += 1
        super().refresh(name)


def test_an_accepted_secret_is_used_once_without_refresh() -> None:
    store, exchange = CountingStore({"k": "new"}), Exchange("new")
    assert call_with_refresh(store, "k", exchange) == "balance"
    assert (exchange.calls, store.refreshes) == (["new"], 0)


def test_a_rejected_secret_is_refreshed_once_and_the_call_retried_once() -> None:
    store, exchange = CountingStore({"k": "old"}), Exchange("new")

    def fn(key: str) -> str:
        if key == "old":
            store.rotate("k", "new")  # rotated while the old key was in use
        return exchange(key)

    assert call_with_refresh(store, "k", fn) == "balance"
    assert exchange.calls == ["old", "new"]
    assert store.refreshes == 1


def test_an_unchanged_secret_is_not_retried_and_the_error_propagates() -> None:
    store, exchange = CountingStore({"k": "bad"}), Exchange("good")
    with pytest.raises(AuthenticationError):
        call_with_refresh(store, "k", exchange)
    assert exchange.calls == ["bad"]
    assert store.refreshes == 1


def test_a_second_rejection_propagates_without_another_refresh() -> None:
    store, exchange = CountingStore({"k": "old"}), Exchange("never")

    def fn(key: str) -> str:
        if key == "old":
            store.rotate("k", "also-bad")
        return exchange(key)

    with pytest.raises(AuthenticationError):
        call_with_refresh(store, "k", fn)
    assert exchange.calls == ["old", "also-bad"]
    assert store.refreshes == 1


def test_other_errors_of_fn_are_not_retried() -> None:
    store = CountingStore({"k": "v"})

    def fn(key: str) -> str:
        raise RuntimeError("exchange down")

    with pytest.raises(RuntimeError):
        call_with_refresh(store, "k", fn)
    assert store.refreshes == 0


def test_a_refresh_that_fails_raises_its_own_error() -> None:
    store = CountingStore({"k": "v"})

    def fn(key: str) -> str:
        store.delete("k")
        raise AuthenticationError("rejected")

    with pytest.raises(NotFoundError) as info:
        call_with_refresh(store, "k", fn)
    assert isinstance(info.value.__context__, AuthenticationError)
