"""DynamoDBTable on moto: client sources, what each call sends, and input refused before any
call. The shared behaviour is in tests/contract/aws/test_table_contract.py."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest

from support.services import Service
from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.adapter import DynamoDBTable
from tradai.common.aws.dynamodb.types import KeySchema, TransactPut
from tradai.common.exceptions import ValidationError

pytestmark = pytest.mark.integration


@pytest.fixture
def client(aws: Service) -> Any:
    client = ClientFactory().client("dynamodb")
    client.create_table(
        TableName="jobs",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


@pytest.fixture
def sent(client: Any) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every (operation, params) the client sends, recorded from botocore's own event."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, params))

    client.meta.events.register("provide-client-params.dynamodb.*", record)
    yield calls
    client.meta.events.unregister("provide-client-params.dynamodb.*", record)


def test_a_boto3_resource_can_be_injected(client: Any) -> None:
    resource = boto3.resource("dynamodb")
    table = DynamoDBTable("jobs", client=resource)
    table.put({"pk": "a", "n": 1})
    assert resource.Table("jobs").get_item(Key={"pk": "a"})["Item"] == {"pk": "a", "n": 1}


def test_a_factory_or_the_default_factory_supplies_the_client(client: Any) -> None:
    DynamoDBTable("jobs", factory=ClientFactory()).put({"pk": "a"})
    assert DynamoDBTable("jobs").get({"pk": "a"}) == {"pk": "a"}


def test_bad_input_is_refused_before_any_call(
    client: Any, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    table = DynamoDBTable("no-such-table", client=client)  # a call would raise NotFoundError
    with pytest.raises(ValidationError):
        table.put({"pk": "a", "price": 0.5}, if_not_exists=True)
    with pytest.raises(ValidationError):
        table.query({"pk": "a"}, page_size=0)
    with pytest.raises(ValidationError):
        table.scan(limit=-1)
    with pytest.raises(ValidationError):
        table.transact_write([TransactPut({"pk": "a"})] * 101)
    with pytest.raises(ValidationError):
        table.transact_write(
            [TransactPut({"pk": "a"}, if_not_exists=True)], client_request_token=""
        )
    with pytest.raises(ValidationError):
        table.update({"pk": "a"}, {"x": 1}, condition="#x = :x", names={"#x": "x"})
    with pytest.raises(ValidationError):
        DynamoDBTable("bad name!", client=client)
    assert sent == []


def test_the_key_schema_is_described_once_and_only_when_needed(
    client: Any, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    table = DynamoDBTable("jobs", client=client)
    table.put({"pk": "a"})
    table.put({"pk": "b"}, if_not_exists=True)
    table.put({"pk": "c"}, if_not_exists=True)
    table.batch_write(puts=[{"pk": "d"}])
    assert [op for op, _ in sent].count("DescribeTable") == 1
    known = DynamoDBTable("jobs", client=client, key_schema=KeySchema("pk"))
    known.put({"pk": "e"}, if_not_exists=True)
    assert [op for op, _ in sent].count("DescribeTable") == 1


def test_every_conditional_write_sends_its_condition_with_values_as_data(
    client: Any, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    table = DynamoDBTable("jobs", client=client, key_schema=KeySchema("pk"))
    table.put({"pk": "a", "version": 1}, if_not_exists=True)
    table.update({"pk": "a"}, {"note": ":v0) OR (#n0"}, expected_version=1)
    table.delete({"pk": "a"}, expected_version=2)
    writes = [params for op, params in sent if op in ("PutItem", "UpdateItem", "DeleteItem")]
    assert len(writes) == 3
    for params in writes:
        assert params["ReturnValuesOnConditionCheckFailure"] == "ALL_OLD"
        assert ":v0) OR" not in params["ConditionExpression"]
    assert writes[1]["ConditionExpression"] == "#n1 = :v2"
    assert writes[1]["ExpressionAttributeValues"][":v0"] == {"S": ":v0) OR (#n0"}


def test_transactions_send_the_given_or_a_generated_request_token(
    client: Any, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    table = DynamoDBTable("jobs", client=client)
    token = table.transact_write([TransactPut({"pk": "a"}, if_not_exists=True)])
    assert table.transact_write([TransactPut({"pk": "b"})], client_request_token="mine") == "mine"
    tokens = [p["ClientRequestToken"] for op, p in sent if op == "TransactWriteItems"]
    assert tokens == [token, "mine"]
    assert len(token) == 36


def test_query_pages_are_requested_with_the_previous_last_key(
    client: Any, sent: list[tuple[str, dict[str, Any]]]
) -> None:
    table = DynamoDBTable("jobs", client=client)
    table.batch_write(puts=[{"pk": f"{i}", "n": i} for i in range(5)])
    items = list(table.scan(page_size=2, limit=4))
    scans = [p for op, p in sent if op == "Scan"]
    assert len(items) == 4
    assert [p.get("Limit") for p in scans] == [2, 2]
    assert "ExclusiveStartKey" not in scans[0]
    assert "ExclusiveStartKey" in scans[1]


def test_values_round_trip_through_the_low_level_client(client: Any) -> None:
    table = DynamoDBTable("jobs", client=client)
    item = {"pk": "a", "n": Decimal("-1.5E+10"), "big": 10**37, "raw": b"\xff", "nums": {1, 2}}
    table.put(item)
    stored = table.get({"pk": "a"}, consistent_read=True)
    assert stored == {**item, "big": Decimal(10**37), "nums": {Decimal(1), Decimal(2)}}
    assert type(stored["raw"]) is bytes
