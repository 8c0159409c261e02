"""What only the in-memory twin can show: tokens, copies, locking, value and input checks."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest

from tradai.common.aws.dynamodb.types import (
    KeyCondition,
    KeySchema,
    TransactConditionCheck,
    TransactPut,
    TransactUpdate,
)
from tradai.common.aws.memory.table import InMemoryTable
from tradai.common.exceptions import ConflictError, ValidationError


class FakeClock:
    """Seconds that only move when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _table(clock: FakeClock | None = None) -> InMemoryTable:
    return InMemoryTable(
        "jobs",
        key_schema=KeySchema("pk", "sk"),
        indexes={"by-n": KeySchema("kind", "n")},
        clock=clock or FakeClock(),
    )


def test_a_replayed_token_is_not_applied_twice_within_ten_minutes() -> None:
    clock = FakeClock()
    table = _table(clock)
    table.put({"pk": "a", "sk": "1", "version": 1})
    actions = [TransactUpdate({"pk": "a", "sk": "1"}, {"x": 1}, expected_version=1)]
    assert table.transact_write(actions, client_request_token="t1") == "t1"
    assert table.transact_write(actions, client_request_token="t1") == "t1"  # no conflict
    assert table.get({"pk": "a", "sk": "1"})["version"] == 2  # type: ignore[index]  # present
    with pytest.raises(ConflictError) as info:
        table.transact_write([TransactPut({"pk": "b", "sk": "1"})], client_request_token="t1")
    assert info.value.context["error_code"] == "IdempotentParameterMismatchException"
    clock.now += 601
    with pytest.raises(ConflictError):  # the token expired: applied again, the version is stale
        table.transact_write(actions, client_request_token="t1")


def test_a_cancelled_transaction_does_not_burn_its_token() -> None:
    table = _table()
    actions = [TransactUpdate({"pk": "a", "sk": "1"}, {"x": 1}, expected_version=1)]
    with pytest.raises(ConflictError):
        table.transact_write(actions, client_request_token="t2")
    table.put({"pk": "a", "sk": "1", "version": 1})
    table.transact_write(actions, client_request_token="t2")
    assert table.get({"pk": "a", "sk": "1"}) == {"pk": "a", "sk": "1", "version": 2, "x": 1}


def test_a_generated_token_is_a_uuid() -> None:
    assert len(_table().transact_write([TransactPut({"pk": "a", "sk": "1"})])) == 36


def test_a_condition_check_leaves_the_item_as_it_was() -> None:
    table = _table()
    table.put({"pk": "a", "sk": "1", "v": 1})
    table.transact_write(
        [TransactConditionCheck({"pk": "a", "sk": "1"}, "v = :v", values={":v": 1})]
    )
    assert table.get({"pk": "a", "sk": "1"}) == {"pk": "a", "sk": "1", "v": 1}
    with pytest.raises(ValidationError):
        table.transact_write([TransactConditionCheck({"pk": "a", "sk": "1"}, "")])


def test_an_unsupported_condition_is_refused_and_nothing_is_written() -> None:
    table = _table()
    with pytest.raises(ValidationError, match="understands only"):
        table.put({"pk": "a", "sk": "1"}, condition="size(pk) > :n", values={":n": 0})
    assert table.get({"pk": "a", "sk": "1"}) is None


def test_returned_items_are_copies() -> None:
    table = _table()
    item: dict[str, Any] = {"pk": "a", "sk": "1", "tags": ["x"]}
    table.put(item)
    item["tags"].append("mutated")
    read = table.get({"pk": "a", "sk": "1"})
    assert read == {"pk": "a", "sk": "1", "tags": ["x"]}
    read["tags"].append("again")
    assert table.get({"pk": "a", "sk": "1"}) == {"pk": "a", "sk": "1", "tags": ["x"]}


def test_values_are_stored_as_dynamodb_returns_them() -> None:
    table = _table()
    table.put({"pk": "a", "sk": "1", "b": bytearray(b"\x01"), "t": (1, "x"), "s": frozenset({2})})
    assert table.get({"pk": "a", "sk": "1"}) == {
        "pk": "a", "sk": "1", "b": b"\x01", "t": [Decimal(1), "x"], "s": {Decimal(2)},
    }  # fmt: skip


@pytest.mark.parametrize(
    "value",
    [set(), {1, "a"}, {True}, Decimal("NaN"), Decimal("Infinity"), 10**40, 0.5, object(), {1: 2}],
    ids=[
        "empty-set",
        "mixed-set",
        "bool-set",
        "nan",
        "inf",
        "too-long",
        "float",
        "object",
        "int-key",
    ],
)
def test_values_dynamodb_cannot_store_are_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        _table().put({"pk": "a", "sk": "1", "v": value})


@pytest.mark.parametrize(
    "key",
    [{"pk": "", "sk": "1"}, {"pk": "a", "sk": 1.5}, {"pk": "a", "sk": None}, {"pk": "a", "x": "1"}],
)
def test_malformed_keys_are_refused(key: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        _table().get(key)


def test_items_and_transaction_actions_must_have_the_right_shape() -> None:
    with pytest.raises(ValidationError, match="must be a mapping"):
        _table().put([("pk", "a")])  # type: ignore[arg-type]  # on purpose
    with pytest.raises(ValidationError, match="unknown transaction action"):
        _table().transact_write([{"pk": "a", "sk": "1"}])  # type: ignore[list-item]  # on purpose


def test_index_keys_must_be_scalars() -> None:
    with pytest.raises(ValidationError):
        _table().put({"pk": "a", "sk": "1", "kind": ["x"]})
    with pytest.raises(ValidationError):
        _table().update({"pk": "a", "sk": "1"}, {"n": True})


@pytest.mark.parametrize(
    ("partition", "options"),
    [
        ({"pk": "a"}, {"index": "nope"}),
        ({"kind": "a"}, {"index": "by-n", "consistent_read": True}),
        ({"sk": "a"}, {}),
        ({"pk": "a"}, {"sort": KeyCondition.eq("other", "1")}),
        ({"pk": "a"}, {"sort": "sk = :x"}),
        ({"pk": "a", "sk": "1"}, {}),
        ({"pk": "a"}, {"start_key": {"pk": "a"}}),
        ({"pk": "a"}, {"filter_expression": "a = b"}),
        ({"pk": "a"}, {"values": {":x": 1}}),
    ],
)
def test_malformed_queries_are_refused_when_called(
    partition: dict[str, Any], options: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        _table().query(partition, **options)


def test_numbers_and_bytes_sort_like_dynamodb() -> None:
    table = InMemoryTable("nums", key_schema=KeySchema("pk", "n"))
    table.batch_write(puts=[{"pk": "a", "n": n} for n in (10, 2, -1, Decimal("2.5"))])
    assert [i["n"] for i in table.query({"pk": "a"})] == [-1, 2, Decimal("2.5"), 10]
    assert [i["n"] for i in table.query({"pk": "a"}, descending=True, limit=2)] == [10, 2.5]
    raw = InMemoryTable("raw", key_schema=KeySchema("k"))
    raw.batch_write(puts=[{"k": b"\x02"}, {"k": b"\x01"}])
    assert [i["k"] for i in raw.scan()] == [b"\x01", b"\x02"]


def test_a_table_without_sort_key_scans_and_pages_in_key_order() -> None:
    table = InMemoryTable("flat", key_schema=KeySchema("id"))
    table.batch_write(puts=[{"id": f"{i}"} for i in range(5)])
    first = table.scan_page(page_size=2)
    assert [i["id"] for i in first.items] == ["0", "1"]
    second = table.scan_page(page_size=2, start_key=first.last_key)
    assert [i["id"] for i in second.items] == ["2", "3"]
    assert table.key_schema == KeySchema("id")
    assert repr(table) == "InMemoryTable(table_name='flat', items=5)"


def test_update_with_a_single_attribute_name_to_remove() -> None:
    table = _table()
    table.put({"pk": "a", "sk": "1", "error": "x", "ok": True})
    assert table.update({"pk": "a", "sk": "1"}, remove="error") == {
        "pk": "a",
        "sk": "1",
        "ok": True,
    }


def test_concurrent_versioned_updates_never_lose_a_write() -> None:
    table = _table()
    table.put({"pk": "a", "sk": "1", "version": 0, "count": 0})
    conflicts = 0
    lock = threading.Lock()

    def bump() -> None:
        nonlocal conflicts
        for _ in range(50):
            while True:
                item = table.get({"pk": "a", "sk": "1"})
                assert item is not None
                try:
                    table.update(
                        {"pk": "a", "sk": "1"},
                        {"count": item["count"] + 1},
                        expected_version=int(item["version"]),
                    )
                    break
                except ConflictError:
                    with lock:
                        conflicts += 1

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = table.get({"pk": "a", "sk": "1"})
    assert final is not None
    assert final["count"] == final["version"] == 200
