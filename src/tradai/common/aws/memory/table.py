"""``InMemoryTable``: the in-memory twin of the DynamoDB key-value table port.

It follows :class:`~tradai.common.aws.dynamodb.protocols.KeyValueTable` with the same
validation, the same errors (``ConflictError`` carrying the stored item and the same
context keys, ``ValidationError`` for malformed input) and the same pagination shape as
:class:`~tradai.common.aws.dynamodb.adapter.DynamoDBTable`; one contract suite runs
against both. It is thread-safe (one lock) and returns copies, never stored objects.

What it understands, and what it refuses:

* Conditions and filters: the subset documented in
  :mod:`tradai.common.aws.dynamodb.conditions` (``attribute_exists``,
  ``attribute_not_exists``, ``begins_with`` and comparisons joined with ``AND``), plus
  ``if_not_exists`` and ``expected_version``. Any other expression raises
  ``ValidationError`` rather than being ignored.
* Indexes are global secondary indexes projecting every attribute (``indexes=``); an
  item lacking an index's key attributes is not in that index. Consistent reads on an
  index are refused, as DynamoDB does.
* Pages follow DynamoDB: ``page_size`` counts items evaluated *before* the filter, and a
  full page always has a ``last_key`` (even when nothing follows). Scans run in key order.
* Values: numbers become ``Decimal`` (38 digits at most), ``float`` is refused, ``bytes``
  stay bytes, sets must be non-empty and of one type.
* Transactions: all conditions are checked before anything is written; a token seen in
  the last 10 minutes with the same actions is not applied again, with other actions it
  raises ``ConflictError`` (``IdempotentParameterMismatchException``).
* Not modelled: key attribute types declared by a real table, item size limits,
  reserved words, capacity and throttling (nothing is ever left unprocessed), TTL.

Example:
    >>> from tradai.common.aws.dynamodb.types import KeySchema
    >>> table = InMemoryTable("jobs", key_schema=KeySchema("job_id"))
    >>> table.put({"job_id": "j1", "attempts": 1}, if_not_exists=True)
    >>> table.update({"job_id": "j1"}, {"status": "DONE"})
    {'job_id': 'j1', 'attempts': Decimal('1'), 'status': 'DONE'}
    >>> table.put({"job_id": "j1"}, if_not_exists=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tradai.common.exceptions.ConflictError: dynamodb PutItem failed: ...
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from tradai.common.aws.dynamodb.expressions import (
    check_count,
    check_table_name,
    check_transaction,
)
from tradai.common.aws.dynamodb.types import (
    Item,
    KeyCondition,
    KeySchema,
    Page,
    TransactAction,
    TransactDelete,
    TransactPut,
    TransactUpdate,
)
from tradai.common.aws.memory import _table_logic as logic
from tradai.common.exceptions import ConflictError, ValidationError

__all__ = ["InMemoryTable"]


class InMemoryTable:
    """A thread-safe in-memory table with DynamoDB's semantics (see the module docstring).

    Args:
        table_name: The table's name (validated like a real one).
        key_schema: The table's key (keyword-only, as all below).
        indexes: Index name -> its key, for ``query(index=...)``/``scan(index=...)``.
        clock: Monotonic clock for the transaction-token window.
    """

    def __init__(
        self,
        table_name: str,
        *,
        key_schema: KeySchema,
        indexes: Mapping[str, KeySchema] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._name = check_table_name(table_name)
        indexes = {check_table_name(n): s for n, s in (indexes or {}).items()}
        self._planner = logic.Planner(key_schema, indexes)
        self._items: dict[logic.Identity, Item] = {}
        self._tokens = logic.TokenWindow(clock)
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"InMemoryTable(table_name={self._name!r}, items={len(self._items)})"

    @property
    def table_name(self) -> str:
        """The table's name."""
        return self._name

    @property
    def key_schema(self) -> KeySchema:
        """The table's key."""
        return self._planner.key_schema

    def _execute(self, operation: str, op: logic.Op) -> tuple[Item | None, Item | None]:
        with self._lock:
            current = self._items.get(op.identity)
            if not op.check(current):
                code = "ConditionalCheckFailedException"
                message = f"dynamodb {operation} failed: {code}: The conditional request failed"
                raise logic.conflict(self._name, operation, code, message, copy.deepcopy(current))
            self._store(op, current)
            return copy.deepcopy(current), copy.deepcopy(self._items.get(op.identity))

    def _store(self, op: logic.Op, current: Item | None) -> None:
        new = op.apply(current)
        if new is None:
            self._items.pop(op.identity, None)
        else:
            self._items[op.identity] = new

    # ---------------------------------------------------------------- single items
    def get(self, key: Mapping[str, Any], *, consistent_read: bool = False) -> Item | None:
        """Return a copy of the item at ``key``, or ``None`` (see ``KeyValueTable.get``).

        Args:
            key: The full primary key.
            consistent_read: Accepted for parity; every read here is consistent.

        Returns:
            The item, or ``None``.
        """
        identity, _ = self._planner.key(key)
        with self._lock:
            return copy.deepcopy(self._items.get(identity))

    def put(
        self,
        item: Mapping[str, Any],
        *,
        if_not_exists: bool = False,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``item`` whole (arguments as for ``KeyValueTable.put``).

        Raises:
            ConflictError: If the condition fails; ``current`` is the stored item.
        """
        action = TransactPut(item, if_not_exists, condition, names, values)
        self._execute("PutItem", self._planner.prepare(action))

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
        """SET ``changes`` and REMOVE ``remove`` (arguments as for ``KeyValueTable.update``).

        Returns:
            The item after the update.

        Raises:
            ConflictError: If a condition fails; ``current`` is the stored item (or None).
        """
        removed = (remove,) if isinstance(remove, str) else tuple(remove)
        action = TransactUpdate(
            key, changes or {}, removed, expected_version, version_attribute, condition, names,
            values,
        )  # fmt: skip
        return self._execute("UpdateItem", self._planner.prepare(action))[1] or {}

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
        """Delete the item at ``key`` (arguments as for ``KeyValueTable.delete``).

        Returns:
            The deleted item, or ``None``.

        Raises:
            ConflictError: If a condition fails; ``current`` is the stored item.
        """
        action = TransactDelete(key, expected_version, version_attribute, condition, names, values)
        return self._execute("DeleteItem", self._planner.prepare(action))[0]

    # ---------------------------------------------------------------- reads
    def _page(self, partition: object, options: Mapping[str, Any]) -> Page:
        """One page; ``options`` are the read method's arguments (its ``locals()``)."""
        schema, keep = logic.read_plan(self._planner, options)
        with self._lock:
            items = [i for i in self._items.values() if all(n in i for n in schema.names)]
        if partition is not None:
            items = logic.select(items, schema, partition, options.get("sort"))
        return logic.paginate(
            items, table=self.key_schema, schema=schema, keep=keep,
            start_key=options.get("start_key"), page_size=options.get("page_size"),
            descending=bool(options.get("descending")), is_query=partition is not None,
        )  # fmt: skip

    def _iterate(
        self, partition: object, options: dict[str, Any], limit: int | None
    ) -> Iterator[Item]:
        """Read (and so validate) the first page now; follow the next pages lazily."""
        page_size = options.get("page_size")
        first = self._page(
            partition, options | {"page_size": logic.smaller(page_size, limit) or page_size}
        )
        return self._follow(partition, options, limit, first)

    def _follow(
        self, partition: object, options: dict[str, Any], remaining: int | None, page: Page
    ) -> Iterator[Item]:
        page_size = options.get("page_size")
        while True:
            items = page.items[:remaining]
            yield from items
            remaining = None if remaining is None else remaining - len(items)
            if page.last_key is None or remaining == 0:
                return
            options["start_key"] = page.last_key
            page = self._page(
                partition, options | {"page_size": logic.smaller(page_size, remaining)}
            )

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
        """Read one page of one partition (arguments as for ``KeyValueTable.query_page``).

        Returns:
            The page.
        """
        return self._page(partition, locals())

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
        """Iterate over one partition (arguments as for ``KeyValueTable.query``).

        Returns:
            An iterator; the input is validated (and the first page read) at once.
        """
        check_count(limit, "limit", 0)
        return self._iterate(partition, dict(locals()), limit)

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
        """Read one page of the table, in key order (arguments as for ``scan_page``).

        Returns:
            The page.
        """
        return self._page(None, locals())

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
        """Iterate over the whole table (arguments as for ``KeyValueTable.scan``).

        Returns:
            An iterator; the input is validated (and the first page read) at once.
        """
        check_count(limit, "limit", 0)
        return self._iterate(None, dict(locals()), limit)

    # ---------------------------------------------------------------- batches
    def batch_write(
        self, *, puts: Iterable[Mapping[str, Any]] = (), deletes: Iterable[Mapping[str, Any]] = ()
    ) -> int:
        """Put and delete many items (arguments as for ``KeyValueTable.batch_write``).

        Returns:
            How many write requests were applied (duplicate keys collapsed).

        Raises:
            ValidationError: If an item lacks its key or a key is both put and deleted.
        """
        ops = self._planner.batch(puts, deletes)
        with self._lock:
            for op in ops:
                self._store(op, self._items.get(op.identity))
        return len(ops)

    def batch_get(
        self, keys: Iterable[Mapping[str, Any]], *, consistent_read: bool = False
    ) -> list[Item]:
        """Read many items (arguments as for ``KeyValueTable.batch_get``).

        Returns:
            Copies of the items found, in the order of ``keys`` (duplicates once).
        """
        identities = dict.fromkeys(self._planner.key(k, "keys")[0] for k in keys)
        with self._lock:
            found = [self._items.get(i) for i in identities]
        return [copy.deepcopy(i) for i in found if i is not None]

    def transact_write(
        self, actions: Sequence[TransactAction], *, client_request_token: str | None = None
    ) -> str:
        """Apply ``actions`` atomically (arguments as for ``KeyValueTable.transact_write``).

        Returns:
            The token used.

        Raises:
            ConflictError: If a condition fails (``context["reasons"]``), or the token was
                used for other actions in the last 10 minutes.
            ValidationError: If the transaction is malformed or names one item twice.
        """
        token = str(uuid.uuid4()) if client_request_token is None else client_request_token
        check_transaction(actions, token)
        ops = [self._planner.prepare(a) for a in actions]
        if len({op.identity for op in ops}) != len(ops):
            message = "a transaction cannot include multiple operations on one item"
            raise ValidationError(message, field="actions")
        fingerprint = repr(actions)
        with self._lock:
            if self._tokens.replayed(self._name, token, fingerprint):
                return token
            currents = [self._items.get(op.identity) for op in ops]
            failed = [not op.check(c) for op, c in zip(ops, currents, strict=True)]
            if any(failed):
                raise self._cancelled(failed, currents)
            for op, current in zip(ops, currents, strict=True):
                self._store(op, current)
            self._tokens.record(token, fingerprint)
        return token

    def _cancelled(self, failed: list[bool], currents: list[Item | None]) -> ConflictError:
        codes = ["ConditionalCheckFailed" if f else "None" for f in failed]
        current = [copy.deepcopy(c) if f else None for f, c in zip(failed, currents, strict=True)]
        message = f"dynamodb transaction cancelled: {', '.join(codes)}"
        code = "TransactionCanceledException"
        error = logic.conflict(self._name, "TransactWriteItems", code, message, current)
        error.context["reasons"] = codes
        return error
