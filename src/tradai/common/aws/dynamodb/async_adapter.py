"""``AsyncDynamoDBTable``: the key-value table port as coroutines, over aioboto3.

Same API, semantics, validation and error translation as
:class:`~tradai.common.aws.dynamodb.adapter.DynamoDBTable` (the request building and the
batch retry plans are shared): every operation is a coroutine, and ``query``/``scan``
return async iterators (the input is validated when they are called, before iterating).

The client comes from ``client=`` (an aiobotocore DynamoDB client or an aioboto3 service
resource), else from ``factory=`` (an
:class:`~tradai.common.aws._async_client_factory.AsyncClientFactory`), else from the
process-wide async factory, asked on every call because its clients belong to the running
event loop. Sleeps between batch retries use ``asyncio.sleep`` unless ``sleep=`` is given.

Example:
    >>> async def main(settings):  # doctest: +SKIP
    ...     jobs = AsyncDynamoDBTable(settings.jobs_table)
    ...     await jobs.put({"job_id": "j1", "status": "PENDING"})
    ...     async for item in jobs.query({"job_id": "j1"}):
    ...         print(item["status"])
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from tradai.common.aws.dynamodb import _batch, _requests
from tradai.common.aws.dynamodb._base import TableBase
from tradai.common.aws.dynamodb.expressions import check_count
from tradai.common.aws.dynamodb.types import TransactDelete, TransactPut, TransactUpdate

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import Item, KeyCondition, KeySchema, Page, TransactAction

__all__ = ["AsyncDynamoDBTable"]


class AsyncDynamoDBTable(TableBase):
    """A DynamoDB table behind the ``AsyncKeyValueTable`` port.

    Args:
        table_name: The table's name (from settings; required).
        client: An aiobotocore DynamoDB client or aioboto3 service resource (keyword-only,
            as all below); never ``resource.meta.client``.
        factory: An ``AsyncClientFactory`` (when ``client`` is omitted).
        key_schema: The table's ``KeySchema``; read with ``DescribeTable`` when needed.
        retry: A ``BatchRetryPolicy`` for unprocessed batch requests.
        sleep: Awaitable sleep between batch retries (``asyncio.sleep``).
        clock: Monotonic clock bounding the total retry time.
        jitter: Returns a random number in ``[0, 1)`` for the backoff jitter.

    Raises:
        ValidationError: If ``table_name`` is not a valid table name.
    """

    _default_sleep: ClassVar[Callable[[float], Any]] = staticmethod(asyncio.sleep)

    async def _client(self) -> Any:
        if self._client_obj is not None:
            return self._client_obj
        if self._factory is not None:
            return await self._factory.client("dynamodb")
        from tradai.common.aws._async_client_factory import get_async_client

        return await get_async_client("dynamodb")

    async def _call(self, operation: str, method: str, params: dict[str, Any]) -> Any:
        client = await self._client()
        try:
            return await getattr(client, method)(**params)
        except _requests.aws_errors() as exc:
            raise self._requests.translate(exc, operation) from exc

    async def _run(self, plan: _batch.Plan) -> Any:
        try:
            step = next(plan)
            while True:
                if isinstance(step, _batch.Call):
                    step = plan.send(await self._call(step.operation, step.method, step.params))
                else:
                    await self._sleep(step.seconds)
                    step = plan.send(None)
        except StopIteration as done:
            return done.value
        finally:
            plan.close()

    async def _key_schema(self) -> KeySchema:
        if self._schema is None:
            params = {"TableName": self.table_name}
            described = await self._call("DescribeTable", "describe_table", params)
            self._schema = _requests.schema_from_description(described)
        return self._schema

    async def _with_partition(
        self, needed: bool, build: Callable[[str | None], dict[str, Any]]
    ) -> dict[str, Any]:
        if not needed:
            return build(None)
        if self._schema is None:
            build("-")  # refuse bad input before the DescribeTable call
        return build((await self._key_schema()).partition_key)

    async def get(self, key: Mapping[str, Any], *, consistent_read: bool = False) -> Item | None:
        """Return the item at ``key``, or ``None`` (see ``DynamoDBTable.get``).

        Args:
            key: The full primary key.
            consistent_read: Ask for a strongly consistent read.

        Returns:
            The item, or ``None``.
        """
        params = self._requests.get(key, consistent_read)
        return self._decode((await self._call("GetItem", "get_item", params)).get("Item"))

    async def put(
        self,
        item: Mapping[str, Any],
        *,
        if_not_exists: bool = False,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``item`` whole, optionally only if a condition holds (see ``DynamoDBTable.put``).

        Args:
            item: The item.
            if_not_exists: Refuse to overwrite an item with the same key.
            condition: A condition expression.
            names: Its ``ExpressionAttributeNames``.
            values: Its ``ExpressionAttributeValues``.

        Raises:
            ConflictError: If the condition fails; ``current`` is the stored item.
        """
        action = TransactPut(item, if_not_exists, condition, names, values)
        build = lambda pk: self._requests.put(action, pk)  # noqa: E731 - one-line builder
        await self._call("PutItem", "put_item", await self._with_partition(if_not_exists, build))

    async def update(
        self,
        key: Mapping[str, Any],
        changes: Mapping[str, Any] | None = None,
        *,
        remove: Iterable[str] = (),
        expected_version: int | None = None,
        version_attribute: str = "version",
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Item:
        """SET ``changes`` and REMOVE ``remove`` (see ``DynamoDBTable.update``).

        Args:
            key: The full primary key.
            changes: Attribute -> new value.
            remove: Attributes to remove.
            expected_version: Required current version; it becomes this + 1.
            version_attribute: The version attribute's name.
            condition: An extra condition expression.
            names: Its ``ExpressionAttributeNames``.
            values: Its ``ExpressionAttributeValues``.

        Returns:
            The item after the update.
        """
        action = TransactUpdate(
            key, changes or {}, self._attributes(remove), expected_version, version_attribute,
            condition, names, values,
        )  # fmt: skip
        params = self._requests.update(action) | {"ReturnValues": "ALL_NEW"}
        response = await self._call("UpdateItem", "update_item", params)
        return self._decode(response.get("Attributes")) or {}

    async def delete(
        self,
        key: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        version_attribute: str = "version",
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Item | None:
        """Delete the item at ``key`` (see ``DynamoDBTable.delete``).

        Args:
            key: The full primary key.
            expected_version: Required current version.
            version_attribute: The version attribute's name.
            condition: An extra condition expression.
            names: Its ``ExpressionAttributeNames``.
            values: Its ``ExpressionAttributeValues``.

        Returns:
            The deleted item, or ``None``.
        """
        action = TransactDelete(key, expected_version, version_attribute, condition, names, values)
        params = self._requests.delete(action) | {"ReturnValues": "ALL_OLD"}
        response = await self._call("DeleteItem", "delete_item", params)
        return self._decode(response.get("Attributes"))

    async def query_page(
        self,
        partition: Mapping[str, Any],
        *,
        sort: KeyCondition | None = None,
        index: str | None = None,
        filter_expression: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        descending: bool = False,
        page_size: int | None = None,
        start_key: Mapping[str, Any] | None = None,
        consistent_read: bool = False,
    ) -> Page:
        """Read one page of one partition (arguments as for ``DynamoDBTable.query_page``).

        Returns:
            The page.
        """
        params = self._requests.read(partition, locals())
        return self._requests.page(await self._call("Query", "query", params))

    def query(
        self,
        partition: Mapping[str, Any],
        *,
        sort: KeyCondition | None = None,
        index: str | None = None,
        filter_expression: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        descending: bool = False,
        page_size: int | None = None,
        limit: int | None = None,
        start_key: Mapping[str, Any] | None = None,
        consistent_read: bool = False,
    ) -> AsyncIterator[Item]:
        """Iterate over one partition (arguments as for ``DynamoDBTable.query``).

        Returns:
            An async iterator over the items.
        """
        check_count(limit, "limit", 0)
        params = self._requests.read(partition, locals())
        return self._iterate("Query", "query", params, limit)

    async def scan_page(
        self,
        *,
        index: str | None = None,
        filter_expression: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        start_key: Mapping[str, Any] | None = None,
        consistent_read: bool = False,
    ) -> Page:
        """Read one page of the whole table (arguments as for ``DynamoDBTable.scan_page``).

        Returns:
            The page.
        """
        params = self._requests.read(None, locals())
        return self._requests.page(await self._call("Scan", "scan", params))

    def scan(
        self,
        *,
        index: str | None = None,
        filter_expression: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        start_key: Mapping[str, Any] | None = None,
        consistent_read: bool = False,
    ) -> AsyncIterator[Item]:
        """Iterate over the whole table (arguments as for ``DynamoDBTable.scan``).

        Returns:
            An async iterator over the items.
        """
        check_count(limit, "limit", 0)
        params = self._requests.read(None, locals())
        return self._iterate("Scan", "scan", params, limit)

    async def _iterate(
        self, operation: str, method: str, params: dict[str, Any], limit: int | None
    ) -> AsyncIterator[Item]:
        page_size, remaining = params.pop("Limit", None), limit
        while remaining is None or remaining > 0:
            size = _requests.request_limit(page_size, remaining)
            request = params | ({"Limit": size} if size else {})
            response = await self._call(operation, method, request)
            items = self._requests.page(response).items[:remaining]
            for item in items:
                yield item
            remaining = None if remaining is None else remaining - len(items)
            if not response.get("LastEvaluatedKey"):
                return
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    async def batch_write(
        self, *, puts: Iterable[Mapping[str, Any]] = (), deletes: Iterable[Mapping[str, Any]] = ()
    ) -> int:
        """Put and delete many items (see ``DynamoDBTable.batch_write``).

        Args:
            puts: Items to write whole.
            deletes: Keys to delete.

        Returns:
            How many write requests were applied.

        Raises:
            UnprocessedItemsError: If requests remain unprocessed after the retry budget.
        """
        schema = await self._key_schema()
        writes = _batch.write_requests(self._requests, puts, deletes, schema)
        return int(await self._run(_batch.batch_write_plan(self._requests, writes, self._backoff)))

    async def batch_get(
        self, keys: Iterable[Mapping[str, Any]], *, consistent_read: bool = False
    ) -> list[Item]:
        """Read many items (see ``DynamoDBTable.batch_get``).

        Args:
            keys: Full primary keys.
            consistent_read: Strongly consistent reads.

        Returns:
            The items found, in the order of ``keys``.

        Raises:
            UnprocessedItemsError: If keys remain unprocessed after the retry budget.
        """
        plan = _batch.batch_get_plan(self._requests, keys, consistent_read, self._backoff)
        return list(await self._run(plan))

    async def transact_write(
        self, actions: Sequence[TransactAction], *, client_request_token: str | None = None
    ) -> str:
        """Apply up to 100 actions atomically (see ``DynamoDBTable.transact_write``).

        Args:
            actions: The actions on this table.
            client_request_token: Idempotency token; generated when omitted.

        Returns:
            The token used.

        Raises:
            ConflictError: If the transaction was cancelled (``context["reasons"]``).
        """
        token = _requests.new_token() if client_request_token is None else client_request_token
        needed = self._requests.needs_partition_key(actions)
        build = lambda pk: self._requests.transact(actions, token, pk)  # noqa: E731 - as above
        params = await self._with_partition(needed, build)
        await self._call("TransactWriteItems", "transact_write_items", params)
        return token
