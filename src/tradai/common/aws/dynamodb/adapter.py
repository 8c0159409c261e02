"""``DynamoDBTable``: the ``KeyValueTable`` port over boto3 (sync, thread-safe).

It speaks through a low-level client (thread-safe, unlike boto3 resources) and converts
values with boto3's own type serializer, so items go in and come out in the resource-API
form (numbers as ``Decimal``). ``client=`` takes a boto3 DynamoDB client or service
resource (pass the resource itself: its client serializes values on its own, and the
adapter then lets it), ``factory=`` a ``ClientFactory``; by default the process-wide
factory is asked on every call (a dictionary lookup), so endpoint changes are honoured.
Semantics shared with the in-memory twin: :mod:`tradai.common.aws.dynamodb.protocols`.

Botocore errors are translated by :func:`~tradai.common.aws.errors.translate_aws_error`
with the operation and the table in their context. The key schema is needed only by
``if_not_exists`` puts and ``batch_write`` (to find duplicate keys): pass ``key_schema=``
or it is read once with ``DescribeTable`` (after the input was checked).

Example:
    >>> jobs = DynamoDBTable(settings.jobs_table, key_schema=KeySchema("job_id"))  # doctest: +SKIP
    >>> jobs.put({"job_id": "j1", "status": "PENDING"}, if_not_exists=True)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tradai.common.aws.dynamodb import _batch, _requests
from tradai.common.aws.dynamodb._base import TableBase
from tradai.common.aws.dynamodb.expressions import check_count
from tradai.common.aws.dynamodb.types import TransactDelete, TransactPut, TransactUpdate

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import Item, KeyCondition, KeySchema, Page, TransactAction

__all__ = ["DynamoDBTable"]


class DynamoDBTable(TableBase):
    """A DynamoDB table behind the ``KeyValueTable`` port (sync, thread-safe).

    Args:
        table_name: The table's name (from settings; required).
        client: A boto3 DynamoDB client or service resource (keyword-only, as all below);
            never ``resource.meta.client``, which serializes values on its own.
        factory: A ``ClientFactory`` to ask for the client (when ``client`` is omitted).
        key_schema: The table's ``KeySchema``; read with ``DescribeTable`` when needed.
        retry: A ``BatchRetryPolicy`` for unprocessed batch requests.
        sleep: Sleep between batch retries (``time.sleep``; inject one in tests).
        clock: Monotonic clock bounding the total retry time.
        jitter: Returns a random number in ``[0, 1)`` for the backoff jitter.

    Raises:
        ValidationError: If ``table_name`` is not a valid table name.
        MissingDependencyError: If boto3 is not installed (extra ``aws``).
    """

    def _client(self) -> Any:
        if self._client_obj is not None:
            return self._client_obj
        if self._factory is not None:
            return self._factory.client("dynamodb")
        from tradai.common.aws._client_factory import default_factory

        return default_factory().client("dynamodb")

    def _call(self, operation: str, method: str, params: dict[str, Any]) -> Any:
        try:
            return getattr(self._client(), method)(**params)
        except _requests.aws_errors() as exc:
            raise self._requests.translate(exc, operation) from exc

    def _run(self, plan: _batch.Plan) -> Any:
        try:
            step = next(plan)
            while True:
                if isinstance(step, _batch.Call):
                    step = plan.send(self._call(step.operation, step.method, step.params))
                else:
                    self._sleep(step.seconds)
                    step = plan.send(None)
        except StopIteration as done:
            return done.value
        finally:
            plan.close()

    def _key_schema(self) -> KeySchema:
        with self._schema_lock:
            if self._schema is None:
                params = {"TableName": self.table_name}
                described = self._call("DescribeTable", "describe_table", params)
                self._schema = _requests.schema_from_description(described)
            return self._schema

    def _with_partition(
        self, needed: bool, build: Callable[[str | None], dict[str, Any]]
    ) -> dict[str, Any]:
        if not needed:
            return build(None)
        if self._schema is None:
            build("-")  # refuse bad input before the DescribeTable call
        return build(self._key_schema().partition_key)

    def get(self, key: Mapping[str, Any], *, consistent_read: bool = False) -> Item | None:
        """Return the item at ``key``, or ``None``.

        Args:
            key: The full primary key.
            consistent_read: Ask for a strongly consistent read.

        Returns:
            The item, or ``None`` when there is none.

        Raises:
            ValidationError: If the key is malformed or does not match the schema.
            NotFoundError: If the table does not exist.
        """
        params = self._requests.get(key, consistent_read)
        return self._decode(self._call("GetItem", "get_item", params).get("Item"))

    def put(
        self,
        item: Mapping[str, Any],
        *,
        if_not_exists: bool = False,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``item`` whole, optionally only if a condition holds.

        Args:
            item: The item (numbers as ``Decimal`` or ``int``).
            if_not_exists: Refuse to overwrite an item with the same key.
            condition: A condition expression (``AND``-ed with ``if_not_exists``).
            names: The condition's ``ExpressionAttributeNames``.
            values: The condition's ``ExpressionAttributeValues``.

        Raises:
            ConflictError: If the condition fails; ``current`` is the stored item.
            ValidationError: If the item or the condition is malformed.
        """
        action = TransactPut(item, if_not_exists, condition, names, values)
        params = self._with_partition(if_not_exists, lambda pk: self._requests.put(action, pk))
        self._call("PutItem", "put_item", params)

    def update(
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
        """SET ``changes`` and REMOVE ``remove`` on the item at ``key`` (created if absent).

        Args:
            key: The full primary key.
            changes: Top-level attribute -> new value.
            remove: Top-level attributes to remove.
            expected_version: Only update if ``version_attribute`` equals this; the
                version then becomes ``expected_version + 1``.
            version_attribute: The version attribute's name.
            condition: An extra condition expression.
            names: The condition's ``ExpressionAttributeNames``.
            values: The condition's ``ExpressionAttributeValues``.

        Returns:
            The item after the update.

        Raises:
            ConflictError: If a condition fails; ``current`` is the stored item (or None).
            ValidationError: If there is nothing to update or the input is malformed.
        """
        action = TransactUpdate(
            key, changes or {}, self._attributes(remove), expected_version, version_attribute,
            condition, names, values,
        )  # fmt: skip
        params = self._requests.update(action) | {"ReturnValues": "ALL_NEW"}
        response = self._call("UpdateItem", "update_item", params)
        return self._decode(response.get("Attributes")) or {}

    def delete(
        self,
        key: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        version_attribute: str = "version",
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Item | None:
        """Delete the item at ``key``.

        Args:
            key: The full primary key.
            expected_version: Only delete if ``version_attribute`` equals this.
            version_attribute: The version attribute's name.
            condition: An extra condition expression.
            names: The condition's ``ExpressionAttributeNames``.
            values: The condition's ``ExpressionAttributeValues``.

        Returns:
            The deleted item, or ``None`` when there was none.

        Raises:
            ConflictError: If a condition fails; ``current`` is the stored item.
        """
        action = TransactDelete(key, expected_version, version_attribute, condition, names, values)
        params = self._requests.delete(action) | {"ReturnValues": "ALL_OLD"}
        return self._decode(self._call("DeleteItem", "delete_item", params).get("Attributes"))

    def query_page(
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
        """Read one page of one partition.

        Args:
            partition: ``{partition_key_name: value}`` (of the index when ``index``).
            sort: A condition on the sort key.
            index: A secondary index to query.
            filter_expression: A filter applied after the page is read.
            names: The filter's ``ExpressionAttributeNames``.
            values: The filter's ``ExpressionAttributeValues``.
            descending: Sort-key order, highest first.
            page_size: ``Limit``: how many items the page evaluates (before filtering).
            start_key: The previous page's ``last_key``.
            consistent_read: Strongly consistent (not on global secondary indexes).

        Returns:
            The page; its ``items`` may be empty while ``last_key`` is set.
        """
        params = self._requests.read(partition, locals())
        return self._requests.page(self._call("Query", "query", params))

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
    ) -> Iterator[Item]:
        """Iterate over one partition's items, following every page.

        Args:
            partition: As for :meth:`query_page`; so are the other arguments, except:
            page_size: Items evaluated per request.
            limit: Stop after yielding this many items.
            start_key: Resume after this key.

        Returns:
            An iterator; the input is validated before it is returned.
        """
        check_count(limit, "limit", 0)
        params = self._requests.read(partition, locals())
        return self._iterate("Query", "query", params, limit)

    def scan_page(
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
        """Read one page of the whole table (arguments as for :meth:`query_page`).

        Returns:
            The page.
        """
        params = self._requests.read(None, locals())
        return self._requests.page(self._call("Scan", "scan", params))

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
    ) -> Iterator[Item]:
        """Iterate over the whole table (arguments as for :meth:`query`).

        Returns:
            An iterator; the input is validated before it is returned.
        """
        check_count(limit, "limit", 0)
        params = self._requests.read(None, locals())
        return self._iterate("Scan", "scan", params, limit)

    def _iterate(
        self, operation: str, method: str, params: dict[str, Any], limit: int | None
    ) -> Iterator[Item]:
        page_size, remaining = params.pop("Limit", None), limit
        while remaining is None or remaining > 0:
            size = _requests.request_limit(page_size, remaining)
            response = self._call(operation, method, params | ({"Limit": size} if size else {}))
            items = self._requests.page(response).items[:remaining]
            yield from items
            remaining = None if remaining is None else remaining - len(items)
            if not response.get("LastEvaluatedKey"):
                return
            params["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    def batch_write(
        self, *, puts: Iterable[Mapping[str, Any]] = (), deletes: Iterable[Mapping[str, Any]] = ()
    ) -> int:
        """Put and delete many items, 25 per request, retrying unprocessed ones.

        Args:
            puts: Items to write whole.
            deletes: Keys to delete.

        Returns:
            How many write requests were applied (after dropping duplicate keys).

        Raises:
            UnprocessedItemsError: If requests are still unprocessed when the retry budget
                runs out; ``unprocessed`` holds them and every request not yet sent.
            ValidationError: If an item lacks its key or a key is both put and deleted.
        """
        writes = _batch.write_requests(self._requests, puts, deletes, self._key_schema())
        return int(self._run(_batch.batch_write_plan(self._requests, writes, self._backoff)))

    def batch_get(
        self, keys: Iterable[Mapping[str, Any]], *, consistent_read: bool = False
    ) -> list[Item]:
        """Read many items, 100 keys per request, retrying unprocessed keys.

        Args:
            keys: Full primary keys (duplicates are read once).
            consistent_read: Strongly consistent reads.

        Returns:
            The items found, in the order of ``keys``; missing keys are skipped.

        Raises:
            UnprocessedItemsError: If keys are still unprocessed when the retry budget
                runs out (``items`` holds what was read).
        """
        return list(
            self._run(_batch.batch_get_plan(self._requests, keys, consistent_read, self._backoff))
        )

    def transact_write(
        self, actions: Sequence[TransactAction], *, client_request_token: str | None = None
    ) -> str:
        """Apply up to 100 actions on this table atomically.

        Args:
            actions: ``TransactPut``/``TransactUpdate``/``TransactDelete``/
                ``TransactConditionCheck``, at most one per item.
            client_request_token: Idempotency token (1-36 characters): a retry with the
                same token within 10 minutes is not applied twice. Generated when omitted.

        Returns:
            The token used.

        Raises:
            ConflictError: If the transaction was cancelled; ``context["reasons"]`` lists
                the reason codes per action, ``current`` the stored items.
            ValidationError: If there are 0 or more than 100 actions or one is malformed.
        """
        token = _requests.new_token() if client_request_token is None else client_request_token
        needed = self._requests.needs_partition_key(actions)
        params = self._with_partition(
            needed, lambda pk: self._requests.transact(actions, token, pk)
        )
        self._call("TransactWriteItems", "transact_write_items", params)
        return token
