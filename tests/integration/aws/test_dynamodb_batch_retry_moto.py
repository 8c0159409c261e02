"""Unprocessed batch requests are retried with backoff against moto, and give up with a
clear error. moto never leaves requests unprocessed, so a botocore ``before-send`` hook
plays DynamoDB doing so: it answers a request with every entry unprocessed (nothing is
written), like support.faults does for errors; the SDK parses the answer as usual."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from support.services import Service
from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.adapter import DynamoDBTable
from tradai.common.aws.dynamodb.types import BatchRetryPolicy, KeySchema, UnprocessedItemsError

pytestmark = pytest.mark.integration


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


@contextmanager
def unprocessed(client: Any, operation: str, *, times: int | None) -> Iterator[list[int]]:
    """Answer the next ``times`` ``operation`` requests with everything unprocessed."""
    answered: list[int] = []

    def handler(request: Any, **kwargs: Any) -> AWSResponse | None:
        if not kwargs.get("event_name", "").endswith(f".{operation}"):
            return None
        if times is not None and len(answered) >= times:
            return None
        ((table, entries),) = json.loads(request.body)["RequestItems"].items()
        answered.append(len(entries) if isinstance(entries, list) else len(entries["Keys"]))
        if operation == "BatchWriteItem":
            payload: dict[str, Any] = {"UnprocessedItems": {table: entries}}
        else:
            payload = {"Responses": {table: []}, "UnprocessedKeys": {table: entries}}
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 200, headers, _Body(json.dumps(payload).encode()))

    client.meta.events.register_first("before-send.dynamodb.*", handler)
    try:
        yield answered
    finally:
        client.meta.events.unregister("before-send.dynamodb.*", handler)


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


def _table(client: Any, sleeps: list[float], **policy: Any) -> DynamoDBTable:
    return DynamoDBTable(
        "jobs",
        client=client,
        key_schema=KeySchema("pk"),
        retry=BatchRetryPolicy(**{"base_delay": 0.05, "max_delay": 1.0, **policy}),
        sleep=sleeps.append,
        jitter=lambda: 1.0,
    )


def test_unprocessed_writes_are_retried_until_written(client: Any) -> None:
    sleeps: list[float] = []
    table = _table(client, sleeps)
    with unprocessed(client, "BatchWriteItem", times=2) as answered:
        assert table.batch_write(puts=[{"pk": f"{i}"} for i in range(60)]) == 60
    assert answered == [25, 25]
    assert sleeps == pytest.approx([0.05, 0.1])
    assert len(list(table.scan())) == 60


def test_writes_left_unprocessed_raise_with_everything_not_written(client: Any) -> None:
    sleeps: list[float] = []
    table = _table(client, sleeps, max_attempts=3)
    with (
        unprocessed(client, "BatchWriteItem", times=None),
        pytest.raises(UnprocessedItemsError) as info,
    ):
        table.batch_write(puts=[{"pk": f"{i}"} for i in range(30)], deletes=[{"pk": "old"}])
    assert len(sleeps) == 2
    assert len(info.value.unprocessed) == 31
    assert {"put": {"pk": "0"}} in info.value.unprocessed
    assert {"delete": {"pk": "old"}} in info.value.unprocessed
    assert info.value.context["operation"] == "BatchWriteItem"
    assert info.value.context["resource"] == "jobs"
    assert list(table.scan()) == []


def test_unprocessed_keys_are_retried_until_read(client: Any) -> None:
    sleeps: list[float] = []
    table = _table(client, sleeps)
    table.batch_write(puts=[{"pk": f"{i:03d}"} for i in range(150)])
    with unprocessed(client, "BatchGetItem", times=1) as answered:
        items = table.batch_get([{"pk": f"{i:03d}"} for i in range(150)])
    assert answered == [100]
    assert sleeps == pytest.approx([0.05])
    assert [i["pk"] for i in items] == [f"{i:03d}" for i in range(150)]


def test_keys_left_unprocessed_raise_with_the_keys(client: Any) -> None:
    sleeps: list[float] = []
    table = _table(client, sleeps, max_attempts=2)
    with (
        unprocessed(client, "BatchGetItem", times=None),
        pytest.raises(UnprocessedItemsError) as info,
    ):
        table.batch_get([{"pk": "a"}, {"pk": "b"}])
    assert info.value.unprocessed == ({"pk": "a"}, {"pk": "b"})
    assert info.value.items == ()
    assert info.value.context["operation"] == "BatchGetItem"
