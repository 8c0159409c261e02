"""A query builder whose values can never change the expression it sends.

:class:`Query` is an immutable description of a DynamoDB ``Query``: the partition key
value, a sort-key condition, a secondary index, filters, a projection, the page size and
the order. Every builder method returns a new query. Rendering goes through
:class:`~tradai.common.aws.dynamodb.expressions.Placeholders` (the same placeholder system
as the table adapters): every attribute name becomes a ``#nX`` placeholder and every value
a ``:vX`` placeholder, so a value holding ``#``, ``:``, quotes or words such as ``AND`` or
``OR`` is only ever data, and any attribute name works.

Values may be anything an entity holds (strings, numbers, floats, ``Decimal``, datetimes,
enums, booleans): they are converted exactly as the entity codecs store them, so
``Query.on("status", JobStatus.RUNNING)`` matches what the repository wrote.

Decisions where the design document is silent: filters are the forms every table
implementation evaluates alike (comparisons, ``begins_with``, ``attribute_exists``,
``attribute_not_exists``) joined with ``AND``; a projection is rendered by
:meth:`Query.request_params` (for a low-level client) but refused by repositories, which
return whole entities.

Example:
    >>> q = Query.on("strategy", "pascal").using("by-strategy").where("status", "=", "a OR b")
    >>> q.filter_expression()
    ('#n0 = :v0', {'#n0': 'status'}, {':v0': 'a OR b'})
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any, Final

from tradai.common.aws.dynamodb.expressions import (
    COMPARISONS,
    Placeholders,
    check_count,
    check_table_name,
    render_key_condition,
)
from tradai.common.aws.dynamodb.types import KeyCondition
from tradai.common.exceptions import ValidationError
from tradai.common.repositories._wire import encode_resource, encode_wire

__all__ = ["Filter", "Query"]

_EXISTENCE: Final = frozenset({"attribute_exists", "attribute_not_exists"})
_OPERATORS: Final = COMPARISONS | _EXISTENCE | {"begins_with"}
_MAX_PAGE: Final = 10_000


def _attribute(name: object, field: str) -> str:
    if not isinstance(name, str) or not name or len(name) > 255 or "\x00" in name:
        raise ValidationError(f"{field} must name an attribute (1-255 characters)", field=field)
    return name


@dataclass(frozen=True, slots=True)
class Filter:
    """One filter term.

    Attributes:
        attribute: The attribute (any name; it is sent as a placeholder).
        op: A comparison (``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=``), ``begins_with``,
            ``attribute_exists`` or ``attribute_not_exists``.
        value: The operand (unused by the existence checks), in the stored form.
    """

    attribute: str
    op: str
    value: Any = None

    def render(self, placeholders: Placeholders) -> str:
        """Return this term's text, registering its name and value.

        Args:
            placeholders: Where names and values are registered.

        Returns:
            The expression text (names and values only as placeholders).
        """
        name = placeholders.name(self.attribute)
        if self.op in _EXISTENCE:
            return f"{self.op}({name})"
        value = placeholders.value(self.value)
        if self.op == "begins_with":
            return f"begins_with({name}, {value})"
        return f"{name} {self.op} {value}"


@dataclass(frozen=True, slots=True)
class Query:
    """An immutable DynamoDB query (build it with :meth:`on` and the methods below).

    Attributes:
        partition: ``(attribute, value)`` of the partition key (of the index, if any).
        sort: A condition on the sort key.
        index: A secondary index.
        filters: Filter terms, ``AND``-ed.
        projection: Attributes to return (empty: all).
        limit: Page size: items evaluated per page, before filtering (1-10,000).
        descending: Highest sort key first.
        consistent_read: Strongly consistent (not on global secondary indexes).
    """

    partition: tuple[str, Any]
    sort: KeyCondition | None = None
    index: str | None = None
    filters: tuple[Filter, ...] = ()
    projection: tuple[str, ...] = ()
    limit: int = 100
    descending: bool = False
    consistent_read: bool = False

    @classmethod
    def on(cls, attribute: str, value: Any) -> Query:
        """Start a query of the partition where ``attribute`` equals ``value``.

        Args:
            attribute: The partition key attribute (of the table, or of the index).
            value: Its value.

        Returns:
            The query.

        Raises:
            ValidationError: If the attribute is not a name or the value cannot be stored.

        Example:
            >>> Query.on("job_id", "j-1").partition
            ('job_id', 'j-1')
        """
        return cls(partition=(_attribute(attribute, "partition"), encode_resource(value)))

    def sort_key(self, condition: KeyCondition) -> Query:
        """Restrict the sort key (``KeyCondition.begins_with("sk", "2024-")``...).

        Args:
            condition: The sort-key condition; its values are converted like entity values.

        Returns:
            The new query.
        """
        if not isinstance(condition, KeyCondition):
            raise ValidationError("sort_key() takes a KeyCondition", field="sort")
        operands = tuple(encode_resource(v) for v in condition.operands)
        return dataclasses.replace(self, sort=KeyCondition(condition.name, condition.op, operands))

    def using(self, index: str) -> Query:
        """Query a secondary index instead of the table.

        Args:
            index: The index name.

        Returns:
            The new query.
        """
        return dataclasses.replace(self, index=check_table_name(index))

    def where(self, attribute: str, op: str, value: Any = None) -> Query:
        """Add a filter term (``AND``-ed with the others).

        Args:
            attribute: The attribute.
            op: ``=``, ``<>``, ``<``, ``<=``, ``>``, ``>=``, ``begins_with``,
                ``attribute_exists`` or ``attribute_not_exists``.
            value: The operand (omit it for the existence checks).

        Returns:
            The new query.

        Raises:
            ValidationError: For an unknown operator or an unstorable value.
        """
        if op not in _OPERATORS:
            raise ValidationError(f"unsupported filter operator {op!r:.20}", field="op")
        stored = None if op in _EXISTENCE else encode_resource(value)
        term = Filter(_attribute(attribute, "filter"), op, stored)
        return dataclasses.replace(self, filters=(*self.filters, term))

    def project(self, *attributes: str) -> Query:
        """Return only these attributes (for :meth:`request_params`).

        Args:
            *attributes: Attribute names.

        Returns:
            The new query.
        """
        names = tuple(_attribute(a, "projection") for a in attributes)
        return dataclasses.replace(self, projection=names)

    def page_size(self, limit: int) -> Query:
        """Set the page size (items evaluated per page).

        Args:
            limit: 1-10,000.

        Returns:
            The new query.
        """
        check_count(limit, "limit", 1)
        if limit > _MAX_PAGE:
            raise ValidationError(f"limit must be at most {_MAX_PAGE}", field="limit")
        return dataclasses.replace(self, limit=limit)

    def order(self, *, descending: bool) -> Query:
        """Set the sort-key order.

        Args:
            descending: Highest sort key first.

        Returns:
            The new query.
        """
        return dataclasses.replace(self, descending=bool(descending))

    def consistent(self, enabled: bool = True) -> Query:
        """Ask for strongly consistent reads (tables and local indexes only).

        Args:
            enabled: Whether to.

        Returns:
            The new query.
        """
        return dataclasses.replace(self, consistent_read=bool(enabled))

    def filter_expression(self) -> tuple[str | None, dict[str, str], dict[str, Any]]:
        """Render the filters alone (what ``KeyValueTable.query_page`` takes).

        Returns:
            ``(expression, names, values)``; ``(None, {}, {})`` without filters.
        """
        placeholders = Placeholders()
        terms = [term.render(placeholders) for term in self.filters]
        expression = " AND ".join(terms) if terms else None
        return expression, placeholders.names, placeholders.values

    def table_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``KeyValueTable.query_page`` for this query.

        Returns:
            ``partition``, ``sort``, ``index``, ``filter_expression``, ``names``,
            ``values``, ``descending``, ``page_size`` and ``consistent_read``.
        """
        expression, names, values = self.filter_expression()
        attribute, value = self.partition
        return {
            "partition": {attribute: value},
            "sort": self.sort,
            "index": self.index,
            "filter_expression": expression,
            "names": names or None,
            "values": values or None,
            "descending": self.descending,
            "page_size": self.limit,
            "consistent_read": self.consistent_read,
        }

    def request_params(self, table_name: str) -> dict[str, Any]:
        """Render the whole request for boto3 (values in the resource form).

        Args:
            table_name: The table.

        Returns:
            Keyword arguments for a boto3 resource ``Table.query`` (or, with the values
            serialized, a low-level ``query``), projection included.

        Example:
            >>> query = Query.on("pk", "a").project("pk", "n")
            >>> query.request_params("jobs")["ProjectionExpression"]
            '#n0, #n1'
        """
        ph = Placeholders()
        attribute, value = self.partition
        key = f"{ph.name(attribute)} = {ph.value(value)}"
        if self.sort is not None:
            key = f"{key} AND {render_key_condition(self.sort, ph)}"
        params: dict[str, Any] = {
            "TableName": check_table_name(table_name),
            "KeyConditionExpression": key,
            "ScanIndexForward": not self.descending,
            "Limit": self.limit,
            "ConsistentRead": self.consistent_read,
        }
        if self.index is not None:
            params["IndexName"] = self.index
        if self.filters:
            params["FilterExpression"] = " AND ".join(t.render(ph) for t in self.filters)
        if self.projection:
            params["ProjectionExpression"] = ", ".join(ph.name(a) for a in self.projection)
        return params | ph.params()

    def fingerprint(self) -> str:
        """A digest of what this query selects (for cursor scopes; page size excluded).

        Returns:
            64 hex characters.
        """
        shape = (
            self.partition[0], encode_wire(self.partition[1]), self.index, self.descending,
            self.sort and (self.sort.name, self.sort.op, encode_wire(list(self.sort.operands))),
            [(f.attribute, f.op, encode_wire(f.value)) for f in self.filters], self.projection,
        )  # fmt: skip
        return hashlib.sha256(repr(shape).encode("utf-8")).hexdigest()
