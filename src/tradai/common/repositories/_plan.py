"""Per-model encoding plans: which fields can skip ``model_dump`` (built once per codec).

``model_dump(mode="python")`` is the identity on a field's value when nothing customises
its serialization and the value holds only plain data (strings, numbers, booleans,
``None``, ``Decimal``, dates, enums, and lists/tuples/sets/dicts of those). Such a field is
read straight from the instance and encoded; the rest go through pydantic's own
``model_dump(..., include=...)``, so the result always equals ``to_dynamodb_item()``'s.

A field is *fast* when, statically, its annotation is made only of the types and metadata
listed below, no ``@field_serializer`` names it and it is not excluded from dumps; the
whole model falls back to ``model_dump`` when it has a ``@model_serializer``, overrides
``model_dump``, allows extra fields or serializes by alias. At run time a fast field whose
value turns out to hold a model or a dataclass (inside ``Any``, say) is dumped by pydantic
after all (:class:`NotPlain`).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import types
import typing
from collections.abc import Callable, Mapping, MutableMapping, MutableSequence, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

import annotated_types
import pydantic
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from tradai.common.exceptions import ValidationError
from tradai.common.repositories._numbers import MAX_EXACT, float_text
from tradai.common.repositories._wire import (
    encode_wire,
    encode_wire_fields,
    field_error,
    iso_datetime,
)

__all__ = ["FieldPlan", "NotPlain", "encode_plain", "fast_wire", "plan_for"]

_SCALARS: Final = frozenset(
    {str, int, float, bool, bytes, Decimal, _dt.datetime, _dt.date, type(None)}
)
_PYDANTIC_DATES: Final = frozenset(
    {
        pydantic.AwareDatetime,
        pydantic.NaiveDatetime,
        pydantic.PastDatetime,
        pydantic.FutureDatetime,
        pydantic.PastDate,
        pydantic.FutureDate,
    }
)
_CONTAINERS: Final = frozenset(
    {
        list,
        tuple,
        set,
        frozenset,
        dict,
        Sequence,
        MutableSequence,
        Mapping,
        MutableMapping,
        AbstractSet,
    }
)
_VALIDATORS: Final = (
    pydantic.AfterValidator,
    pydantic.BeforeValidator,
    pydantic.WrapValidator,
    annotated_types.BaseMetadata,
    annotated_types.GroupedMetadata,
)


class NotPlain(Exception):  # noqa: N818 - a control-flow signal, not an error
    """A fast field's value holds something ``model_dump`` would transform (a model...)."""


def _safe_metadata(item: object) -> bool:
    if isinstance(item, FieldInfo):
        return item.exclude is None and item.exclude_if is None and _all_safe_meta(item.metadata)
    return isinstance(item, _VALIDATORS)


def _all_safe_meta(items: Sequence[object]) -> bool:
    return all(_safe_metadata(item) for item in items)


def _safe_annotation(annotation: Any) -> bool:
    """Whether ``annotation`` is made only of plain types, containers and validators."""
    if annotation is Any or annotation is object:
        return True
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _safe_annotation(args[0]) and _all_safe_meta(annotation.__metadata__)
    if origin is typing.Literal:
        return True
    if origin is typing.Union or origin is types.UnionType or origin in _CONTAINERS:
        return all(arg is Ellipsis or _safe_annotation(arg) for arg in args)
    if not isinstance(annotation, type):
        return False
    return (
        annotation in _SCALARS
        or annotation in _PYDANTIC_DATES
        or annotation in _CONTAINERS
        or issubclass(annotation, enum.Enum)
    )


_Encode = Callable[[Any], dict[str, Any]]


def _scalar(annotation: Any) -> Any:
    """The one non-None type inside ``Optional``/``Annotated`` layers (else ``None``)."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin is typing.Union or origin is types.UnionType:
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return None
            annotation = members[0]
        else:
            return annotation if isinstance(annotation, type) else None


def _enc_str(value: Any) -> dict[str, Any]:
    return {"S": value} if type(value) is str else encode_plain(value)


def _enc_int(value: Any) -> dict[str, Any]:
    if type(value) is int and -MAX_EXACT < value < MAX_EXACT:
        return {"N": str(value)}
    return encode_plain(value)


def _enc_float(value: Any) -> dict[str, Any]:
    return {"N": float_text(value)} if type(value) is float else encode_plain(value)


def _enc_bool(value: Any) -> dict[str, Any]:
    return {"BOOL": value} if type(value) is bool else encode_plain(value)


def _enc_datetime(value: Any) -> dict[str, Any]:
    return {"S": iso_datetime(value)} if type(value) is _dt.datetime else encode_plain(value)


def _enc_enum(value: Any) -> dict[str, Any]:
    inner = getattr(value, "_value_", None)
    if type(inner) is str and isinstance(value, enum.Enum):
        return {"S": inner}
    return encode_plain(value)


def _encoder(annotation: Any) -> _Encode:
    """The specialised encoder for a field's annotation (each checks the value's type)."""
    base = _scalar(annotation)
    if base is None:
        return encode_plain
    if issubclass(base, enum.Enum):
        return _enc_enum
    specialised: dict[type, _Encode] = {
        str: _enc_str,
        int: _enc_int,
        float: _enc_float,
        bool: _enc_bool,
        _dt.datetime: _enc_datetime,
        pydantic.AwareDatetime: _enc_datetime,
    }
    return specialised.get(base, encode_plain)


@dataclass(frozen=True, slots=True)
class FieldPlan:
    """How to encode one model.

    Attributes:
        fast: ``(name, encoder)`` of the fields read from the instance and encoded directly.
        dumped: Fields (and computed fields) encoded from ``model_dump(include=...)``.
        whole: Dump the whole model (nothing can be taken directly).
    """

    fast: tuple[tuple[str, _Encode], ...]
    dumped: frozenset[str]
    whole: bool


def _serialized_fields(model: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for decorator in model.__pydantic_decorators__.field_serializers.values():
        names.update(decorator.info.fields)
    return names


def plan_for(model: type[BaseModel]) -> FieldPlan:
    """Work out which fields of ``model`` may skip ``model_dump``, and how to encode them.

    Args:
        model: A pydantic model class.

    Returns:
        Its plan.
    """
    config = model.model_config
    serialized = _serialized_fields(model)
    if (
        model.model_dump is not BaseModel.model_dump
        or model.__pydantic_decorators__.model_serializers
        or config.get("extra") == "allow"
        or config.get("serialize_by_alias")
        or "*" in serialized
    ):
        return FieldPlan(fast=(), dumped=frozenset(), whole=True)
    fast: list[tuple[str, _Encode]] = []
    dumped: set[str] = set(model.model_computed_fields)
    for name, info in model.model_fields.items():
        if name in serialized or not (_safe_metadata(info) and _safe_annotation(info.annotation)):
            dumped.add(name)
        else:
            fast.append((name, _encoder(info.annotation)))
    return FieldPlan(fast=tuple(fast), dumped=frozenset(dumped), whole=False)


def encode_plain(value: Any) -> dict[str, Any]:
    """Encode a raw field value into the wire form, as if pydantic had dumped it first.

    Args:
        value: A field's value as stored on the instance.

    Returns:
        The wire value (equal to ``encode_wire(<the value model_dump gives>)``).

    Raises:
        NotPlain: If the value holds a model or a dataclass (pydantic would dump it).
        ValidationError: For numbers DynamoDB cannot store.
    """
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is int and -MAX_EXACT < value < MAX_EXACT:
        return {"N": str(value)}
    if kind is float:
        return {"N": float_text(value)}
    if kind is dict:
        return {"M": {str(k): encode_plain(v) for k, v in value.items()}}
    if kind is list or kind is tuple:
        return {"L": [encode_plain(v) for v in value]}
    if kind in _SCALARS:
        return encode_wire(value)
    return _encode_other(value)


def _encode_other(value: Any) -> dict[str, Any]:
    if isinstance(value, enum.Enum):
        return encode_plain(value._value_)
    if isinstance(value, set | frozenset):
        value = sorted(value, key=repr)
    if isinstance(value, list | tuple):
        return {"L": [encode_plain(v) for v in value]}
    if isinstance(value, BaseModel | Mapping) or dataclasses.is_dataclass(value):
        raise NotPlain
    return encode_wire(value)


def fast_wire(plan: FieldPlan, entity: BaseModel) -> dict[str, dict[str, Any]]:
    """Encode ``entity`` into the wire form following ``plan`` (``whole`` must be false).

    Args:
        plan: The plan of the entity's class.
        entity: The entity.

    Returns:
        The wire item, equal to encoding ``entity.model_dump(mode="python",
        exclude_none=True)``.

    Raises:
        ValidationError: Naming the field whose value DynamoDB cannot store.
    """
    values = entity.__dict__
    out: dict[str, dict[str, Any]] = {}
    dumped = set(plan.dumped)
    name = ""
    try:
        for name, encode in plan.fast:
            value = values[name]
            if value is not None:
                try:
                    out[name] = encode(value)
                except NotPlain:
                    dumped.add(name)
    except ValidationError as exc:
        raise field_error(type(entity).__name__, name, exc) from None
    if dumped:
        rest = entity.model_dump(mode="python", exclude_none=True, include=dumped)
        out.update(encode_wire_fields(type(entity).__name__, rest))
    return out
