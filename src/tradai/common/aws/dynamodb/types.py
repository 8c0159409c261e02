"""Value types of the key-value table port: keys, key conditions, pages, transactions, retries.

They are plain frozen dataclasses (no pydantic, no boto3), shared by the boto3 adapters and
the in-memory twin.

Example:
    >>> KeySchema("pk", "sk").key_of({"pk": "a", "sk": "1", "x": 2})
    {'pk': 'a', 'sk': '1'}
    >>> Page(items=(), last_key={"pk": "a"}).has_more
    True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeAlias

from tradai.common.exceptions import ConfigurationError, TransientError, ValidationError

__all__ = [
    "BatchRetryPolicy",
    "Item",
    "KeyCondition",
    "KeySchema",
    "Page",
    "TransactAction",
    "TransactConditionCheck",
    "TransactDelete",
    "TransactPut",
    "TransactUpdate",
    "UnprocessedItemsError",
]

_SORT_OPERATORS: Final = frozenset({"=", "<", "<=", ">", ">=", "begins_with", "between"})

Item: TypeAlias = dict[str, Any]
"""A DynamoDB item in the resource-API form (numbers as ``Decimal``)."""


@dataclass(frozen=True, slots=True)
class KeySchema:
    """The key attributes of a table or index.

    Attributes:
        partition_key: The partition (hash) key attribute name.
        sort_key: The sort (range) key attribute name, if the table has one.
    """

    partition_key: str
    sort_key: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The key attribute names, partition key first."""
        if self.sort_key is None:
            return (self.partition_key,)
        return (self.partition_key, self.sort_key)

    def key_of(self, item: Mapping[str, Any]) -> Item:
        """Return the key attributes of ``item``.

        Args:
            item: A full item.

        Returns:
            A dict holding only the key attributes.

        Raises:
            ValidationError: If ``item`` lacks a key attribute.
        """
        missing = [name for name in self.names if name not in item]
        if missing:
            raise ValidationError(
                f"the item lacks the key attribute {missing[0]!r}", field=missing[0]
            )
        return {name: item[name] for name in self.names}


@dataclass(frozen=True, slots=True)
class KeyCondition:
    """A condition on a sort key, for ``query(..., sort=KeyCondition.begins_with("sk", "a"))``.

    Example:
        >>> KeyCondition.between("sk", "2024-01", "2024-06")
        KeyCondition(name='sk', op='between', operands=('2024-01', '2024-06'))

    Attributes:
        name: The sort key attribute.
        op: ``=``, ``<``, ``<=``, ``>``, ``>=``, ``begins_with`` or ``between``.
        operands: One value (two for ``between``).
    """

    name: str
    op: str
    operands: tuple[Any, ...]

    def __post_init__(self) -> None:
        arity = 2 if self.op == "between" else 1
        if self.op not in _SORT_OPERATORS:
            raise ValidationError(f"unsupported sort key operator {self.op!r}", field="sort")
        if len(self.operands) != arity or not isinstance(self.name, str) or not self.name:
            raise ValidationError(f"{self.op} needs a name and {arity} value(s)", field="sort")

    @classmethod
    def eq(cls, name: str, value: Any) -> KeyCondition:
        """``name = value``."""
        return cls(name, "=", (value,))

    @classmethod
    def lt(cls, name: str, value: Any) -> KeyCondition:
        """``name < value``."""
        return cls(name, "<", (value,))

    @classmethod
    def le(cls, name: str, value: Any) -> KeyCondition:
        """``name <= value``."""
        return cls(name, "<=", (value,))

    @classmethod
    def gt(cls, name: str, value: Any) -> KeyCondition:
        """``name > value``."""
        return cls(name, ">", (value,))

    @classmethod
    def ge(cls, name: str, value: Any) -> KeyCondition:
        """``name >= value``."""
        return cls(name, ">=", (value,))

    @classmethod
    def begins_with(cls, name: str, prefix: Any) -> KeyCondition:
        """``begins_with(name, prefix)`` (strings and binary)."""
        return cls(name, "begins_with", (prefix,))

    @classmethod
    def between(cls, name: str, low: Any, high: Any) -> KeyCondition:
        """``name BETWEEN low AND high`` (both ends included)."""
        return cls(name, "between", (low, high))


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a query or scan.

    Attributes:
        items: The items of this page (may be empty even when more pages follow, when a
            filter dropped every item the page evaluated).
        last_key: ``LastEvaluatedKey``: pass it as ``start_key`` to read the next page;
            ``None`` when the read is complete.
        scanned_count: How many items the page evaluated before filtering.
    """

    items: tuple[Item, ...]
    last_key: Item | None = None
    scanned_count: int = 0

    @property
    def has_more(self) -> bool:
        """Whether another page may follow."""
        return self.last_key is not None


@dataclass(frozen=True, slots=True)
class BatchRetryPolicy:
    """How ``batch_write``/``batch_get`` retry what DynamoDB left unprocessed.

    Delays use exponential backoff with full jitter: before retry ``n`` (1-based) the
    adapter sleeps a uniformly random time in ``[0, min(max_delay, base_delay * 2**(n-1))]``.
    Retrying stops after ``max_attempts`` calls for a chunk or when the next sleep would end
    past ``max_elapsed`` seconds since the batch started; what is left then raises
    :class:`UnprocessedItemsError`.

    Attributes:
        max_attempts: Calls per chunk, the first included (1-50).
        base_delay: Seconds; the first retry's upper bound.
        max_delay: Seconds; the cap of any single sleep.
        max_elapsed: Seconds; the time budget of a whole batch call.
    """

    max_attempts: int = 8
    base_delay: float = 0.05
    max_delay: float = 2.0
    max_elapsed: float = 30.0

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 50:
            raise ConfigurationError(
                "max_attempts must be between 1 and 50", setting="max_attempts"
            )
        for name in ("base_delay", "max_delay", "max_elapsed"):
            if not getattr(self, name) > 0:
                raise ConfigurationError(f"{name} must be positive", setting=name)

    def delay(self, retry: int, jitter: float) -> float:
        """Return the sleep before retry number ``retry``.

        Args:
            retry: 1 for the first retry, 2 for the second...
            jitter: A random number in ``[0, 1)``.

        Returns:
            Seconds to sleep.

        Example:
            >>> BatchRetryPolicy(base_delay=0.1, max_delay=1.0).delay(3, 0.5)
            0.2
        """
        return jitter * min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))


class UnprocessedItemsError(TransientError):
    """DynamoDB still left requests unprocessed when the retry budget ran out.

    Args:
        message: What was left.
        unprocessed: The requests left: for ``batch_write`` dicts ``{"put": item}`` or
            ``{"delete": key}``; for ``batch_get`` the keys.
        items: For ``batch_get``, the items read before giving up.
        **kwargs: As for :class:`~tradai.common.exceptions.TransientError`.
    """

    def __init__(
        self,
        message: str,
        *,
        unprocessed: Sequence[Mapping[str, Any]],
        items: Sequence[Item] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.unprocessed = tuple(unprocessed)
        self.items = tuple(items)


@dataclass(frozen=True, slots=True)
class TransactPut:
    """Put ``item`` inside a transaction (see :meth:`KeyValueTable.put`)."""

    item: Mapping[str, Any]
    if_not_exists: bool = False
    condition: str | None = None
    names: Mapping[str, str] | None = None
    values: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class TransactUpdate:
    """Update the item at ``key`` inside a transaction (see :meth:`KeyValueTable.update`)."""

    key: Mapping[str, Any]
    changes: Mapping[str, Any] = field(default_factory=dict)
    remove: Sequence[str] = ()
    expected_version: int | None = None
    version_attribute: str = "version"
    condition: str | None = None
    names: Mapping[str, str] | None = None
    values: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class TransactDelete:
    """Delete the item at ``key`` inside a transaction (see :meth:`KeyValueTable.delete`)."""

    key: Mapping[str, Any]
    expected_version: int | None = None
    version_attribute: str = "version"
    condition: str | None = None
    names: Mapping[str, str] | None = None
    values: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class TransactConditionCheck:
    """Require ``condition`` to hold for the item at ``key``; writes nothing."""

    key: Mapping[str, Any]
    condition: str
    names: Mapping[str, str] | None = None
    values: Mapping[str, Any] | None = None


TransactAction: TypeAlias = TransactPut | TransactUpdate | TransactDelete | TransactConditionCheck
"""One action of :meth:`KeyValueTable.transact_write`."""
