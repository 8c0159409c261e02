"""Value converters: the wire and resource forms match boto3 + to/from_dynamodb_value."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pydantic import BaseModel

from tradai.common.entities._base import from_dynamodb_value, to_dynamodb_value
from tradai.common.exceptions import ValidationError
from tradai.common.repositories import _decode, _wire

SER, DESER = TypeSerializer(), TypeDeserializer()


class Colour(str, enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Point(BaseModel):
    x: int
    y: float | None = None


class Tag(str):
    pass


def _reference_wire(value: Any) -> dict[str, Any]:
    return dict(SER.serialize(to_dynamodb_value(value)))


@pytest.mark.parametrize(
    "value",
    [
        "text", "", True, False, None, 0, -7, 10**37, 0.1, -2.5, 3.0, 1e-7, 1.5e-5, 1e-5,
        1e20, 1.2345e-100, 1e40, Decimal("0.000750"), Decimal("-1E+5"),
        dt.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
        dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
        dt.datetime(2024, 1, 2), dt.date(2024, 2, 29), Colour.RED, Level.HIGH,
        {"a": [1, "b", None, {"c": 0.5}]}, (1, 2), {3, 1}, frozenset({"x"}), {1: "int key"},
        Point(x=1), Tag("sub"), dt.time(1, 2),
    ],
)  # fmt: skip
def test_wire_encoding_equals_boto3_serializer_after_to_dynamodb_value(value: Any) -> None:
    assert _wire.encode_wire(value) == _reference_wire(value)


@pytest.mark.parametrize(
    "value",
    [0.1, 3.0, 1e-7, 10**20, Decimal("2.50"), "x", None, True, {"a": [1.5]}, (1,), {2, 1},
     dt.date(2024, 1, 1), Colour.RED, Point(x=2), Tag("t")],
)  # fmt: skip
def test_resource_encoding_equals_to_dynamodb_value(value: Any) -> None:
    assert _wire.encode_resource(value) == to_dynamodb_value(value)


@pytest.mark.parametrize(
    "wire",
    [
        {"S": "a"}, {"N": "12"}, {"N": "-12"}, {"N": "0.5"}, {"N": "1.0"}, {"N": "1E-7"},
        {"N": "1E+40"}, {"N": "-0"}, {"N": "12345678901234567890123456789012345678"},
        {"N": "0" * 39 + "1"}, {"N": "-" + "0" * 39 + "1"}, {"N": "0" * 40 + ".5"},
        {"BOOL": True}, {"NULL": True}, {"L": [{"N": "1"}, {"S": "x"}]},
        {"M": {"k": {"M": {"n": {"N": "2.25"}}}}}, {"NS": ["1", "2.5"]}, {"SS": ["a"]},
    ],
)  # fmt: skip
def test_plain_decoding_equals_from_dynamodb_value_of_the_deserializer(wire: Any) -> None:
    expected = from_dynamodb_value(DESER.deserialize(wire))
    got = _decode.plain_wire(wire)
    if isinstance(expected, list) and "NS" in wire:
        assert sorted(got) == sorted(expected)
    else:
        assert got == expected
        assert type(got) is type(expected)


@pytest.mark.parametrize(
    "wire",
    [{"N": "1.50"}, {"M": {"a": {"N": "2"}}}, {"SS": ["a", "b"]}, {"NS": ["1"]},
     {"L": [{"NULL": True}]}, {"BOOL": False}],
)  # fmt: skip
def test_raw_decoding_equals_the_deserializer(wire: Any) -> None:
    assert _decode.raw_wire(wire) == DESER.deserialize(wire)


def test_binary_stays_bytes_both_ways() -> None:
    assert _wire.encode_wire(b"\x00\x01") == {"B": b"\x00\x01"}
    assert _wire.encode_wire(bytearray(b"\x02")) == {"B": b"\x02"}
    assert _decode.plain_wire({"B": b"\x00"}) == b"\x00"
    assert _decode.raw_wire({"BS": [b"a"]}) == {b"a"}
    assert _decode.plain_wire({"BS": [b"a"]}) == [b"a"]
    assert _wire.encode_resource(b"\x00") == b"\x00"


def test_resource_to_wire_keeps_sets_as_dynamodb_sets() -> None:
    assert _wire.resource_to_wire({"s": {"b", "a"}, "n": {Decimal(2), 1}, "b": {b"x"}}) == {
        "M": {"s": {"SS": ["a", "b"]}, "n": {"NS": ["1", "2"]}, "b": {"BS": [b"x"]}}
    }
    assert _wire.resource_to_wire([Decimal("1.5")]) == {"L": [{"N": "1.5"}]}


@pytest.mark.parametrize("bad", [set(), {1, "a"}, {True}])
def test_resource_to_wire_refuses_empty_or_mixed_sets(bad: Any) -> None:
    with pytest.raises(ValidationError):
        _wire.resource_to_wire(bad)


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), -float("inf"), 10**38, -(10**38), Decimal("NaN"),
     Decimal("Infinity"), Decimal("1" * 39), 1e200, 1e-200],
)  # fmt: skip
def test_unstorable_numbers_raise_validation_error(value: Any) -> None:
    with pytest.raises(ValidationError):
        _wire.encode_wire(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 10**38])
def test_unstorable_numbers_raise_validation_error_in_the_resource_form(value: Any) -> None:
    with pytest.raises(ValidationError):
        _wire.encode_resource(value)


@pytest.mark.parametrize(
    "wire",
    [{}, {"S": "a", "N": "1"}, "S", None, {"X": 1}, {"N": "abc"}, {"N": "NaN"},
     {"N": "Infinity"}, {"N": "1" * 39 + ".5"}, {"M": [1]}, {"B": "text"}, {"L": 5}],
)  # fmt: skip
def test_malformed_wire_values_raise_validation_error(wire: Any) -> None:
    with pytest.raises(ValidationError):
        _decode.plain_wire(wire)
    with pytest.raises(ValidationError):
        _decode.raw_wire(wire)


def test_whole_item_helpers_name_the_offending_attribute() -> None:
    with pytest.raises(ValidationError, match=r"Thing\.bad") as info:
        _wire.encode_wire_fields("Thing", {"ok": 1, "bad": float("nan")})
    assert info.value.field == "bad"
    with pytest.raises(ValidationError, match=r"Thing\.x") as info:
        _decode.decode_wire_fields("Thing", {"x": {"Q": 1}}, frozenset())
    assert info.value.field == "x"
    with pytest.raises(ValidationError, match=r"Thing\.y"):
        _decode.decode_wire_fields("Thing", {"y": {"N": "x"}}, frozenset())


def test_decode_wire_fields_keeps_decimals_of_listed_fields() -> None:
    wire = {"a": {"N": "1.50"}, "b": {"N": "1.50"}, "c": {"BOOL": True}, "d": {"S": "s"}}
    assert _decode.decode_wire_fields("T", wire, frozenset({"a"})) == {
        "a": Decimal("1.50"), "b": 1.5, "c": True, "d": "s",
    }  # fmt: skip


def test_iso_datetime_matches_isoformat() -> None:
    for value in (
        dt.datetime(1, 1, 1, tzinfo=dt.UTC),
        dt.datetime(2024, 1, 2, 3, 4, 5, 120, tzinfo=dt.UTC),
        dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=-3))),
        dt.datetime(2024, 1, 2),
    ):
        assert _wire.iso_datetime(value) == value.isoformat()


def test_plain_resource_matches_from_dynamodb_value_for_other_types() -> None:
    value = ({Decimal(1)}, frozenset({"a"}), b"x", 1.5, 7, (Decimal("2.5"),))
    for item in value:
        assert _decode.plain_resource(item) == from_dynamodb_value(item)


class _Bag(dict[str, Any]):
    pass


class _Row(list[Any]):
    pass


def test_container_subclasses_encode_like_their_base_types() -> None:
    value = _Bag(a=_Row([1, "x"]))
    assert _wire.encode_wire(value) == _reference_wire(value)
    assert _wire.encode_resource(value) == to_dynamodb_value(value)


def test_a_wire_item_whose_value_is_not_a_map_names_the_attribute() -> None:
    with pytest.raises(ValidationError, match=r"Thing\.x"):
        _decode.decode_wire_fields("Thing", {"x": "plain text"}, frozenset())
