"""``DynamoDBRepository``: entities in a DynamoDB table, under optimistic concurrency.

The base of every DynamoDB repository: it stores one entity class (a
``DynamoDBSerializableMixin`` with an integer ``version``) in a table behind the
:class:`~tradai.common.aws.dynamodb.protocols.KeyValueTable` port (``DynamoDBTable`` on AWS,
``InMemoryTable`` in tests) and converts with an
:class:`~tradai.common.repositories.codecs.EntityCodec`.

Rules for every mutable record (see :mod:`tradai.common.repositories.protocols`):

* each write carries the version it was based on and stores the next one, with a
  ``ConditionExpression`` (``#version = :expected``, or ``attribute_not_exists(#version)``
  for version 0, or ``attribute_not_exists(<partition key>)`` for a create), sent in the
  same request as the write, so two writers of the same version cannot both win;
* a writer that lost gets :class:`~tradai.common.exceptions.ConflictError` whose
  ``current`` is the stored record decoded as an entity (``None`` when there is none);
* deletes are conditional too (on existence, or on the version when one is given);
* batch writes (:meth:`DynamoDBRepository.batch_write`) go through the table's retrying
  batch; DynamoDB batches cannot be conditional, so they are for bulk loads only.

A repository holds no mutable state of its own (the cursor signer is built once, on first
need), so it is as thread-safe as its table (``DynamoDBTable`` and ``InMemoryTable`` are).

Subclassing: set :attr:`~DynamoDBRepository.entity`, :attr:`~DynamoDBRepository.keys` and
:attr:`~DynamoDBRepository.table_setting` (the settings attribute / environment variable
naming the table); override :meth:`~DynamoDBRepository.to_item` and
:meth:`~DynamoDBRepository.from_item` to add or strip synthetic attributes.

Example:
    >>> from tradai.common.aws.dynamodb.types import KeySchema
    >>> from tradai.common.aws.memory.table import InMemoryTable
    >>> from tradai.common.entities.trading_state import TradingState
    >>> class TradingStates(DynamoDBRepository[TradingState]):
    ...     entity = TradingState
    ...     keys = KeySchema("strategy_id")
    ...     table_setting = "TRADING_STATE_TABLE"
    >>> repo = TradingStates(InMemoryTable("states", key_schema=KeySchema("strategy_id")))
    >>> saved = repo.put(TradingState(strategy_id="s1", instance_id="i1"))
    >>> saved.version, repo.get("s1") == saved
    (1, True)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from pydantic import ValidationError as PydanticValidationError

from tradai.common.aws.dynamodb.expressions import Placeholders
from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.exceptions import ConfigurationError, ConflictError, NotFoundError
from tradai.common.exceptions import ValidationError as TradAIValidationError
from tradai.common.repositories._wire import encode_resource
from tradai.common.repositories.codecs import EntityCodec, codec_for
from tradai.common.repositories.pagination import CursorSigner, read_page

if TYPE_CHECKING:
    from tradai.common.aws._client_factory import ClientFactory
    from tradai.common.aws.dynamodb.protocols import KeyValueTable
    from tradai.common.aws.dynamodb.types import Item
    from tradai.common.entities.pagination import PaginatedResponse
    from tradai.common.repositories.query import Query

__all__ = ["DynamoDBRepository"]

T = TypeVar("T", bound=DynamoDBSerializableMixin)


def _table_name(setting: str | None, settings: object) -> str:
    """The table name from ``settings.<setting>`` or the environment variable ``SETTING``."""
    if setting is None:
        raise ConfigurationError("pass table= or table_name=, or set table_setting")
    value = getattr(settings, setting.lower(), None) if settings is not None else None
    value = value or os.environ.get(setting.upper())
    if not value:
        raise ConfigurationError(f"no table name: set {setting.upper()}", setting=setting)
    return str(value)


class DynamoDBRepository(Generic[T]):
    """Entities of one class in one table, with versioned conditional writes.

    Args:
        table: The table port (wins over everything below).
        table_name: The table's name (keyword-only, as all below).
        settings: An object whose attribute ``table_setting.lower()`` names the table.
        client: A boto3 DynamoDB client for the table built here.
        factory: A ``ClientFactory`` for the table built here.
        entity: The entity class (default: the class attribute).
        keys: The table's key schema (default: the class attribute).
        codec: The codec (default: the process-wide one for the entity class).
        cursor_signer: Signs cursors (default: from ``TRADAI_CURSOR_SECRET`` on first need).

    Raises:
        ConfigurationError: If the entity, key schema or table name is missing, the entity
            has no integer version field, or an injected table has another key schema.
    """

    #: The entity class stored (subclasses set it).
    entity: ClassVar[type[Any] | None] = None
    #: The table's key schema (subclasses set it).
    keys: ClassVar[KeySchema | None] = None
    #: Settings attribute / environment variable naming the table (``"JOBS_TABLE"``).
    table_setting: ClassVar[str | None] = None
    #: The optimistic-lock attribute.
    version_attribute: ClassVar[str] = "version"
    #: Reads per page call before an empty page is returned with its cursor.
    max_empty_pages: ClassVar[int] = 16

    def __init__(
        self,
        table: KeyValueTable | None = None,
        *,
        table_name: str | None = None,
        settings: object = None,
        client: Any = None,
        factory: ClientFactory | None = None,
        entity: type[T] | None = None,
        keys: KeySchema | None = None,
        codec: EntityCodec[T] | None = None,
        cursor_signer: CursorSigner | None = None,
    ) -> None:
        model = entity or type(self).entity
        schema = keys or type(self).keys
        if model is None or not isinstance(schema, KeySchema):
            raise ConfigurationError(f"{type(self).__name__} needs an entity class and keys")
        fields = getattr(model, "model_fields", {})
        if getattr(fields.get(self.version_attribute), "annotation", None) is not int:
            raise ConfigurationError(
                f"{model.__name__} needs an int field {self.version_attribute!r}",
                setting="version_attribute",
            )
        self._codec: EntityCodec[T] = codec or codec_for(model)
        self._keys = schema
        self._signer = cursor_signer
        if table is None:
            table = self._build_table(table_name, settings, client, factory)
        self._table = table
        declared = getattr(self._table, "key_schema", None)
        if isinstance(declared, KeySchema) and declared != schema:
            raise ConfigurationError(f"the table's key is {declared}, not {schema}")

    def _build_table(
        self, table_name: str | None, settings: object, client: Any, factory: Any
    ) -> KeyValueTable:
        from tradai.common.aws.dynamodb.adapter import DynamoDBTable

        name = table_name or _table_name(type(self).table_setting, settings)
        return DynamoDBTable(name, client=client, factory=factory, key_schema=self._keys)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(table={self._table.table_name!r})"

    # ---------------------------------------------------------------- properties
    @property
    def table(self) -> KeyValueTable:
        """The table port this repository writes to."""
        return self._table

    @property
    def codec(self) -> EntityCodec[T]:
        """The codec converting entities to and from items."""
        return self._codec

    @property
    def key_schema(self) -> KeySchema:
        """The table's key schema."""
        return self._keys

    # ---------------------------------------------------------------- conversion hooks
    def to_item(self, entity: T) -> Item:
        """Return the item stored for ``entity`` (override to add synthetic attributes).

        Args:
            entity: The entity.

        Returns:
            The item in the resource form.
        """
        return self._codec.to_item(entity)

    def from_item(self, item: Item) -> T:
        """Return the entity of a stored item (override to strip synthetic attributes).

        Args:
            item: The stored item.

        Returns:
            The validated entity.

        Raises:
            ValidationError: If the stored item is not a valid entity (the message names
                the fields, never their values).
        """
        try:
            return self._codec.from_item(item)
        except PydanticValidationError as exc:
            fields = sorted({".".join(map(str, e["loc"])) for e in exc.errors()})
            raise TradAIValidationError(
                f"a stored {self._codec.model.__name__} is not valid: {', '.join(fields)}",
                field="item",
                context={"table": self._table.table_name},
            ) from None

    def key(self, key: object) -> dict[str, Any]:
        """Return the key attributes of ``key``.

        Args:
            key: A scalar (tables with a partition key only), a ``(partition, sort)``
                tuple, or a mapping of the key attributes. Values are converted like entity
                values (enums, datetimes...).

        Returns:
            The key in the resource form.

        Raises:
            ValidationError: If ``key`` does not fit the key schema.
        """
        names = self._keys.names
        if isinstance(key, Mapping):
            values = [key.get(name) for name in names] if set(key) == set(names) else []
        elif isinstance(key, tuple):
            values = list(key)
        else:
            values = [key]
        if len(values) != len(names) or any(v is None for v in values):
            raise TradAIValidationError(f"a key is {' + '.join(names)}", field="key")
        return {name: encode_resource(value) for name, value in zip(names, values, strict=True)}

    def key_of(self, entity: T) -> dict[str, Any]:
        """Return the key of ``entity``.

        Args:
            entity: The entity.

        Returns:
            Its key attributes in the resource form.
        """
        return self._keys.key_of(self.to_item(entity))

    # ---------------------------------------------------------------- reads
    def get(self, key: object, *, consistent_read: bool = True) -> T | None:
        """Return the entity at ``key``, or ``None``.

        Args:
            key: See :meth:`key`.
            consistent_read: Strongly consistent (the default: read-modify-write needs it).

        Returns:
            The entity, or ``None``.
        """
        item = self._table.get(self.key(key), consistent_read=consistent_read)
        return None if item is None else self.from_item(item)

    def exists(self, key: object) -> bool:
        """Whether an entity is stored at ``key`` (strongly consistent).

        Args:
            key: See :meth:`key`.

        Returns:
            Whether there is one.
        """
        return self._table.get(self.key(key), consistent_read=True) is not None

    def query(self, query: Query, *, cursor: str | None = None) -> PaginatedResponse[T]:
        """Return one page of the entities a :class:`~.query.Query` selects.

        Args:
            query: The query (its ``limit`` is the page size).
            cursor: The previous page's ``next_cursor``.

        Returns:
            The page (possibly shorter than ``limit`` while more follow).

        Raises:
            ValidationError: If the query has a projection (repositories return whole
                entities) or the cursor belongs to another query.
        """
        if query.projection:
            raise TradAIValidationError(
                "repositories return whole entities: drop the projection", field="projection"
            )
        kwargs = query.table_kwargs()
        scope = f"{self._table.table_name}|query|{query.fingerprint()}"
        return read_page(
            lambda start: self._table.query_page(**kwargs, start_key=start),
            self.from_item,
            limit=query.limit,
            cursor=cursor,
            scope=scope,
            signer=self._cursor_signer,
            max_empty_pages=self.max_empty_pages,
        )

    def _cursor_signer(self) -> CursorSigner:
        if self._signer is None:
            self._signer = CursorSigner.from_settings()
        return self._signer

    # ---------------------------------------------------------------- writes
    def put(self, entity: T) -> T:
        """Save ``entity`` if the stored version is still ``entity.version``.

        Version 0 means "never stored": the write then succeeds only if no versioned record
        is stored under the key. The stored record gets ``entity.version + 1``.

        Args:
            entity: The entity as last read (or new).

        Returns:
            The entity as stored (with its new version).

        Raises:
            ConflictError: If another version is stored; ``current`` is that entity.
        """
        return self._save(entity, self._version(getattr(entity, self.version_attribute)))

    def delete(self, key: object, *, expected_version: int | None = None) -> bool:
        """Delete the entity at ``key`` (only at ``expected_version``, when given).

        Args:
            key: See :meth:`key`.
            expected_version: The version read before deciding to delete.

        Returns:
            True if an entity was deleted, False if there was none.

        Raises:
            ConflictError: If another version is stored; ``current`` is that entity.
        """
        ph = Placeholders()
        if expected_version is None:
            condition = f"attribute_exists({ph.name(self._keys.partition_key)})"
        else:
            condition = self._version_condition(ph, self._version(expected_version), True)
        try:
            self._table.delete(self.key(key), condition=condition, **self._maps(ph))
        except ConflictError as exc:
            if exc.current is None:
                return False
            raise self._conflict(exc) from exc
        return True

    def batch_write(self, *, puts: Iterable[T] = (), deletes: Iterable[object] = ()) -> int:
        """Write and delete many entities through the table's retrying batch (bulk loads).

        DynamoDB batches cannot carry conditions: nothing is version-checked here. Each
        put stores ``version + 1``, as :meth:`put` would.

        Args:
            puts: Entities to store.
            deletes: Keys to delete.

        Returns:
            How many write requests were applied.

        Raises:
            UnprocessedItemsError: If requests were still unprocessed when the retry
                budget ran out.
        """
        va = self.version_attribute
        items = [self._item(e, self._version(getattr(e, va))) for e in puts]
        keys = [self.key(k) for k in deletes]
        return self._table.batch_write(puts=items, deletes=keys)

    # ---------------------------------------------------------------- machinery
    def _item(self, entity: T, expected: int) -> Item:
        item = self.to_item(entity)
        item[self.version_attribute] = expected + 1
        return item

    @staticmethod
    def _version(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise TradAIValidationError(
                "a version is an integer >= 0", field="expected_version", value=repr(value)[:20]
            )
        return value

    def _version_condition(self, ph: Placeholders, expected: int, must_exist: bool) -> str:
        version = ph.name(self.version_attribute)
        if expected > 0:
            return f"{version} = {ph.value(expected)}"
        absent = f"attribute_not_exists({version})"
        if not must_exist:
            return absent
        return f"attribute_exists({ph.name(self._keys.partition_key)}) AND {absent}"

    @staticmethod
    def _maps(ph: Placeholders) -> dict[str, Any]:
        return {"names": ph.names or None, "values": ph.values or None}

    def _save(
        self, entity: T, expected: int, *, create: bool = False, must_exist: bool = False
    ) -> T:
        item = self._item(entity, expected)
        ph = Placeholders()
        condition = None if create else self._version_condition(ph, expected, must_exist)
        extra = None if create or expected == 0 else self._extra_condition(ph, entity)
        if extra:
            condition = f"{condition} AND {extra}"
        try:
            self._table.put(item, if_not_exists=create, condition=condition, **self._maps(ph))
        except ConflictError as exc:
            if must_exist and exc.current is None:
                raise NotFoundError(
                    f"no {self._codec.model.__name__} to update at {self._keys.key_of(item)}",
                    resource=self._codec.model.__name__,
                    key=self._keys.key_of(item),
                    context={"table": self._table.table_name},
                ) from exc
            raise self._conflict(exc) from exc
        return self.from_item(item)

    def _extra_condition(self, ph: Placeholders, entity: T) -> str | None:
        """Return a condition ANDed to the version check when a stored version is replaced.

        It is not applied to creates or to first writes (version 0). Subclasses override it
        (e.g. to allow only legal status transitions); the base adds none. Build it through
        ``ph`` so values stay data.

        Args:
            ph: The placeholders of the write being built.
            entity: The entity about to be written.

        Returns:
            A condition expression, or ``None``.
        """
        return None

    def _conflict(self, exc: ConflictError) -> ConflictError:
        current = exc.current
        entity = None if current is None else self.from_item(current)
        name = self._codec.model.__name__
        return ConflictError(
            f"{name} was changed by another writer (stored version: "
            f"{getattr(entity, self.version_attribute, None)})",
            current=entity,
            context={**exc.context, "table": self._table.table_name},
        )
