"""One contract for the KeyValueTable port: InMemoryTable and DynamoDBTable (on moto) alike.

Both tables have the key ``(pk, sk)`` and a global secondary index ``by-status`` on
``(status, sk)``. The DynamoDB adapter gets no key schema, so it reads it with
``DescribeTable`` when it needs it; it runs twice, over a low-level client and over a
boto3 resource (whose client serializes values itself).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.adapter import DynamoDBTable
from tradai.common.aws.dynamodb.protocols import KeyValueTable
from tradai.common.aws.dynamodb.types import (
    KeyCondition,
    KeySchema,
    TransactAction,
    TransactConditionCheck,
    TransactDelete,
    TransactPut,
    TransactUpdate,
)
from tradai.common.aws.memory.table import InMemoryTable
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus
from tradai.common.exceptions import ConflictError, ValidationError

TABLE = "contract-orders"


def _memory() -> KeyValueTable:
    return InMemoryTable(
        TABLE,
        key_schema=KeySchema("pk", "sk"),
        indexes={"by-status": KeySchema("status", "sk")},
    )


def _dynamodb(*, resource: bool = False) -> KeyValueTable:
    factory = ClientFactory()
    client = factory.client("dynamodb")
    client.create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"} for name in ("pk", "sk", "status")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-status",
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    if resource:  # a boto3 resource's client serializes values itself
        return DynamoDBTable(TABLE, client=factory.resource("dynamodb"))
    return DynamoDBTable(TABLE, client=client)


@pytest.fixture(
    params=[
        "memory",
        pytest.param("dynamodb", marks=pytest.mark.integration),
        pytest.param("dynamodb-resource", marks=pytest.mark.integration),
    ]
)
def table(request: pytest.FixtureRequest) -> KeyValueTable:
    if request.param == "memory":
        return _memory()
    request.getfixturevalue("aws")
    return _dynamodb(resource=request.param == "dynamodb-resource")


def _item(sk: str, **extra: Any) -> dict[str, Any]:
    return {"pk": "p", "sk": sk, **extra}


def _fill(table: KeyValueTable, count: int, **extra: Any) -> None:
    table.batch_write(puts=[_item(f"{i:03d}", n=i, **extra) for i in range(count)])


def _collect(read_page: Callable[..., Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    page = read_page(start_key=None)
    items.extend(page.items)
    while page.last_key is not None:
        page = read_page(start_key=page.last_key)
        items.extend(page.items)
    return items


# ---------------------------------------------------------------- single items
def test_an_item_round_trips_with_numbers_as_decimal(table: KeyValueTable) -> None:
    item = _item(
        "a", n=7, price=Decimal("0.1"), ok=True, none=None, raw=b"\x00\x01",
        tags={"x", "y"}, nums={1, 2}, nested={"list": [1, "two", {"three": Decimal("3.5")}]},
    )  # fmt: skip
    table.put(item)
    assert table.get({"pk": "p", "sk": "a"}) == {
        **item, "n": Decimal(7), "nums": {Decimal(1), Decimal(2)},
        "nested": {"list": [Decimal(1), "two", {"three": Decimal("3.5")}]},
    }  # fmt: skip


def test_an_entity_round_trips_and_moves_on_under_optimistic_locking(
    table: KeyValueTable,
) -> None:
    config = BacktestConfig(strategy="S", timeframe="1h", start_date="2024-01-01",
                            end_date="2024-01-31", symbols=["BTC/USDT"])  # fmt: skip
    job = BacktestJobStatus(job_id="job-1", config=config)
    key = {"pk": "jobs", "sk": job.job_id}
    table.put({**key, **job.to_dynamodb_item()}, if_not_exists=True)
    stored = table.get(key)
    assert stored is not None
    assert (
        BacktestJobStatus.from_dynamodb_item({k: stored[k] for k in stored if k not in key}) == job
    )
    running = job.with_status(JobStatus.RUNNING)
    changes = {k: v for k, v in running.to_dynamodb_item().items() if k != "version"}
    new = table.update(key, changes, expected_version=job.version)
    assert new["version"] == job.version + 1
    with pytest.raises(ConflictError):  # a second writer still holding the old version loses
        table.update(key, changes, expected_version=job.version)


def test_a_missing_item_reads_as_none(table: KeyValueTable) -> None:
    assert table.get({"pk": "p", "sk": "nope"}) is None


def test_floats_are_refused_before_anything_is_written(table: KeyValueTable) -> None:
    with pytest.raises(ValidationError, match="use Decimal"):
        table.put(_item("a", price=0.1))
    assert table.get({"pk": "p", "sk": "a"}) is None


def test_a_key_missing_its_sort_key_is_refused(table: KeyValueTable) -> None:
    with pytest.raises(ValidationError):
        table.get({"pk": "p"})


def test_put_if_not_exists_conflicts_and_carries_the_stored_item(table: KeyValueTable) -> None:
    table.put(_item("a", v=1), if_not_exists=True)
    with pytest.raises(ConflictError) as info:
        table.put(_item("a", v=2), if_not_exists=True)
    assert info.value.current == _item("a", v=Decimal(1))
    assert info.value.context["operation"] == "PutItem"
    assert info.value.context["resource"] == TABLE
    assert info.value.context["error_code"] == "ConditionalCheckFailedException"
    assert table.get({"pk": "p", "sk": "a"}) == _item("a", v=Decimal(1))


def test_put_with_a_generic_condition(table: KeyValueTable) -> None:
    table.put(_item("a", status="NEW"))
    table.put(
        _item("a", status="DONE"), condition="#s = :s", names={"#s": "status"}, values={":s": "NEW"}
    )
    with pytest.raises(ConflictError) as info:
        table.put(
            _item("a", status="X"),
            condition="#s = :s",
            names={"#s": "status"},
            values={":s": "NEW"},
        )
    assert info.value.current == _item("a", status="DONE")


def test_unused_or_missing_placeholders_are_refused(table: KeyValueTable) -> None:
    with pytest.raises(ValidationError, match="does not use"):
        table.put(_item("a"), condition="attribute_exists(pk)", values={":x": 1})
    with pytest.raises(ValidationError, match="not given"):
        table.put(_item("a"), condition="#s = :s", names={"#s": "status"})
    assert table.get({"pk": "p", "sk": "a"}) is None


def test_update_sets_and_removes_and_returns_the_new_item(table: KeyValueTable) -> None:
    table.put(_item("a", status="NEW", error="boom", n=1))
    new = table.update({"pk": "p", "sk": "a"}, {"status": "DONE", "n": 2}, remove=["error"])
    assert new == _item("a", status="DONE", n=Decimal(2))
    assert table.get({"pk": "p", "sk": "a"}) == new


def test_update_creates_a_missing_item(table: KeyValueTable) -> None:
    assert table.update({"pk": "p", "sk": "new"}, {"x": "y"}) == _item("new", x="y")


def test_update_with_the_expected_version_bumps_it(table: KeyValueTable) -> None:
    table.put(_item("a", version=1))
    new = table.update({"pk": "p", "sk": "a"}, {"x": 1}, expected_version=1)
    assert new["version"] == Decimal(2)
    with pytest.raises(ConflictError) as info:
        table.update({"pk": "p", "sk": "a"}, {"x": 2}, expected_version=1)
    assert info.value.current == _item("a", version=Decimal(2), x=Decimal(1))


def test_a_version_check_on_a_missing_item_conflicts_with_no_current(
    table: KeyValueTable,
) -> None:
    with pytest.raises(ConflictError) as info:
        table.update({"pk": "p", "sk": "ghost"}, {"x": 1}, expected_version=0)
    assert info.value.current is None


@pytest.mark.parametrize(
    ("changes", "options"),
    [
        ({}, {}),
        ({"a": 1}, {"remove": ["a"]}),
        ({"version": 3}, {"expected_version": 2}),
        ({"sk": "other"}, {}),
    ],
    ids=["nothing", "set-and-remove", "version-by-hand", "key-attribute"],
)
def test_malformed_updates_are_refused(
    table: KeyValueTable, changes: dict[str, Any], options: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        table.update({"pk": "p", "sk": "a"}, changes, **options)


def test_delete_returns_the_old_item_and_honours_the_version(table: KeyValueTable) -> None:
    assert table.delete({"pk": "p", "sk": "none"}) is None
    table.put(_item("a", version=3))
    with pytest.raises(ConflictError) as info:
        table.delete({"pk": "p", "sk": "a"}, expected_version=2)
    assert info.value.current == _item("a", version=Decimal(3))
    assert table.delete({"pk": "p", "sk": "a"}, expected_version=3) == _item("a", version=3)
    assert table.get({"pk": "p", "sk": "a"}) is None


# ---------------------------------------------------------------- reads
def test_query_orders_by_sort_key_and_honours_key_conditions(table: KeyValueTable) -> None:
    _fill(table, 6)
    table.put({"pk": "other", "sk": "001"})
    sks = [i["sk"] for i in table.query({"pk": "p"})]
    assert sks == ["000", "001", "002", "003", "004", "005"]
    between = table.query({"pk": "p"}, sort=KeyCondition.between("sk", "001", "003"))
    assert [i["sk"] for i in between] == ["001", "002", "003"]
    desc = table.query({"pk": "p"}, sort=KeyCondition.begins_with("sk", "00"), descending=True)
    assert [i["sk"] for i in desc][:2] == ["005", "004"]
    assert [i["sk"] for i in table.query({"pk": "p"}, sort=KeyCondition.gt("sk", "004"))] == ["005"]


def test_query_limit_and_page_size_bound_what_is_read(table: KeyValueTable) -> None:
    _fill(table, 7)
    assert len(list(table.query({"pk": "p"}, page_size=2, limit=5))) == 5
    assert list(table.query({"pk": "p"}, limit=0)) == []
    assert len(list(table.query({"pk": "p"}, page_size=3))) == 7


def test_query_pages_follow_last_key_to_every_item(table: KeyValueTable) -> None:
    _fill(table, 5)
    items = _collect(lambda **kw: table.query_page({"pk": "p"}, page_size=2, **kw))
    assert [i["sk"] for i in items] == ["000", "001", "002", "003", "004"]


def test_a_filtered_page_can_be_empty_and_still_carry_a_last_key(table: KeyValueTable) -> None:
    _fill(table, 5)
    filtered: dict[str, Any] = {"filter_expression": "n >= :three", "values": {":three": 3}}
    first = table.query_page({"pk": "p"}, page_size=2, **filtered)
    assert first.items == ()
    assert first.last_key == {"pk": "p", "sk": "001"}
    assert first.scanned_count == 2
    assert [i["n"] for i in table.query({"pk": "p"}, page_size=2, **filtered)] == [3, 4]


def test_a_secondary_index_is_queried_and_paged(table: KeyValueTable) -> None:
    table.batch_write(puts=[_item(f"{i}", status="OPEN" if i % 2 else "DONE") for i in range(7)])
    table.put({"pk": "q", "sk": "9", "status": "OPEN"})
    pages = _collect(
        lambda **kw: table.query_page({"status": "OPEN"}, index="by-status", page_size=2, **kw)
    )
    assert [(i["pk"], i["sk"]) for i in pages] == [("p", "1"), ("p", "3"), ("p", "5"), ("q", "9")]


def test_scan_reads_every_item_and_applies_filters(table: KeyValueTable) -> None:
    _fill(table, 5)
    table.put({"pk": "q", "sk": "x", "n": 10})
    assert len(list(table.scan())) == 6
    big = table.scan(filter_expression="#n > :two", names={"#n": "n"}, values={":two": 2})
    assert sorted(i["n"] for i in big) == [3, 4, 10]
    items = _collect(lambda **kw: table.scan_page(page_size=4, **kw))
    assert sorted((i["pk"], i["sk"]) for i in items) == sorted(
        (i["pk"], i["sk"]) for i in table.scan()
    )


# ---------------------------------------------------------------- batches
def test_batch_write_puts_and_deletes_across_chunks(table: KeyValueTable) -> None:
    _fill(table, 60)
    assert len(list(table.query({"pk": "p"}))) == 60
    applied = table.batch_write(
        puts=[_item("new"), _item("new", v=2)],
        deletes=[{"pk": "p", "sk": f"{i:03d}"} for i in range(30)],
    )
    assert applied == 31  # the duplicate put collapsed, the last one won
    assert len(list(table.query({"pk": "p"}))) == 31
    assert table.get({"pk": "p", "sk": "new"}) == _item("new", v=Decimal(2))


def test_batch_write_refuses_a_key_both_put_and_deleted(table: KeyValueTable) -> None:
    with pytest.raises(ValidationError):
        table.batch_write(puts=[_item("a")], deletes=[{"pk": "p", "sk": "a"}])
    with pytest.raises(ValidationError):
        table.batch_write(puts=[{"pk": "p"}])


def test_batch_get_keeps_the_order_of_keys_and_skips_missing(table: KeyValueTable) -> None:
    _fill(table, 150)
    keys = [{"pk": "p", "sk": f"{i:03d}"} for i in range(149, -1, -1)]
    keys += [{"pk": "p", "sk": "missing"}, {"pk": "p", "sk": "000"}]
    found = table.batch_get(keys)
    assert [i["sk"] for i in found] == [f"{i:03d}" for i in range(149, -1, -1)]
    assert table.batch_get([]) == []


# ---------------------------------------------------------------- transactions
def test_a_transaction_applies_every_action(table: KeyValueTable) -> None:
    table.put(_item("old", version=1))
    table.put(_item("gone"))
    token = table.transact_write(
        [
            TransactPut(_item("new"), if_not_exists=True),
            TransactUpdate({"pk": "p", "sk": "old"}, {"x": 1}, expected_version=1),
            TransactDelete({"pk": "p", "sk": "gone"}),
        ]
    )
    assert 1 <= len(token) <= 36
    assert table.get({"pk": "p", "sk": "new"}) == _item("new")
    assert table.get({"pk": "p", "sk": "old"}) == _item("old", version=2, x=1)
    assert table.get({"pk": "p", "sk": "gone"}) is None


def test_a_cancelled_transaction_lists_reasons_and_applies_nothing(table: KeyValueTable) -> None:
    table.put(_item("taken", owner="someone"))
    table.put(_item("owned", owner="me"))
    actions: list[TransactAction] = [
        TransactPut(_item("fresh")),
        TransactPut(_item("taken"), if_not_exists=True),
        TransactConditionCheck(
            {"pk": "p", "sk": "owned"}, "attribute_exists(#o)", names={"#o": "owner"}
        ),
    ]
    with pytest.raises(ConflictError) as info:
        table.transact_write(actions, client_request_token="tok-1")
    assert info.value.context["reasons"] == ["None", "ConditionalCheckFailed", "None"]
    assert info.value.current == [None, _item("taken", owner="someone"), None]
    assert info.value.context["operation"] == "TransactWriteItems"
    assert table.get({"pk": "p", "sk": "fresh"}) is None


@pytest.mark.parametrize("count", [0, 101])
def test_a_transaction_holds_one_to_a_hundred_actions(table: KeyValueTable, count: int) -> None:
    with pytest.raises(ValidationError):
        table.transact_write([TransactPut(_item(f"{i}")) for i in range(count)])


def test_a_transaction_cannot_touch_one_item_twice(table: KeyValueTable) -> None:
    with pytest.raises(ValidationError):
        table.transact_write([TransactPut(_item("a")), TransactDelete({"pk": "p", "sk": "a"})])
