"""DynamoDBRepository on moto: the conditions it sends, the wire form, settings, pages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from support.services import Service
from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.entities.trading_state import TradingState
from tradai.common.repositories.codecs import EntityCodec
from tradai.common.repositories.crud import CrudDynamoDBRepository
from tradai.common.repositories.pagination import CursorSigner
from tradai.common.repositories.query import Query

pytestmark = pytest.mark.integration

SIGNER = CursorSigner("integration-cursor-secret")


class Reading(DynamoDBSerializableMixin):
    sensor: str
    seq: int
    value: float
    tag: str = ""
    version: int = 0


class Readings(CrudDynamoDBRepository[Reading]):
    entity = Reading
    keys = KeySchema("sensor", "seq")
    table_setting = "READINGS_TABLE"


@pytest.fixture
def client(aws: Service) -> Any:
    client = ClientFactory().client("dynamodb")
    client.create_table(
        TableName="readings",
        KeySchema=[
            {"AttributeName": "sensor", "KeyType": "HASH"},
            {"AttributeName": "seq", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "sensor", "AttributeType": "S"},
            {"AttributeName": "seq", "AttributeType": "N"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


@pytest.fixture
def sent(client: Any) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every (operation, request body) the client sends, from botocore's before-call event."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        calls.append((model.name, json.loads(params["body"] or b"{}")))

    client.meta.events.register("before-call.dynamodb.*", record)
    yield calls
    client.meta.events.unregister("before-call.dynamodb.*", record)


@pytest.fixture
def repo(client: Any, monkeypatch: pytest.MonkeyPatch) -> Readings:
    monkeypatch.setenv("READINGS_TABLE", "readings")
    return Readings(client=client, cursor_signer=SIGNER)


def _conditions(sent: list[tuple[str, dict[str, Any]]]) -> list[tuple[str, str, list[str]]]:
    out = []
    for name, body in sent:
        if name in {"PutItem", "UpdateItem", "DeleteItem"}:
            names = sorted(body.get("ExpressionAttributeNames", {}).values())
            out.append((name, body.get("ConditionExpression", ""), names))
    return out


def test_each_write_sends_its_condition_in_the_same_request(
    repo: Readings, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    created = repo.create(Reading(sensor="s1", seq=1, value=0.5))
    updated = repo.update(created.model_copy(update={"value": 0.75}))
    saved = repo.put(Reading(sensor="s1", seq=2, value=1.0))
    repo.delete(("s1", 2))
    repo.delete(("s1", 1), expected_version=updated.version)
    assert saved.version == 1
    assert _conditions(sent) == [
        ("PutItem", "attribute_not_exists(#n0)", ["sensor"]),
        ("PutItem", "#n0 = :v0", ["version"]),
        ("PutItem", "attribute_not_exists(#n0)", ["version"]),
        ("DeleteItem", "attribute_exists(#n0)", ["sensor"]),
        ("DeleteItem", "#n0 = :v0", ["version"]),
    ]
    put = next(body for name, body in sent if name == "PutItem")
    assert put["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"


def test_the_table_name_comes_from_the_environment_and_the_default_factory(
    repo: Readings,
) -> None:
    repo.create(Reading(sensor="s1", seq=1, value=2.5))
    from_env = Readings(cursor_signer=SIGNER)
    assert from_env.table.table_name == "readings"
    assert from_env.get(("s1", 1)) == Reading(sensor="s1", seq=1, value=2.5, version=1)


def test_the_codec_wire_form_is_what_dynamodb_stores_and_returns(client: Any) -> None:
    codec = EntityCodec(TradingState)
    state = TradingState(
        strategy_id="s1", instance_id="i1",
        pnl_snapshot={"profit": 0.1, "tiny": 1.5e-7, "big": 10**20, "list": [1, "x", None]},
        last_heartbeat=dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
    )  # fmt: skip
    item = codec.to_wire(state)
    item["sensor"], item["seq"] = {"S": "wire"}, {"N": "1"}
    client.put_item(TableName="readings", Item=item)
    stored = client.get_item(TableName="readings", Key={"sensor": {"S": "wire"}, "seq": {"N": "1"}})
    body = {k: v for k, v in stored["Item"].items() if k not in ("sensor", "seq")}
    assert codec.from_wire(body) == state


def test_items_written_by_the_repository_decode_from_the_low_level_client(
    repo: Readings, client: Any
) -> None:
    repo.create(Reading(sensor="s1", seq=7, value=0.1, tag="t"))
    raw = client.get_item(TableName="readings", Key={"sensor": {"S": "s1"}, "seq": {"N": "7"}})
    assert raw["Item"]["value"] == {"N": "0.1"}
    assert EntityCodec(Reading).from_wire(raw["Item"]) == repo.get(("s1", 7))


def test_filtered_empty_pages_are_skipped_within_the_bound(
    repo: Readings, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    repo.batch_write(puts=[Reading(sensor="s1", seq=n, value=n, tag="hit" if n >= 9 else "")
                           for n in range(12)])  # fmt: skip
    sent.clear()
    query = Query.on("sensor", "s1").where("tag", "=", "hit").page_size(2)
    page = repo.query(query)
    assert [r.seq for r in page.items] == [9]
    assert sum(1 for name, _ in sent if name == "Query") == 5  # 4 empty pages, then a hit
    rest = repo.query(query, cursor=page.next_cursor)
    assert [r.seq for r in rest.items] == [10, 11]


def test_batch_write_goes_through_the_table_and_stores_next_versions(
    repo: Readings, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    count = repo.batch_write(puts=[Reading(sensor="b", seq=n, value=n) for n in range(30)])
    assert count == 30
    assert sum(1 for name, _ in sent if name == "BatchWriteItem") == 2
    assert repo.get(("b", 29)) == Reading(sensor="b", seq=29, value=29.0, version=1)
    assert repo.batch_write(deletes=[("b", n) for n in range(30)]) == 30
    assert repo.list(limit=50).items == []


def test_numbers_read_back_exactly_through_the_repository(repo: Readings) -> None:
    for seq, value in enumerate((0.1, 1e-7, 123456.789, -2.5, 1e16, 3.0)):
        stored = repo.create(Reading(sensor="n", seq=seq, value=value))
        assert repo.get(("n", seq)) == stored
        assert repo.get(("n", seq)).value == value  # type: ignore[union-attr]
    assert repo.table.get({"sensor": "n", "seq": 1})["value"] == Decimal("1E-7")  # type: ignore[index]
