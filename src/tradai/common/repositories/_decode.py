"""Wire and resource values back to the Python values ``from_dynamodb_item`` validates.

*Plain* decoding reproduces ``from_dynamodb_value(TypeDeserializer().deserialize(w))``
(numbers as ``int``/``float``, sets as lists in stored order, binary as ``bytes``); *raw*
decoding reproduces the deserializer alone (numbers as ``Decimal``, sets as sets) for the
fields an entity keeps as ``Decimal``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from tradai.common.entities._base import from_dynamodb_value
from tradai.common.exceptions import ValidationError
from tradai.common.repositories._numbers import MAX_EXACT, decode_number, raw_number
from tradai.common.repositories._wire import field_error

__all__ = ["decode_wire_fields", "plain_resource", "plain_wire", "raw_wire"]

_Decoder = Callable[[Any], Any]


def _keep(value: Any) -> Any:
    return value


# ---------------------------------------------------------------- wire -> python
def _plain_set(payload: Any) -> list[Any]:
    return list(payload)


_PLAIN_RARE: Final[dict[str, _Decoder]] = {
    "NULL": lambda _: None,
    "B": bytes,
    "SS": _plain_set,
    "NS": lambda p: [decode_number(v) for v in p],
    "BS": lambda p: [bytes(v) for v in p],
}

_RAW: Final[dict[str, _Decoder]] = {
    "S": _keep,
    "N": raw_number,
    "BOOL": bool,
    "NULL": lambda _: None,
    "M": lambda p: {k: raw_wire(v) for k, v in p.items()},
    "L": lambda p: [raw_wire(v) for v in p],
    "B": bytes,
    "SS": set,
    "NS": lambda p: {raw_number(v) for v in p},
    "BS": lambda p: {bytes(v) for v in p},
}


def _decode(table: Mapping[str, _Decoder], wire: Any) -> Any:
    try:
        ((tag, payload),) = wire.items()
        return table[tag](payload)
    except ValidationError:
        raise
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ValidationError("malformed DynamoDB wire value", value=type(wire).__name__) from None


def plain_wire(wire: Any) -> Any:
    """Decode a wire value the way ``from_dynamodb_value(TypeDeserializer()(wire))`` does.

    Args:
        wire: One low-level value (``{"N": "1"}``...).

    Returns:
        Plain Python: numbers as ``int``/``float``, maps as dicts, lists and sets as lists,
        binary as ``bytes``.

    Raises:
        ValidationError: If the value is not a well-formed wire value.

    Example:
        >>> plain_wire({"M": {"n": {"N": "2"}, "x": {"NS": ["0.5"]}}})
        {'n': 2, 'x': [0.5]}
    """
    try:
        ((tag, payload),) = wire.items()
        if tag == "S":
            return payload
        if tag == "N":
            return decode_number(payload)
        if tag == "M":
            return {k: plain_wire(v) for k, v in payload.items()}
        if tag == "L":
            return [plain_wire(v) for v in payload]
        if tag == "BOOL":
            return bool(payload)
        return _PLAIN_RARE[tag](payload)
    except ValidationError:
        raise
    except (AttributeError, KeyError, TypeError, ValueError):
        raise ValidationError("malformed DynamoDB wire value", value=type(wire).__name__) from None


def raw_wire(wire: Any) -> Any:
    """Decode a wire value as boto3's ``TypeDeserializer`` does (binary as ``bytes``).

    Args:
        wire: One low-level value.

    Returns:
        The resource form: numbers as ``Decimal``, sets as sets.

    Raises:
        ValidationError: If the value is not a well-formed wire value.

    Example:
        >>> raw_wire({"L": [{"N": "1.50"}, {"SS": ["a"]}]})
        [Decimal('1.50'), {'a'}]
    """
    return _decode(_RAW, wire)


# ---------------------------------------------------------------- resource -> python
def _plain_decimal(value: Decimal) -> int | float:
    if -MAX_EXACT < value < MAX_EXACT and value == value.to_integral_value():
        return int(value)
    return float(value)


_PLAIN_RESOURCE: Final[dict[type, _Decoder]] = {
    str: _keep,
    bool: _keep,
    type(None): _keep,
    int: _keep,
    float: _keep,
    bytes: _keep,
    Decimal: _plain_decimal,
    dict: lambda v: {k: plain_resource(x) for k, x in v.items()},
    list: lambda v: [plain_resource(x) for x in v],
    set: lambda v: [plain_resource(x) for x in v],
    frozenset: lambda v: [plain_resource(x) for x in v],
}


def plain_resource(value: Any) -> Any:
    """Convert a resource-form value as ``from_dynamodb_value`` does.

    Args:
        value: A value read through the resource API or the ``KeyValueTable`` port.

    Returns:
        The value with each ``Decimal`` as ``int`` (integral) or ``float``.

    Example:
        >>> plain_resource({"a": [Decimal("2"), Decimal("0.5")]})
        {'a': [2, 0.5]}
    """
    converter = _PLAIN_RESOURCE.get(type(value))
    if converter is not None:
        return converter(value)
    return from_dynamodb_value(value)


def decode_wire_fields(owner: str, wire: Mapping[str, Any], keep: frozenset[str]) -> dict[str, Any]:
    """Decode a whole wire item into the data ``from_dynamodb_item`` validates (inlined).

    Args:
        owner: The model's name, for error messages.
        wire: The wire item.
        keep: Top-level attributes decoded raw (numbers stay ``Decimal``).

    Returns:
        The data to validate.

    Raises:
        ValidationError: Naming the attribute that is not well-formed wire data.
    """
    data: dict[str, Any] = {}
    name = ""
    try:
        for name, value in wire.items():
            ((tag, payload),) = value.items()
            if tag == "S":
                data[name] = payload
            elif name in keep:
                data[name] = raw_wire(value)
            elif tag == "N":
                data[name] = decode_number(payload)
            else:
                data[name] = plain_wire(value)
    except ValidationError as exc:
        raise field_error(owner, name, exc) from None
    except (AttributeError, TypeError, ValueError):
        raise field_error(owner, name, None) from None
    return data
