"""The async client factory against the real moto server."""

from __future__ import annotations

import asyncio

import pytest

from support.services import Service
from tradai.common.aws._async_client_factory import (
    AsyncClientFactory,
    close_async_clients,
    get_async_client,
    get_async_resource,
)
from tradai.common.aws._client_factory import ClientConfig

pytestmark = pytest.mark.integration


def test_concurrent_tasks_in_one_loop_share_one_client(aws: Service) -> None:
    async def main() -> tuple[int, int, list[str]]:
        factory = AsyncClientFactory(config=ClientConfig(max_attempts=2))
        clients = await asyncio.gather(*(factory.client("s3") for _ in range(20)))
        s3 = clients[0]
        await s3.create_bucket(Bucket="async-one")
        names = [b["Name"] for b in (await s3.list_buckets())["Buckets"]]
        count = factory.cached_count()
        await factory.aclose()
        return len({id(c) for c in clients}), count, names

    distinct, count, names = asyncio.run(main())
    assert (distinct, count, names) == (1, 1, ["async-one"])


def test_a_new_event_loop_opens_a_working_client_after_the_first_closed(aws: Service) -> None:
    factory = AsyncClientFactory()

    async def grab() -> int:
        client = await factory.client("sqs")
        await client.list_queues()
        ident = id(client)
        await factory.aclose()
        return ident

    first = asyncio.run(grab())
    second = asyncio.run(grab())
    assert isinstance(first, int)
    assert isinstance(second, int)


def test_module_helpers_open_clients_and_resources(aws: Service) -> None:
    async def main() -> list[str]:
        ddb = await get_async_resource("dynamodb")
        client = await get_async_client("dynamodb")
        assert client is await get_async_client("dynamodb")
        await client.create_table(
            TableName="async-t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        table = await ddb.Table("async-t")
        await table.put_item(Item={"pk": "a"})
        item = (await table.get_item(Key={"pk": "a"}))["Item"]
        await close_async_clients()
        return [item["pk"]]

    assert asyncio.run(main()) == ["a"]
