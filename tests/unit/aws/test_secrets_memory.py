"""The in-memory secrets store: the twin's own helpers, thread safety and secrecy."""

from __future__ import annotations

import threading

import pytest

from tradai.common.aws.memory.secrets import InMemorySecretsStore
from tradai.common.aws.secrets_manager import SecretsStore
from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.protocols import SecretsProvider


def test_it_satisfies_the_port_and_the_shared_secrets_provider_protocol() -> None:
    store = InMemorySecretsStore()
    assert isinstance(store, SecretsStore)
    assert isinstance(store, SecretsProvider)


def test_initial_secrets_put_rotate_and_delete() -> None:
    store = InMemorySecretsStore({"a": "1", "b": b"2", "c": {"k": "v"}})
    assert (store.get_secret("a"), store.get_secret("b")) == ("1", "2")
    assert store.get_secret_json("c") == {"k": "v"}
    store.rotate("a", "1b")
    assert store.get_secret("a") == "1b"
    store.delete("a")
    with pytest.raises(NotFoundError):
        store.get_secret("a")


def test_rotate_and_delete_of_a_missing_secret_are_not_found() -> None:
    store = InMemorySecretsStore()
    with pytest.raises(NotFoundError) as info:
        store.rotate("tradai/x", "v")
    assert info.value.context["error_code"] == "ResourceNotFoundException"
    with pytest.raises(NotFoundError):
        store.delete("tradai/x")


@pytest.mark.parametrize("value", ["", b"", 5, None, ["a"]])
def test_empty_or_non_text_values_are_refused(value: object) -> None:
    with pytest.raises(ValidationError) as info:
        InMemorySecretsStore().put_secret("s", value)  # type: ignore[arg-type]  # on purpose
    assert info.value.field == "value"


def test_bad_names_are_refused_by_every_method() -> None:
    store = InMemorySecretsStore()
    for call in (
        lambda: store.put_secret("-x", "v"),
        lambda: store.rotate("a b", "v"),
        lambda: store.delete("x;y"),
        lambda: store.get_secret("x\n"),
        lambda: store.get_secret_json(""),
        lambda: store.refresh("ѕ"),
    ):
        with pytest.raises(ValidationError):
            call()


def test_reads_are_counted() -> None:
    store = InMemorySecretsStore({"a": '{"x": 1}'})
    store.get_secret("a")
    store.get_secret_json("a")
    store.refresh("a")
    assert store.reads == 2


def test_values_never_appear_in_repr_or_str() -> None:
    store = InMemorySecretsStore({"tradai/s": "TOPSECRET-1"})
    assert "TOPSECRET-1" not in repr(store)
    assert "TOPSECRET-1" not in str(store)
    assert repr(store) == "InMemorySecretsStore(secrets=1)"


def test_concurrent_rotations_and_reads_are_consistent() -> None:
    store = InMemorySecretsStore({"s": "v0"})
    seen: set[str] = set()

    def rotate() -> None:
        for i in range(200):
            store.rotate("s", f"v{i}")

    def read() -> None:
        for _ in range(200):
            seen.add(store.get_secret("s"))

    threads = [threading.Thread(target=f) for f in (rotate, read, read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert store.get_secret("s") == "v199"
    assert seen <= {f"v{i}" for i in range(200)} | {"v0"}
    assert store.reads == 401
