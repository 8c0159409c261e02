"""AsyncDynamoDBTable on moto: the same API and errors as the sync adapter, as coroutines."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest
from aiobotocore.awsrequest import AioAWSResponse

from support.services import Service
from tradai.common.aws._async_client_factory import AsyncClientFactory
from tradai.common.aws._client_factory import ClientConfig
from tradai.common.aws.dynamodb.async_adapter import AsyncDynamoDBTable
from tradai.common.aws.dynamodb.types import (
    BatchRetryPolicy,
    KeyCondition,
    TransactPut,
    TransactUpdate,
    UnprocessedItemsError,
)
from tradai.common.exceptions import ConflictError, NotFoundError, TransientError, ValidationError

pytestmark = pytest.mark.integration

Scenario = Callable[[AsyncDynamoDBTable, Any], Awaitable[Any]]


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, *_: Any) -> bytes:
        return self._body


@contextmanager
def answer(
    client: Any, operation: str, status: int, payload: dict[str, Any]
) -> Iterator[list[str]]:
    """Answer every ``operation`` request of an aiobotocore client with ``payload``."""
    answered: list[str] = []

    def handler(request: Any, **kwargs: Any) -> AioAWSResponse | None:
        if not kwargs.get("event_name", "").endswith(f".{operation}"):
            return None
        answered.append(operation)
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        return AioAWSResponse(request.url, status, headers, _Body(json.dumps(payload).encode()))

    client.meta.events.register_first("before-send.dynamodb.*", handler)
    try:
        yield answered
    finally:
        client.meta.events.unregister("before-send.dynamodb.*", handler)


def _run(aws: Service, scenario: Scenario, *, resource: bool = False, **options: Any) -> Any:
    async def main() -> Any:
        factory = AsyncClientFactory(config=ClientConfig(max_attempts=2))
        client = await factory.client("dynamodb")
        await client.create_table(
            TableName="jobs",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                  {"AttributeName": "sk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )  # fmt: skip
        source = await factory.resource("dynamodb") if resource else client
        try:
            return await scenario(AsyncDynamoDBTable("jobs", client=source, **options), client)
        finally:
            await factory.aclose()

    return asyncio.run(main())


@pytest.mark.parametrize("resource", [False, True], ids=["client", "resource"])
def test_items_are_written_read_updated_and_deleted(aws: Service, resource: bool) -> None:
    async def scenario(table: AsyncDynamoDBTable, _: Any) -> list[Any]:
        await table.put({"pk": "a", "sk": "1", "n": 1, "raw": b"\x00"}, if_not_exists=True)
        updated = await table.update({"pk": "a", "sk": "1"}, {"s": "x"}, expected_version=None)
        got = await table.get({"pk": "a", "sk": "1"})
        deleted = await table.delete({"pk": "a", "sk": "1"})
        return [updated, got, deleted, await table.get({"pk": "a", "sk": "1"})]

    item = {"pk": "a", "sk": "1", "n": Decimal(1), "raw": b"\x00", "s": "x"}
    assert _run(aws, scenario, resource=resource) == [item, item, item, None]


def test_a_failed_condition_is_a_conflict_with_the_current_item(aws: Service) -> None:
    async def scenario(table: AsyncDynamoDBTable, _: Any) -> ConflictError:
        await table.put({"pk": "a", "sk": "1", "version": 2})
        try:
            await table.update({"pk": "a", "sk": "1"}, {"x": 1}, expected_version=1)
        except ConflictError as exc:
            return exc
        raise AssertionError("no conflict")

    error = _run(aws, scenario)
    assert error.current == {"pk": "a", "sk": "1", "version": Decimal(2)}
    assert error.context["operation"] == "UpdateItem"


def test_queries_and_scans_iterate_over_every_page(aws: Service) -> None:
    async def scenario(table: AsyncDynamoDBTable, _: Any) -> list[Any]:
        await table.batch_write(puts=[{"pk": "a", "sk": f"{i}", "n": i} for i in range(7)])
        queried = [i["sk"] async for i in table.query({"pk": "a"}, page_size=2)]
        limited = [i["sk"] async for i in table.query({"pk": "a"}, limit=3, descending=True)]
        page = await table.query_page(
            {"pk": "a"}, page_size=2, filter_expression="n > :five", values={":five": 5}
        )
        sorted_keys = table.query({"pk": "a"}, sort=KeyCondition.ge("sk", "5"))
        scanned = [i["sk"] async for i in table.scan(page_size=3)]
        scan_page = await table.scan_page(page_size=2)
        return [queried, limited, page.items, page.last_key, [i["sk"] async for i in sorted_keys],
                sorted(scanned), len(scan_page.items)]  # fmt: skip

    assert _run(aws, scenario) == [
        ["0", "1", "2", "3", "4", "5", "6"], ["6", "5", "4"], (), {"pk": "a", "sk": "1"},
        ["5", "6"], ["0", "1", "2", "3", "4", "5", "6"], 2,
    ]  # fmt: skip


def test_batches_and_transactions(aws: Service) -> None:
    async def scenario(table: AsyncDynamoDBTable, _: Any) -> list[Any]:
        written = await table.batch_write(puts=[{"pk": "a", "sk": f"{i:03d}"} for i in range(130)])
        found = await table.batch_get([{"pk": "a", "sk": f"{i:03d}"} for i in (120, 5, 999)])
        token = await table.transact_write(
            [TransactPut({"pk": "b", "sk": "1"}, if_not_exists=True)], client_request_token="t-1"
        )
        try:
            await table.transact_write(
                [TransactPut({"pk": "c", "sk": "1"}),
                 TransactUpdate({"pk": "b", "sk": "1"}, {"x": 1}, expected_version=7)]
            )  # fmt: skip
        except ConflictError as exc:
            reasons = exc.context["reasons"]
        return [written, [i["sk"] for i in found], token, reasons,
                await table.get({"pk": "c", "sk": "1"})]  # fmt: skip

    assert _run(aws, scenario) == [
        130, ["120", "005"], "t-1", ["None", "ConditionalCheckFailed"], None,
    ]  # fmt: skip


def test_unprocessed_writes_are_retried_with_an_async_sleep(aws: Service) -> None:
    sleeps: list[float] = []

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    async def scenario(table: AsyncDynamoDBTable, client: Any) -> UnprocessedItemsError:
        payload = {"UnprocessedItems": {"jobs": [{"PutRequest": {"Item": {
            "pk": {"S": "a"}, "sk": {"S": "1"}}}}]}}  # fmt: skip
        with answer(client, "BatchWriteItem", 200, payload):
            try:
                await table.batch_write(puts=[{"pk": "a", "sk": "1"}])
            except UnprocessedItemsError as exc:
                return exc
        raise AssertionError("no error")

    policy = BatchRetryPolicy(max_attempts=3, base_delay=0.5)
    error = _run(aws, scenario, retry=policy, sleep=record, jitter=lambda: 1.0)
    assert error.unprocessed == ({"put": {"pk": "a", "sk": "1"}},)
    assert sleeps == [0.5, 1.0]


def test_errors_translate_as_in_the_sync_adapter(aws: Service) -> None:
    async def scenario(table: AsyncDynamoDBTable, client: Any) -> int:
        with pytest.raises(NotFoundError):
            await AsyncDynamoDBTable("nope", client=client).get({"pk": "a", "sk": "1"})
        with pytest.raises(ValidationError):
            await table.get({"pk": "a"})
        with pytest.raises(ValidationError, match="use Decimal"):
            await table.put({"pk": "a", "sk": "1", "f": 0.5})
        throttled = {"__type": "ThrottlingException", "message": "slow down"}
        with answer(client, "GetItem", 400, throttled) as answered:
            with pytest.raises(TransientError) as info:
                await table.get({"pk": "a", "sk": "1"})
        assert info.value.context["operation"] == "GetItem"
        assert info.value.context["resource"] == "jobs"
        return len(answered)

    assert _run(aws, scenario) == 2  # the SDK retried the throttled call once (max_attempts=2)


def test_the_default_async_factory_supplies_the_client(aws: Service) -> None:
    from tradai.common.aws._async_client_factory import close_async_clients

    async def scenario(table: AsyncDynamoDBTable, _: Any) -> Any:
        await AsyncDynamoDBTable("jobs").put({"pk": "d", "sk": "1"})
        via_factory = AsyncDynamoDBTable("jobs", factory=AsyncClientFactory())
        item = await via_factory.get({"pk": "d", "sk": "1"})
        await close_async_clients()
        return item

    assert _run(aws, scenario) == {"pk": "d", "sk": "1"}
