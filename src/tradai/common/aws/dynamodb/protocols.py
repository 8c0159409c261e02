"""The key-value table port: the protocols every table implementation follows.

:class:`KeyValueTable` is what services depend on;
:class:`~tradai.common.aws.dynamodb.adapter.DynamoDBTable` implements it over boto3 and
:class:`~tradai.common.aws.memory.table.InMemoryTable` in memory.
:class:`AsyncKeyValueTable` is the same API as coroutines
(:class:`~tradai.common.aws.dynamodb.async_adapter.AsyncDynamoDBTable`).

Semantics every implementation shares (decisions where the design document is silent):

* Items use the form of boto3's DynamoDB *resource* API: numbers are ``Decimal`` (``int``
  is accepted on the way in, ``float`` is refused with ``ValidationError``), binary values
  ``bytes``, sets Python sets. Entities' ``to_dynamodb_item()`` produces that form.
* Conditions and filters are DynamoDB expressions whose names and values are passed
  separately (``condition="#s = :s", names={"#s": "status"}, values={":s": "NEW"}``);
  generated expressions always use placeholders, so data never changes an expression.
* ``put(if_not_exists=True)`` adds ``attribute_not_exists(<partition key>)``;
  ``expected_version=n`` adds ``<version> = n`` and, on update, sets the version to
  ``n + 1`` in the same request. A failed condition raises
  :class:`~tradai.common.exceptions.ConflictError` whose ``current`` is the stored item
  (``None`` when there is none).
* ``update`` SETs a dict of new values and REMOVEs a list of attributes (creating the item
  when it is absent, as DynamoDB does) and returns the item after the update; ``delete``
  returns the deleted item or ``None``.
* Reads come as pages (``query_page``/``scan_page``: ``page_size`` is DynamoDB's ``Limit``,
  counted *before* the filter, so a page may be empty and still have a ``last_key``) or as
  iterators over every page (``query``/``scan``, with an optional total ``limit``).
* ``batch_write`` and ``batch_get`` are not atomic; they retry what DynamoDB leaves
  unprocessed and raise :class:`~tradai.common.aws.dynamodb.types.UnprocessedItemsError`
  when the retry budget runs out. Duplicate keys are collapsed (the last put wins;
  putting and deleting one key is refused). ``batch_get`` keeps the order of the keys.
* ``transact_write`` applies 1-100 actions on the table atomically with a
  ``ClientRequestToken`` (generated when not given; a retry with the same token is not
  applied twice). A cancelled transaction raises ``ConflictError`` with the reason codes
  in ``context["reasons"]`` and the stored items in ``current`` (one per action).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import Item, KeyCondition, Page, TransactAction

__all__ = ["AsyncKeyValueTable", "KeyValueTable"]


@runtime_checkable
class KeyValueTable(Protocol):
    """A DynamoDB-shaped table of items addressed by a partition (and sort) key."""

    @property
    def table_name(self) -> str:
        """The table's name."""
        ...

    def get(self, key: Mapping[str, Any], *, consistent_read: bool = False) -> Item | None:
        """Return the item at ``key``, or ``None`` when there is none."""
        ...

    def put(
        self,
        item: Mapping[str, Any],
        *,
        if_not_exists: bool = False,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``item`` whole; raise ``ConflictError`` when a condition fails."""
        ...

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
        """SET ``changes`` and REMOVE ``remove``; return the item after the update."""
        ...

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
        """Delete the item at ``key``; return it (``None`` when there was none)."""
        ...

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
        """Read one page of the items of one partition (``sort`` is a ``KeyCondition``)."""
        ...

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
        """Iterate over the items of one partition, following every page."""
        ...

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
        """Read one page of the whole table (or index)."""
        ...

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
        """Iterate over every item of the table (or index), following every page."""
        ...

    def batch_write(
        self, *, puts: Iterable[Mapping[str, Any]] = (), deletes: Iterable[Mapping[str, Any]] = ()
    ) -> int:
        """Put and delete many items (not atomically); return how many requests were applied."""
        ...

    def batch_get(
        self, keys: Iterable[Mapping[str, Any]], *, consistent_read: bool = False
    ) -> list[Item]:
        """Return the items found at ``keys``, in the order of ``keys``."""
        ...

    def transact_write(
        self, actions: Sequence[TransactAction], *, client_request_token: str | None = None
    ) -> str:
        """Apply ``actions`` atomically; return the ``ClientRequestToken`` used."""
        ...


@runtime_checkable
class AsyncKeyValueTable(Protocol):
    """:class:`KeyValueTable` as coroutines (``query``/``scan`` are async iterators)."""

    @property
    def table_name(self) -> str:
        """The table's name."""
        ...

    async def get(self, key: Mapping[str, Any], *, consistent_read: bool = False) -> Item | None:
        """As :meth:`KeyValueTable.get`."""
        ...

    async def put(
        self,
        item: Mapping[str, Any],
        *,
        if_not_exists: bool = False,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """As :meth:`KeyValueTable.put`."""
        ...

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
        """As :meth:`KeyValueTable.update`."""
        ...

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
        """As :meth:`KeyValueTable.delete`."""
        ...

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
        """Read one page of the items of one partition (``sort`` is a ``KeyCondition``)."""
        ...

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
        """Iterate over the items of one partition, following every page."""
        ...

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
        """Read one page of the whole table (or index)."""
        ...

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
        """Iterate over every item of the table (or index), following every page."""
        ...

    async def batch_write(
        self, *, puts: Iterable[Mapping[str, Any]] = (), deletes: Iterable[Mapping[str, Any]] = ()
    ) -> int:
        """As :meth:`KeyValueTable.batch_write`."""
        ...

    async def batch_get(
        self, keys: Iterable[Mapping[str, Any]], *, consistent_read: bool = False
    ) -> list[Item]:
        """As :meth:`KeyValueTable.batch_get`."""
        ...

    async def transact_write(
        self, actions: Sequence[TransactAction], *, client_request_token: str | None = None
    ) -> str:
        """As :meth:`KeyValueTable.transact_write`."""
        ...
