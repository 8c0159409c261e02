"""The I/O-free logic of :class:`~tradai.common.aws.memory.table.InMemoryTable`.

* values: what boto3's DynamoDB serializer accepts, in the form DynamoDB gives back;
* :class:`Planner`: turns a put/update/delete/condition-check into a validated
  :class:`Op` (where, which condition, what to store) before the table takes its lock;
* :func:`select` and :func:`paginate`: key conditions, order and DynamoDB's page shape.
"""

from __future__ import annotations

import copy
import decimal
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from tradai.common.aws.dynamodb.conditions import compare, key_condition_matches, parse_condition
from tradai.common.aws.dynamodb.expressions import (
    Placeholders,
    check_count,
    check_expression,
    check_key_shape,
    check_version,
    update_expression,
)
from tradai.common.aws.dynamodb.types import (
    Item,
    KeyCondition,
    KeySchema,
    Page,
    TransactConditionCheck,
    TransactDelete,
    TransactPut,
    TransactUpdate,
)
from tradai.common.exceptions import ConflictError, ValidationError

__all__ = [
    "Identity",
    "Op",
    "Planner",
    "TokenWindow",
    "conflict",
    "normalize",
    "normalize_map",
    "paginate",
    "read_plan",
    "select",
    "smaller",
]

_CONTEXT: Final = decimal.Context(
    prec=38,
    Emin=-128,
    Emax=126,
    traps=[decimal.Clamped, decimal.Overflow, decimal.Inexact, decimal.Rounded, decimal.Underflow],
)
_TOKEN_TTL: Final = 600.0
Identity = tuple[Any, ...]


def conflict(table: str, operation: str, code: str, message: str, current: Any) -> ConflictError:
    """The ``ConflictError`` the boto3 adapter raises for the same failure (same context)."""
    context: dict[str, Any] = {"service": "dynamodb", "operation": operation, "resource": table}
    context |= {"error_code": code, "status_code": 400}
    return ConflictError(message, current=current, context=context)


def smaller(page_size: int | None, remaining: int | None) -> int | None:
    """The next page's size: the page size, or fewer when fewer are wanted."""
    sizes = [n for n in (page_size, remaining) if n is not None]
    return min(sizes) if sizes else None


@dataclass
class TokenWindow:
    """Transaction tokens seen in the last 10 minutes (call under the table's lock)."""

    clock: Callable[[], float]
    seen: dict[str, tuple[str, float]] = field(default_factory=dict)

    def replayed(self, table: str, token: str, fingerprint: str) -> bool:
        """Whether ``token`` was applied already with the same actions.

        Raises:
            ConflictError: If it was applied with other actions.
        """
        now = self.clock()
        self.seen = {t: v for t, v in self.seen.items() if now - v[1] < _TOKEN_TTL}
        previous = self.seen.get(token)
        if previous is not None and previous[0] != fingerprint:
            code = "IdempotentParameterMismatchException"
            message = f"dynamodb TransactWriteItems failed: {code}: token used for other actions"
            raise conflict(table, "TransactWriteItems", code, message, None)
        return previous is not None

    def record(self, token: str, fingerprint: str) -> None:
        """Remember a token whose transaction was applied."""
        self.seen[token] = (fingerprint, self.clock())


def _number(value: int | Decimal, field: str) -> Decimal:
    try:
        if isinstance(value, Decimal) and not value.is_finite():
            raise decimal.InvalidOperation
        return _CONTEXT.create_decimal(value)
    except decimal.DecimalException:
        raise ValidationError(f"{field}: a number DynamoDB cannot store", field=field) from None


def normalize(value: Any, field: str) -> Any:
    """Return ``value`` in stored form (ints as 38-digit ``Decimal``), or refuse it.

    Raises:
        ValidationError: For floats, NaN/infinity, empty or mixed sets and other types.
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | Decimal):
        return _number(value, field)
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, set | frozenset):
        members = [normalize(v, field) for v in value]
        kinds = {type(v) for v in members}
        if len(kinds) == 1 and kinds <= {str, Decimal, bytes}:
            return set(members)
    elif isinstance(value, Mapping):
        return normalize_map(value, field)
    elif isinstance(value, list | tuple):
        return [normalize(v, f"{field}[]") for v in value]
    hint = " (use Decimal)" if isinstance(value, float) else ""
    kind = type(value).__name__
    raise ValidationError(f"{field}: a {kind} value cannot be stored{hint}", field=field)


def normalize_map(value: object, field: str) -> dict[str, Any]:
    """Normalize a mapping of attribute names to values (an item, key or values map)."""
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field} must be a mapping", field=field)
    if not all(isinstance(k, str) and k for k in value):
        raise ValidationError(f"{field} names must be non-empty strings", field=field)
    return {k: normalize(v, f"{field}.{k}") for k, v in value.items()}


def _key_value(value: Any, name: str) -> Any:
    if (isinstance(value, str | bytes) and value) or isinstance(value, Decimal):
        return value
    message = f"key attribute {name!r} must be a non-empty string, number or bytes"
    raise ValidationError(message, field=name)


def _rank(value: Any) -> tuple[int, Any]:
    return (0 if isinstance(value, Decimal) else 1 if isinstance(value, str) else 2, value)


@dataclass(frozen=True, slots=True)
class Op:
    """One validated write: the item's identity, its condition, and the new stored item."""

    identity: Identity
    check: Callable[[Item | None], bool]
    apply: Callable[[Item | None], Item | None]


@dataclass(frozen=True, slots=True)
class Planner:
    """Validates writes against a table's key schema and indexes (no state of its own)."""

    key_schema: KeySchema
    indexes: Mapping[str, KeySchema]

    def key(self, key: object, field: str = "key") -> tuple[Identity, Item]:
        """Check a full primary key; return its identity and stored form."""
        mapping = check_key_shape(key, field)
        if set(mapping) != set(self.key_schema.names):
            raise ValidationError("the provided key element does not match the schema", field=field)
        stored = normalize_map(mapping, field)
        return tuple(_key_value(stored[n], n) for n in self.key_schema.names), stored

    def _check_indexed(self, item: Mapping[str, Any]) -> None:
        for schema in self.indexes.values():
            for name in schema.names:
                if name in item:
                    _key_value(item[name], name)

    @staticmethod
    def _checks(action: Any, *, if_not_exists: bool = False) -> Callable[[Item | None], bool]:
        values = None if action.values is None else normalize_map(action.values, "values")
        parsed = None
        if action.condition is None:
            check_expression(None, action.names, action.values)
        else:
            parsed = parse_condition(action.condition, action.names, values)
        raw = getattr(action, "expected_version", None)
        attribute = getattr(action, "version_attribute", "version")
        expected = None if raw is None else Decimal(raw)

        def check(current: Item | None) -> bool:
            if if_not_exists and current is not None:
                return False
            if expected is not None and not compare((current or {}).get(attribute), "=", expected):
                return False
            return parsed is None or parsed.evaluate(current)

        return check

    def prepare(self, action: object) -> Op:
        """Validate one transaction action (or single write) into an :class:`Op`."""
        if isinstance(action, TransactPut):
            item = normalize_map(action.item, "item")
            identity, _ = self.key({n: item.get(n) for n in self.key_schema.names}, "item")
            self._check_indexed(item)
            check = self._checks(action, if_not_exists=action.if_not_exists)
            return Op(identity, check, lambda _: copy.deepcopy(item))
        if isinstance(action, TransactUpdate):
            return self._prepare_update(action)
        if isinstance(action, TransactDelete):
            check_version(action.expected_version, action.version_attribute, ())
            return Op(self.key(action.key)[0], self._checks(action), lambda _: None)
        if isinstance(action, TransactConditionCheck):
            if not action.condition:
                raise ValidationError("a condition check needs a condition", field="condition")
            return Op(self.key(action.key)[0], self._checks(action), lambda current: current)
        kind = type(action).__name__
        raise ValidationError(f"unknown transaction action {kind}", field="actions")

    def batch(
        self, puts: Iterable[Mapping[str, Any]], deletes: Iterable[Mapping[str, Any]]
    ) -> list[Op]:
        """Validate a batch write; a key put twice keeps the last item.

        Raises:
            ValidationError: If an item lacks its key or a key is both put and deleted.
        """
        ops: dict[Identity, Op] = {}
        for item in puts:
            op = self.prepare(TransactPut(item))
            ops.pop(op.identity, None)
            ops[op.identity] = op
        deleted: set[Identity] = set()
        for key in deletes:
            op = self.prepare(TransactDelete(check_key_shape(key, "deletes")))
            if op.identity in ops and op.identity not in deleted:
                raise ValidationError("a key is both put and deleted", field="deletes")
            deleted.add(op.identity)
            ops[op.identity] = op
        return list(ops.values())

    def _prepare_update(self, action: TransactUpdate) -> Op:
        remove = [action.remove] if isinstance(action.remove, str) else list(action.remove)
        changes = dict(normalize_map(action.changes, "changes"))
        check_version(action.expected_version, action.version_attribute, [*changes, *remove])
        if action.expected_version is not None:
            changes[action.version_attribute] = Decimal(action.expected_version + 1)
        update_expression(changes, remove, Placeholders())  # the adapter's refusals
        touched = sorted(set(self.key_schema.names) & {*changes, *remove})
        if touched:
            message = f"cannot update attribute {touched[0]}: it is part of the key"
            raise ValidationError(message, field=touched[0])
        self._check_indexed(changes)
        identity, key = self.key(action.key)

        def apply(current: Item | None) -> Item:
            new = copy.deepcopy(current) if current is not None else dict(key)
            new.update(copy.deepcopy(changes))
            for name in remove:
                new.pop(name, None)
            return new

        return Op(identity, self._checks(action), apply)


def read_plan(
    planner: Planner, options: Mapping[str, Any]
) -> tuple[KeySchema, Callable[[Item], bool]]:
    """Validate a read's options; return the key schema it reads by and its filter.

    Raises:
        ValidationError: For a bad page size, filter, placeholders or index.
    """
    check_count(options.get("page_size"), "page_size", 1)
    names, values = options.get("names"), options.get("values")
    keep: Callable[[Item], bool] = bool
    if options.get("filter_expression") is None:
        check_expression(None, names, values, field="filter_expression")
    else:
        values = None if values is None else normalize_map(values, "values")
        keep = parse_condition(options["filter_expression"], names, values).evaluate
    index = options.get("index")
    schema = planner.key_schema if index is None else planner.indexes.get(index)
    if schema is None:
        raise ValidationError(f"the table has no index {index!r}", field="index")
    if index is not None and options.get("consistent_read"):
        raise ValidationError("consistent reads are not supported on indexes", field="index")
    return schema, keep


def select(items: list[Item], schema: KeySchema, partition: object, sort: object) -> list[Item]:
    """Keep the items of one partition whose sort key matches ``sort``.

    Raises:
        ValidationError: If ``partition`` does not name the partition key or ``sort`` is not
            a :class:`KeyCondition` on the sort key.
    """
    if not isinstance(partition, Mapping) or len(partition) != 1:
        raise ValidationError("partition must map one key name to a value", field="partition")
    ((name, raw),) = partition.items()
    value = normalize(raw, "partition")
    if name != schema.partition_key:
        raise ValidationError("the query does not name the partition key", field="partition")
    if sort is None:
        return [i for i in items if compare(i[name], "=", value)]
    if not isinstance(sort, KeyCondition) or sort.name != schema.sort_key:
        raise ValidationError("sort must be a KeyCondition on the sort key", field="sort")
    cond = KeyCondition(sort.name, sort.op, tuple(normalize(v, "sort") for v in sort.operands))
    return [
        i
        for i in items
        if compare(i[name], "=", value) and key_condition_matches(cond, i[cond.name])
    ]


def paginate(
    items: list[Item],
    *,
    table: KeySchema,
    schema: KeySchema,
    keep: Callable[[Item], bool],
    start_key: object,
    page_size: int | None,
    descending: bool,
    is_query: bool,
) -> Page:
    """Order ``items`` and cut the page DynamoDB would return.

    The order is the sort key (an index's, then the table's key, for ties); a scan runs
    in key order. A full page carries the last evaluated item's key attributes.

    Raises:
        ValidationError: If ``start_key`` lacks a key attribute.
    """
    names = [*schema.names[1:], *table.names] if schema is table else [*schema.names, *table.names]
    if schema is table and not is_query:
        names = list(table.names)
    order_names = list(dict.fromkeys(names))

    def order(item: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(_rank(item[n]) for n in order_names)

    items.sort(key=order, reverse=descending)
    if start_key is not None:
        if not isinstance(start_key, Mapping) or not set(order_names) <= set(start_key):
            raise ValidationError("the provided starting key is invalid", field="start_key")
        mark = order(normalize_map(start_key, "start_key"))
        items = [i for i in items if (order(i) < mark if descending else order(i) > mark)]
    evaluated = items if page_size is None else items[:page_size]
    last = None
    if page_size is not None and evaluated and len(evaluated) == page_size:
        last = {n: copy.deepcopy(evaluated[-1][n]) for n in dict.fromkeys(names)}
    found = tuple(copy.deepcopy(i) for i in evaluated if keep(i))
    return Page(items=found, last_key=last, scanned_count=len(evaluated))
