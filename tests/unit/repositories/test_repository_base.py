"""DynamoDBRepository over the in-memory table: versions, conditions, keys, configuration."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import pytest

from tradai.common.aws.dynamodb.types import KeyCondition, KeySchema
from tradai.common.aws.memory.table import InMemoryTable
from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.exceptions import (
    ConfigurationError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from tradai.common.repositories.base import DynamoDBRepository
from tradai.common.repositories.crud import CrudDynamoDBRepository
from tradai.common.repositories.pagination import CursorSigner
from tradai.common.repositories.query import Query

SIGNER = CursorSigner("unit-test-cursor-secret")
DAY = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


class Kind(str, enum.Enum):
    A = "a"
    B = "b"


class Order(DynamoDBSerializableMixin):
    order_id: str
    status: str = "open"
    price: float = 1.5
    version: int = 0


class Event(DynamoDBSerializableMixin):
    stream: Kind
    at: dt.datetime
    payload: str = ""
    version: int = 0


class Orders(CrudDynamoDBRepository[Order]):
    entity = Order
    keys = KeySchema("order_id")
    table_setting = "ORDERS_TABLE"


def _orders() -> Orders:
    return Orders(InMemoryTable("orders", key_schema=KeySchema("order_id")), cursor_signer=SIGNER)


def _events() -> CrudDynamoDBRepository[Event]:
    schema = KeySchema("stream", "at")
    return CrudDynamoDBRepository(
        InMemoryTable("events", key_schema=schema), entity=Event, keys=schema,
        cursor_signer=SIGNER,
    )  # fmt: skip


# ---------------------------------------------------------------- versions
def test_put_of_a_new_entity_stores_version_one_and_returns_it() -> None:
    repo = _orders()
    saved = repo.put(Order(order_id="o1"))
    assert saved == Order(order_id="o1", version=1)
    assert repo.get("o1") == saved
    assert repo.table.get({"order_id": "o1"}) == {
        "order_id": "o1", "status": "open", "price": Decimal("1.5"), "version": 1,
    }  # fmt: skip


def test_each_save_moves_the_version_on_by_one() -> None:
    repo = _orders()
    first = repo.put(Order(order_id="o1"))
    second = repo.put(first.model_copy(update={"status": "filled"}))
    third = repo.update(second.model_copy(update={"status": "closed"}))
    assert (first.version, second.version, third.version) == (1, 2, 3)


def test_a_stale_put_raises_conflict_with_the_stored_entity_and_changes_nothing() -> None:
    repo = _orders()
    first = repo.put(Order(order_id="o1"))
    winner = repo.put(first.model_copy(update={"status": "filled"}))
    with pytest.raises(ConflictError) as info:
        repo.put(first.model_copy(update={"status": "cancelled"}))
    assert info.value.current == winner
    assert info.value.context["table"] == "orders"
    assert repo.get("o1") == winner


def test_put_of_version_zero_over_a_stored_entity_conflicts() -> None:
    repo = _orders()
    stored = repo.put(Order(order_id="o1"))
    with pytest.raises(ConflictError) as info:
        repo.put(Order(order_id="o1", status="other"))
    assert info.value.current == stored


def test_a_record_stored_without_a_version_is_adopted_by_a_version_zero_write() -> None:
    repo = _orders()
    repo.table.put({"order_id": "legacy", "status": "old", "price": Decimal(2)})
    legacy = repo.get("legacy")
    assert legacy == Order(order_id="legacy", status="old", price=2.0, version=0)
    assert repo.update(legacy.model_copy(update={"status": "new"})).version == 1
    with pytest.raises(ConflictError):
        repo.update(legacy)


def test_create_refuses_an_existing_key_and_reports_the_stored_entity() -> None:
    repo = _orders()
    stored = repo.create(Order(order_id="o1", version=9))
    assert stored.version == 1
    with pytest.raises(ConflictError) as info:
        repo.create(Order(order_id="o1", status="dup"))
    assert info.value.current == stored


def test_update_of_a_missing_entity_is_not_found() -> None:
    with pytest.raises(NotFoundError) as info:
        _orders().update(Order(order_id="nope", version=3))
    assert info.value.key == {"order_id": "nope"}
    with pytest.raises(NotFoundError):
        _orders().update(Order(order_id="nope"))


def test_update_with_an_explicit_expected_version() -> None:
    repo = _orders()
    repo.create(Order(order_id="o1"))
    assert repo.update(Order(order_id="o1", status="x"), expected_version=1).version == 2
    with pytest.raises(ConflictError):
        repo.update(Order(order_id="o1", status="y", version=2), expected_version=1)


def test_delete_is_conditional_on_existence_and_on_the_version() -> None:
    repo = _orders()
    assert repo.delete("o1") is False
    stored = repo.create(Order(order_id="o1"))
    newer = repo.update(stored.model_copy(update={"status": "x"}))
    with pytest.raises(ConflictError) as info:
        repo.delete("o1", expected_version=stored.version)
    assert info.value.current == newer
    assert repo.exists("o1")
    assert repo.delete("o1", expected_version=newer.version) is True
    assert repo.delete("o1", expected_version=newer.version) is False
    assert not repo.exists("o1")
    repo.create(Order(order_id="o2"))
    assert repo.delete("o2") is True


@pytest.mark.parametrize("bad", [-1, True, "1", 1.0, None])
def test_bad_versions_are_refused_before_anything_is_written(bad: Any) -> None:
    repo = _orders()
    repo.create(Order(order_id="o1"))
    with pytest.raises(ValidationError):
        repo.update(Order(order_id="o1", status="x"), expected_version=bad if bad else -1)
    if bad is not None:
        with pytest.raises(ValidationError):
            repo.delete("o1", expected_version=bad)
    assert repo.get("o1") == Order(order_id="o1", version=1)


# ---------------------------------------------------------------- keys
def test_composite_keys_take_tuples_mappings_and_converted_values() -> None:
    repo = _events()
    stored = repo.create(Event(stream=Kind.A, at=DAY, payload="p"))
    assert repo.get((Kind.A, DAY)) == stored
    assert repo.get({"stream": "a", "at": DAY.isoformat()}) == stored
    assert repo.key_of(stored) == {"stream": "a", "at": DAY.isoformat()}
    assert repo.get((Kind.B, DAY)) is None


@pytest.mark.parametrize(
    "key", ["a", ("a",), ("a", DAY, 1), {"stream": "a"}, {"stream": "a", "x": 1}, ("a", None)]
)
def test_keys_that_do_not_fit_the_schema_are_refused(key: Any) -> None:
    with pytest.raises(ValidationError) as info:
        _events().get(key)
    assert info.value.field == "key"


# ---------------------------------------------------------------- reading
def test_a_corrupt_stored_item_raises_validation_error_without_its_values() -> None:
    repo = _orders()
    repo.table.put({"order_id": "bad", "price": "secret-ish-text", "version": 1})
    with pytest.raises(ValidationError, match="price") as info:
        repo.get("bad")
    assert "secret-ish-text" not in str(info.value)


def test_list_pages_through_everything_with_signed_cursors() -> None:
    repo = _orders()
    repo.batch_write(puts=[Order(order_id=f"o{i:02d}") for i in range(7)])
    seen: list[str] = []
    page = repo.list(limit=3)
    seen += [o.order_id for o in page.items]
    while page.next_cursor:
        page = repo.list(limit=3, cursor=page.next_cursor)
        seen += [o.order_id for o in page.items]
    assert sorted(seen) == [f"o{i:02d}" for i in range(7)]
    assert all(o.version == 1 for o in repo.list(limit=10).items)


def test_a_cursor_of_another_table_or_query_is_refused() -> None:
    repo, other = _orders(), _events()
    repo.batch_write(puts=[Order(order_id=f"o{i}") for i in range(3)])
    cursor = repo.list(limit=1).next_cursor
    assert cursor is not None
    other_table = Orders(InMemoryTable("orders-2", key_schema=KeySchema("order_id")),
                         cursor_signer=SIGNER)  # fmt: skip
    for read in (
        lambda: other_table.list(limit=1, cursor=cursor),
        lambda: repo.query(Query.on("order_id", "o1"), cursor=cursor),
        lambda: other.list(limit=1, cursor=cursor),
    ):
        with pytest.raises(ValidationError):
            read()


def test_query_filters_and_orders_through_the_table() -> None:
    repo = _events()
    for hour in range(6):
        at = DAY + dt.timedelta(hours=hour)
        repo.create(Event(stream=Kind.A, at=at, payload="keep" if hour % 2 else "drop"))
    query = (
        Query.on("stream", Kind.A)
        .sort_key(KeyCondition.ge("at", DAY + dt.timedelta(hours=1)))
        .where("payload", "=", "keep")
        .order(descending=True)
        .page_size(2)
    )
    got: list[Event] = []
    page = repo.query(query)
    got += page.items
    while page.next_cursor:
        page = repo.query(query, cursor=page.next_cursor)
        got += page.items
    assert [e.at.hour for e in got] == [5, 3, 1]


def test_a_projected_query_is_refused() -> None:
    with pytest.raises(ValidationError, match="projection"):
        _orders().query(Query.on("order_id", "o1").project("status"))


def test_the_cursor_secret_is_read_only_when_a_cursor_is_needed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TRADAI_CURSOR_SECRET", raising=False)
    repo = Orders(InMemoryTable("orders", key_schema=KeySchema("order_id")))
    repo.create(Order(order_id="o1"))
    assert len(repo.list(limit=5).items) == 1
    with pytest.raises(ConfigurationError, match="TRADAI_CURSOR_SECRET"):
        repo.list(limit=1)
    monkeypatch.setenv("TRADAI_CURSOR_SECRET", "now-it-is-configured")
    assert repo.list(limit=1).next_cursor is not None


def test_batch_write_stores_next_versions_and_deletes_keys() -> None:
    repo = _orders()
    assert repo.batch_write(puts=[Order(order_id="a"), Order(order_id="b", version=4)]) == 2
    assert repo.get("b") == Order(order_id="b", version=5)
    assert repo.batch_write(deletes=["a"]) == 1
    assert repo.get("a") is None


# ---------------------------------------------------------------- configuration
def test_the_table_name_comes_from_an_argument_settings_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ORDERS_TABLE", "orders-from-env")
    assert Orders().table.table_name == "orders-from-env"

    class Settings:
        orders_table = "orders-from-settings"

    assert Orders(settings=Settings()).table.table_name == "orders-from-settings"
    assert Orders(table_name="explicit-orders").table.table_name == "explicit-orders"
    assert repr(Orders(table_name="explicit-orders")) == "Orders(table='explicit-orders')"
    monkeypatch.delenv("ORDERS_TABLE")
    with pytest.raises(ConfigurationError, match="ORDERS_TABLE"):
        Orders()


def test_misconfigured_repositories_fail_at_construction() -> None:
    table = InMemoryTable("orders", key_schema=KeySchema("order_id"))
    with pytest.raises(ConfigurationError):
        DynamoDBRepository(table)  # no entity, no keys
    with pytest.raises(ConfigurationError):
        DynamoDBRepository(entity=Order, keys=KeySchema("order_id"))  # no table at all

    class NoVersion(DynamoDBSerializableMixin):
        order_id: str

    with pytest.raises(ConfigurationError, match="version"):
        DynamoDBRepository(table, entity=NoVersion, keys=KeySchema("order_id"))
    with pytest.raises(ConfigurationError, match="key"):
        Orders(InMemoryTable("orders", key_schema=KeySchema("other")))


def test_properties_expose_the_parts() -> None:
    repo = _orders()
    assert repo.key_schema == KeySchema("order_id")
    assert repo.codec.model is Order
