"""Table specifications of the domain repositories, and creating their tables.

Each domain repository describes its table as a :class:`TableSpec` (key schema, global
secondary indexes, TTL attribute) through the ``table_spec()`` classmethod of
:class:`SpecRepository`, so tests, local development and ``make demo`` build exactly the
table the code expects:

* :meth:`TableSpec.create_table_params` — the ``CreateTable`` arguments (on-demand
  billing, every index projecting all attributes);
* :meth:`TableSpec.in_memory_table` — the same table as an in-memory twin
  (:class:`~tradai.common.repositories._membership_table.InMemoryTableWithIn`);
* :func:`ensure_table` — creates the table if it is missing, waits until it is active,
  checks that an existing table has the expected key and indexes, and enables TTL.

Decisions where the design document is silent: key attributes are strings unless the
spec says otherwise; an existing table with another key schema or lacking an index is a
:class:`~tradai.common.exceptions.ConfigurationError` (it is never altered); TTL on another
attribute than the spec's is one too.

Example:
    >>> from tradai.common.aws.dynamodb.types import KeySchema
    >>> spec = TableSpec("jobs", KeySchema("job_id"),
    ...                  indexes=(IndexSpec("status-index", KeySchema("status", "created_at")),))
    >>> [d["AttributeName"] for d in spec.create_table_params()["AttributeDefinitions"]]
    ['created_at', 'job_id', 'status']
    >>> spec.in_memory_table().table_name
    'jobs'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

from tradai.common.aws.dynamodb.expressions import check_table_name
from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.exceptions import ConfigurationError, ConflictError, NotFoundError
from tradai.common.repositories._membership_table import InMemoryTableWithIn
from tradai.common.repositories.base import DynamoDBRepository, _table_name

if TYPE_CHECKING:
    from tradai.common.repositories.pagination import CursorSigner

__all__ = ["IndexSpec", "SpecRepository", "TableSpec", "ensure_table"]

T = TypeVar("T", bound=DynamoDBSerializableMixin)

_WAIT = {"Delay": 1, "MaxAttempts": 120}


def _key_elements(keys: KeySchema) -> list[dict[str, str]]:
    elements = [{"AttributeName": keys.partition_key, "KeyType": "HASH"}]
    if keys.sort_key is not None:
        elements.append({"AttributeName": keys.sort_key, "KeyType": "RANGE"})
    return elements


def _schema_of(elements: list[Mapping[str, str]]) -> KeySchema:
    by_type = {e["KeyType"]: e["AttributeName"] for e in elements}
    return KeySchema(by_type["HASH"], by_type.get("RANGE"))


@dataclass(frozen=True, slots=True)
class IndexSpec:
    """A global secondary index projecting every attribute.

    Attributes:
        name: The index name.
        keys: Its key schema.
    """

    name: str
    keys: KeySchema


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What a repository's table looks like.

    Attributes:
        table_name: The table's name.
        keys: The table's key schema.
        indexes: Its global secondary indexes.
        ttl_attribute: The TTL attribute (epoch seconds), if items expire.
        attribute_types: ``"S"``, ``"N"`` or ``"B"`` per key attribute (default ``"S"``).
    """

    table_name: str
    keys: KeySchema
    indexes: tuple[IndexSpec, ...] = ()
    ttl_attribute: str | None = None
    attribute_types: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_table_name(self.table_name)
        for index in self.indexes:
            check_table_name(index.name)

    @property
    def index_schemas(self) -> dict[str, KeySchema]:
        """Index name -> key schema (what ``InMemoryTable(indexes=...)`` takes)."""
        return {index.name: index.keys for index in self.indexes}

    def create_table_params(self) -> dict[str, Any]:
        """Return the ``CreateTable`` arguments (on-demand billing).

        Returns:
            Keyword arguments for a boto3 DynamoDB client's ``create_table``.
        """
        names = {*self.keys.names}
        for index in self.indexes:
            names.update(index.keys.names)
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "KeySchema": _key_elements(self.keys),
            "AttributeDefinitions": [
                {"AttributeName": n, "AttributeType": self.attribute_types.get(n, "S")}
                for n in sorted(names)
            ],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if self.indexes:
            params["GlobalSecondaryIndexes"] = [
                {
                    "IndexName": index.name,
                    "KeySchema": _key_elements(index.keys),
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in self.indexes
            ]
        return params

    def in_memory_table(self) -> InMemoryTableWithIn:
        """Return an empty in-memory twin of this table.

        Returns:
            The table, with the same key and indexes.
        """
        return InMemoryTableWithIn(
            self.table_name, key_schema=self.keys, indexes=self.index_schemas
        )

    def check(self, description: Mapping[str, Any]) -> None:
        """Check a ``DescribeTable`` response's ``Table`` against this spec.

        Args:
            description: ``describe_table(...)["Table"]``.

        Raises:
            ConfigurationError: If the key schema differs or an index is missing or
                has another key.
        """
        found = _schema_of(description["KeySchema"])
        if found != self.keys:
            raise ConfigurationError(
                f"table {self.table_name} has the key {found}, not {self.keys}",
                setting="table_name",
            )
        indexes = {
            i["IndexName"]: _schema_of(i["KeySchema"])
            for i in description.get("GlobalSecondaryIndexes", ())
        }
        for index in self.indexes:
            if indexes.get(index.name) != index.keys:
                raise ConfigurationError(
                    f"table {self.table_name} lacks the index {index.name} ({index.keys})",
                    setting="table_name",
                )


def _call(client: Any, spec: TableSpec, method: str, **params: Any) -> Any:
    """Call ``client.<method>``; errors are translated with the API operation's name."""
    from tradai.common.aws.dynamodb._requests import aws_errors
    from tradai.common.aws.errors import translate_aws_error

    operation = "".join(part.title() for part in method.split("_"))  # update_time_to_live
    try:
        return getattr(client, method)(**params)
    except aws_errors() as exc:
        raise translate_aws_error(
            exc, service="dynamodb", operation=operation, resource=spec.table_name
        ) from exc


def _ensure_ttl(client: Any, spec: TableSpec) -> None:
    if spec.ttl_attribute is None:
        return
    described = _call(client, spec, "describe_time_to_live", TableName=spec.table_name)
    ttl = described.get("TimeToLiveDescription", {})
    if ttl.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
        if ttl.get("AttributeName") != spec.ttl_attribute:
            raise ConfigurationError(
                f"table {spec.table_name} expires items on {ttl.get('AttributeName')!r}, "
                f"not {spec.ttl_attribute!r}",
                setting="ttl_attribute",
            )
        return
    _call(
        client, spec, "update_time_to_live", TableName=spec.table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": spec.ttl_attribute},
    )  # fmt: skip


def ensure_table(client: Any, spec: TableSpec, *, wait: bool = True) -> bool:
    """Create the table of ``spec`` unless it exists; check it; enable its TTL.

    Args:
        client: A boto3 DynamoDB client (``None``: the process-wide factory's).
        spec: The table wanted.
        wait: Wait (up to two minutes) until a new table is active.

    Returns:
        True if this call created the table.

    Raises:
        ConfigurationError: If an existing table has another key, lacks an index, or
            expires items on another attribute.
        TradAIError: The translated AWS error of any failed call.
    """
    if client is None:
        from tradai.common.aws._client_factory import default_factory

        client = default_factory().client("dynamodb")
    created = False
    try:
        description = _call(client, spec, "describe_table", TableName=spec.table_name)
    except NotFoundError:
        try:
            _call(client, spec, "create_table", **spec.create_table_params())
            created = True
        except ConflictError:  # created meanwhile by someone else
            pass
        if wait:
            waiter = client.get_waiter("table_exists")
            _call(waiter, spec, "wait", TableName=spec.table_name, WaiterConfig=_WAIT)
        description = _call(client, spec, "describe_table", TableName=spec.table_name)
    spec.check(description["Table"])
    _ensure_ttl(client, spec)
    return created


class SpecRepository(DynamoDBRepository[T]):
    """A :class:`DynamoDBRepository` that knows its table's indexes and TTL attribute.

    Subclasses set :attr:`table_indexes` and :attr:`ttl_attribute` next to ``entity``,
    ``keys`` and ``table_setting``.
    """

    #: The table's global secondary indexes.
    table_indexes: ClassVar[tuple[IndexSpec, ...]] = ()
    #: The TTL attribute, if the table expires items.
    ttl_attribute: ClassVar[str | None] = None

    @classmethod
    def table_spec(cls, table_name: str | None = None, *, settings: object = None) -> TableSpec:
        """Return the spec of this repository's table.

        Args:
            table_name: The table's name (default: from ``settings`` or the environment
                variable named by ``table_setting``).
            settings: An object whose attribute ``table_setting.lower()`` names the table.

        Returns:
            The spec.

        Raises:
            ConfigurationError: If no table name is given or configured.
        """
        if cls.keys is None:
            raise ConfigurationError(f"{cls.__name__} needs keys")
        name = table_name or _table_name(cls.table_setting, settings)
        return TableSpec(name, cls.keys, cls.table_indexes, cls.ttl_attribute)

    @classmethod
    def in_memory(
        cls, *, table_name: str = "in-memory", cursor_signer: CursorSigner | None = None
    ) -> Self:
        """Return this repository over a fresh in-memory twin of its table.

        Args:
            table_name: The twin table's name.
            cursor_signer: Signs cursors (default: from ``TRADAI_CURSOR_SECRET``).

        Returns:
            The repository: the same class as over DynamoDB, so it behaves the same.
        """
        table = cls.table_spec(table_name).in_memory_table()
        return cls(table, cursor_signer=cursor_signer)
