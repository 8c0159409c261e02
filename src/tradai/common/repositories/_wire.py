"""Python values to DynamoDB items, behind :mod:`tradai.common.repositories.codecs`.

Two item forms exist:

* the *resource* form of boto3's DynamoDB resource API and of the ``KeyValueTable`` port
  (numbers as :class:`~decimal.Decimal`), produced by ``to_dynamodb_item()``;
* the *wire* form of the low-level client, DynamoDB Streams and ``ExclusiveStartKey``
  (``{"S": "a"}``, ``{"N": "1.5"}``, ``{"M": {...}}``...).

Encoders dispatch on the exact type first (one dictionary lookup for ``str``, ``int``,
``float``...) and fall back to the same ``isinstance`` order as
:func:`tradai.common.entities._base.to_dynamodb_value` for subclasses (enums first), so the
result is the one ``TypeSerializer().serialize(to_dynamodb_value(v))`` gives, number strings
included (:mod:`tradai.common.repositories._numbers`). One deliberate difference, where the
reference loses data: binary values are stored as binary (the reference stores the text
``"b'..'"``); decoding (:mod:`tradai.common.repositories._decode`) gives them back as
``bytes``.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final, cast

from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from tradai.common.exceptions import ValidationError
from tradai.common.repositories._numbers import (
    MAX_EXACT,
    decimal_text,
    float_decimal,
    float_text,
    int_text,
    refuse,
)

__all__ = [
    "encode_resource",
    "encode_wire",
    "encode_wire_fields",
    "field_error",
    "iso_datetime",
    "resource_to_wire",
]

_Encoder = Callable[[Any], Any]
_BASES: Final = (str, Decimal, int, float, bytes)


# ---------------------------------------------------------------- python -> wire
def iso_datetime(value: _dt.datetime) -> str:
    """Return ``value.isoformat()``, twice as fast for UTC datetimes (pydantic-core formats).

    Args:
        value: A datetime.

    Returns:
        Its ISO-8601 text, offset included when it is aware.

    Example:
        >>> iso_datetime(_dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=_dt.UTC))
        '2024-01-02T03:04:05+00:00'
    """
    if value.tzinfo is _dt.UTC:
        text: str = to_jsonable_python(value)
        if text[-1:] == "Z":
            return text[:-1] + "+00:00"
    return value.isoformat()


def _wire_map(value: Mapping[Any, Any]) -> dict[str, Any]:
    return {"M": {str(k): encode_wire(v) for k, v in value.items()}}


def _wire_list(value: Any) -> dict[str, Any]:
    return {"L": [encode_wire(v) for v in value]}


_WIRE: Final[dict[type, _Encoder]] = {
    str: lambda v: {"S": v},
    bool: lambda v: {"BOOL": v},
    int: lambda v: {"N": int_text(v)},
    float: lambda v: {"N": float_text(v)},
    Decimal: lambda v: {"N": decimal_text(v)},
    type(None): lambda _: {"NULL": True},
    _dt.datetime: lambda v: {"S": iso_datetime(v)},
    _dt.date: lambda v: {"S": v.isoformat()},
    dict: _wire_map,
    list: _wire_list,
    tuple: _wire_list,
    bytes: lambda v: {"B": v},
}


def encode_wire(value: Any) -> dict[str, Any]:
    """Encode a ``model_dump(mode="python")`` value into the low-level wire form.

    Args:
        value: A value as pydantic dumps it.

    Returns:
        The wire value (``{"S": ...}``, ``{"N": ...}``, ``{"M": ...}``...).

    Raises:
        ValidationError: For NaN/infinite numbers and numbers beyond 38 digits.

    Example:
        >>> encode_wire({"a": [1, 0.5, None]})
        {'M': {'a': {'L': [{'N': '1'}, {'N': '0.5'}, {'NULL': True}]}}}
    """
    encoder = _WIRE.get(type(value))
    if encoder is not None:
        return encoder(value)  # type: ignore[no-any-return]  # every encoder returns a dict
    return encode_wire(_normalise(value))


def _normalise(value: Any) -> Any:
    """One step of ``to_dynamodb_value`` for values whose exact type is not in a table."""
    if isinstance(value, enum.Enum):  # before str: (str, Enum) members are str instances
        return value.value
    for kind in _BASES:  # subclasses become their base type (bool is never subclassed)
        if isinstance(value, kind):
            return cast("Callable[[Any], Any]", kind)(value)
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="python")
    return str(value)


_SET_TAGS: Final = (("SS", str), ("NS", Decimal | int), ("BS", bytes))


def resource_to_wire(value: Any) -> dict[str, Any]:
    """Encode a resource-form value as boto3's ``TypeSerializer`` does (sets stay sets).

    Args:
        value: A value of an item in the resource form.

    Returns:
        The wire value; a non-empty set of strings, numbers or bytes becomes ``SS``/``NS``/
        ``BS``, in sorted order.

    Raises:
        ValidationError: For unstorable numbers and sets mixing types.

    Example:
        >>> resource_to_wire({"tags": {"b", "a"}, "n": Decimal("2")})
        {'M': {'tags': {'SS': ['a', 'b']}, 'n': {'N': '2'}}}
    """
    if isinstance(value, set | frozenset):
        for tag, kind in _SET_TAGS:
            if value and all(isinstance(v, kind) and not isinstance(v, bool) for v in value):
                members = [encode_wire(v) for v in value]
                return {tag: sorted(next(iter(m.values())) for m in members)}
        raise refuse(value, "an empty set or a set mixing types")
    if isinstance(value, dict):
        return {"M": {str(k): resource_to_wire(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [resource_to_wire(v) for v in value]}
    return encode_wire(value)


# ---------------------------------------------------------------- python -> resource
def _int_decimal(value: int) -> Decimal:
    return Decimal(int_text(value))


def _keep(value: Any) -> Any:
    return value


_RESOURCE: Final[dict[type, _Encoder]] = {
    str: _keep,
    bool: _keep,
    type(None): _keep,
    Decimal: _keep,
    bytes: _keep,
    int: _int_decimal,
    float: float_decimal,
    _dt.datetime: lambda v: v.isoformat(),
    _dt.date: lambda v: v.isoformat(),
    dict: lambda v: {str(k): encode_resource(x) for k, x in v.items()},
    list: lambda v: [encode_resource(x) for x in v],
    tuple: lambda v: [encode_resource(x) for x in v],
}


def encode_resource(value: Any) -> Any:
    """Encode a ``model_dump(mode="python")`` value as ``to_dynamodb_value`` does.

    Args:
        value: A value as pydantic dumps it.

    Returns:
        The resource-form value (numbers as ``Decimal``, datetimes as ISO strings...).

    Raises:
        ValidationError: For NaN/infinite floats and integers beyond 38 digits.

    Example:
        >>> encode_resource([1, 0.1, "x"])
        [Decimal('1'), Decimal('0.1'), 'x']
    """
    encoder = _RESOURCE.get(type(value))
    if encoder is not None:
        return encoder(value)
    return encode_resource(_normalise(value))


# ---------------------------------------------------------------- whole items, inlined
def field_error(owner: str, name: str, exc: ValidationError | None) -> ValidationError:
    """Return the error naming ``owner.name`` (``exc`` is the value's own error, if any)."""
    why = exc.message if exc is not None else "malformed DynamoDB wire value"
    value = exc.value if exc is not None else None
    return ValidationError(f"{owner}.{name}: {why}", field=name, value=value)


def encode_wire_fields(owner: str, dumped: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Encode a whole ``model_dump`` result into the wire form (hot loop, inlined).

    Args:
        owner: The model's name, for error messages.
        dumped: ``model_dump(mode="python", exclude_none=True)``.

    Returns:
        The wire item.

    Raises:
        ValidationError: Naming the field whose value DynamoDB cannot store.
    """
    out: dict[str, dict[str, Any]] = {}
    name = ""
    try:
        for name, value in dumped.items():
            kind = type(value)
            if kind is str:
                out[name] = {"S": value}
            elif kind is int and -MAX_EXACT < value < MAX_EXACT:
                out[name] = {"N": str(value)}
            else:
                out[name] = encode_wire(value)
    except ValidationError as exc:
        raise field_error(owner, name, exc) from None
    return out
