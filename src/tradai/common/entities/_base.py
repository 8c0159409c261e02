"""Base classes shared by every entity.

* :class:`FrozenModel` — an immutable pydantic model that forbids unknown fields.
* :class:`DynamoDBSerializableMixin` — a :class:`FrozenModel` that converts to and from
  the item form used by boto3's DynamoDB *resource* API (numbers as :class:`~decimal.Decimal`).

The item form round-trips exactly: ``Entity.from_dynamodb_item(e.to_dynamodb_item()) == e``
for floats (stored as the shortest decimal that reads back as the same float), Decimals,
ints, datetimes (ISO-8601 strings with offset), dates, enums (their values), sets, and
nested maps and lists. Typed fields get their Python type back from pydantic. Inside
untyped (``Any``) values a number comes back as an ``int`` when it is integral and as a
``float`` otherwise — the only rule that survives a real table, since DynamoDB trims
trailing zeros (``1.0`` is stored as ``1``); the value stays equal (``1 == 1.0``), so the
entity compares equal after the round trip. Non-finite floats (NaN, infinity) cannot be
stored in DynamoDB and are rejected.
"""

from __future__ import annotations

import datetime as _dt
import enum
import math
from decimal import Decimal
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict

__all__ = [
    "DynamoDBSerializableMixin",
    "FrozenModel",
    "from_dynamodb_value",
    "to_dynamodb_value",
    "utc_now",
]


#: DynamoDB numbers hold at most 38 significant digits.
_MAX_EXACT = 10**38


def utc_now() -> _dt.datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return _dt.datetime.now(_dt.UTC)


class FrozenModel(BaseModel):
    """Immutable pydantic model: frozen, unknown fields rejected, enums kept as members.

    ``defer_build=True`` postpones building each model's validator to its first use: a
    process (a Lambda, say) that touches three entities does not pay for the other fifty at
    import time. The first validation of each model pays that cost once instead.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


def _number_to_decimal(value: int | float) -> Decimal:
    if isinstance(value, int):
        if abs(value) >= _MAX_EXACT:
            raise ValueError(f"DynamoDB cannot store an integer of more than 38 digits: {value}")
        return Decimal(value)
    if not math.isfinite(value):
        raise ValueError(f"DynamoDB cannot store the non-finite number {value!r}")
    if value.is_integer() and abs(value) < _MAX_EXACT:
        return Decimal(int(value))  # exact, even past 2**53 where repr() is not
    return Decimal(repr(value))


def to_dynamodb_value(value: Any) -> Any:
    """Convert a Python value into DynamoDB's resource-API form.

    Args:
        value: A value as produced by ``model_dump(mode="python")``.

    Returns:
        The value with floats and ints as :class:`Decimal`, datetimes/dates as ISO
        strings, enums as their values, tuples as lists and nested containers converted.

    Raises:
        ValueError: For NaN or infinite floats, which DynamoDB cannot store.
    """
    if isinstance(value, enum.Enum):  # before str: (str, Enum) members are str instances
        return to_dynamodb_value(value.value)
    if value is None or isinstance(value, str | bool | Decimal | bytes):
        return value  # bytes become a DynamoDB binary (B) attribute
    if isinstance(value, int | float):
        return _number_to_decimal(value)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_dynamodb_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_dynamodb_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return [to_dynamodb_value(v) for v in sorted(value, key=repr)]
    if isinstance(value, BaseModel):
        return to_dynamodb_value(value.model_dump(mode="python"))
    return str(value)


def from_dynamodb_value(value: Any) -> Any:
    """Convert a value read through DynamoDB's resource API back to plain Python.

    Args:
        value: A value from a DynamoDB item.

    Returns:
        The value with each :class:`Decimal` turned into an ``int`` when it is integral and
        into a ``float`` otherwise, and nested containers converted.
    """
    if isinstance(value, Decimal):
        # Compare, don't abs(): Decimal arithmetic rounds to the 28-digit default context.
        if -_MAX_EXACT < value < _MAX_EXACT and value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, dict):
        return {k: from_dynamodb_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_dynamodb_value(v) for v in value]
    if isinstance(value, set | frozenset):
        return [from_dynamodb_value(v) for v in value]
    value_bytes = getattr(value, "value", None)  # boto3.dynamodb.types.Binary
    if isinstance(value_bytes, bytes) and type(value).__name__ == "Binary":
        return value_bytes
    return value


class DynamoDBSerializableMixin(FrozenModel):
    """A frozen entity that serialises to and from a DynamoDB item.

    Subclasses may list in :attr:`_DYNAMODB_DECIMAL_FIELDS` the top-level fields whose
    stored :class:`Decimal` must be handed to pydantic unchanged (fields typed
    ``Decimal``); every other number is turned back into ``int``/``float`` first.

    Example:
        >>> class Item(DynamoDBSerializableMixin):
        ...     name: str
        ...     price: float
        >>> item = Item(name="a", price=0.1)
        >>> item.to_dynamodb_item()
        {'name': 'a', 'price': Decimal('0.1')}
        >>> Item.from_dynamodb_item(item.to_dynamodb_item()) == item
        True
    """

    _DYNAMODB_DECIMAL_FIELDS: ClassVar[frozenset[str]] = frozenset()

    def to_dynamodb_item(self) -> dict[str, Any]:
        """Return this entity as a DynamoDB item (``None`` fields are left out).

        Returns:
            A dict ready for ``Table.put_item(Item=...)``.

        Raises:
            ValueError: If a float is NaN or infinite.
        """
        dumped = self.model_dump(mode="python", exclude_none=True)
        return {k: to_dynamodb_value(v) for k, v in dumped.items()}

    @classmethod
    def from_dynamodb_item(cls, item: dict[str, Any]) -> Self:
        """Build the entity from a DynamoDB item.

        Args:
            item: The item as returned by ``Table.get_item()["Item"]``.

        Returns:
            The validated entity.

        Raises:
            pydantic.ValidationError: If the item does not form a valid entity.
        """
        keep = cls._DYNAMODB_DECIMAL_FIELDS
        data = {k: (v if k in keep else from_dynamodb_value(v)) for k, v in item.items()}
        return cls.model_validate(data)
