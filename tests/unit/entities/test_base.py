"""FrozenModel and the DynamoDB item mixin."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from tradai.common.entities._base import (
    DynamoDBSerializableMixin,
    FrozenModel,
    from_dynamodb_value,
    to_dynamodb_value,
    utc_now,
)


class Colour(str, enum.Enum):
    RED = "red"
    BLUE = "blue"


class Inner(FrozenModel):
    label: str
    weight: float


class Record(DynamoDBSerializableMixin):
    name: str
    count: int
    ratio: float
    price: Decimal
    colour: Colour
    at: dt.datetime
    day: dt.date
    tags: frozenset[str] = frozenset()
    inner: Inner | None = None
    payload: dict[str, Any] = pydantic.Field(default_factory=dict)
    note: str | None = None

    _DYNAMODB_DECIMAL_FIELDS = frozenset({"price"})


def _record(**overrides: Any) -> Record:
    data: dict[str, Any] = {
        "name": "r",
        "count": 3,
        "ratio": 0.1,
        "price": Decimal("12345678901234567890.123456789"),
        "colour": Colour.BLUE,
        "at": dt.datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC),
        "day": dt.date(2024, 2, 29),
        "tags": frozenset({"b", "a"}),
        "inner": Inner(label="x", weight=1e-7),
        "payload": {"f": 1.0, "i": 1, "big": 1e20, "nested": [{"x": 2.5}, "s", None, True]},
    }
    data.update(overrides)
    return Record(**data)


def test_frozen_model_rejects_mutation_and_unknown_fields() -> None:
    inner = Inner(label="a", weight=1.0)
    with pytest.raises(pydantic.ValidationError):
        inner.label = "b"  # type: ignore[misc]  # proving the model is frozen
    with pytest.raises(pydantic.ValidationError, match="extra"):
        Inner(label="a", weight=1.0, other=1)  # type: ignore[call-arg]  # proving extra is refused


def test_item_uses_decimals_iso_strings_and_enum_values() -> None:
    item = _record().to_dynamodb_item()
    assert item["count"] == Decimal(3)
    assert item["ratio"] == Decimal("0.1")
    assert item["colour"] == "blue"
    assert type(item["colour"]) is str  # the plain value, not the (str, Enum) member
    assert item["at"] == "2024-01-02T03:04:05.678901+00:00"
    assert item["day"] == "2024-02-29"
    assert item["tags"] == ["a", "b"]
    assert item["inner"] == {"label": "x", "weight": Decimal("1E-7")}
    assert "note" not in item  # None fields are left out


def test_item_round_trips_exactly() -> None:
    record = _record()
    again = Record.from_dynamodb_item(record.to_dynamodb_item())
    assert again == record
    assert type(again.payload["i"]) is int
    # Untyped positions: integral numbers come back as int (DynamoDB trims "1.0" to "1").
    assert type(again.payload["f"]) is int
    assert again.payload["nested"][0]["x"] == 2.5
    assert type(again.ratio) is float  # typed fields get their type back
    assert again.price == Decimal("12345678901234567890.123456789")


def test_integral_floats_past_two_to_the_53_stay_exact() -> None:
    value = 3.602879701896397e16  # repr() would round it to ...970, the float is ...968
    assert to_dynamodb_value(value) == Decimal(36028797018963968)
    assert from_dynamodb_value(to_dynamodb_value(value)) == value
    assert from_dynamodb_value(to_dynamodb_value(1e300)) == 1e300


def test_38_digit_integers_read_back_exactly() -> None:
    value = 10**38 - 1  # abs() on a Decimal would round this to 1E+38
    assert from_dynamodb_value(to_dynamodb_value(value)) == value


def test_integers_over_38_digits_are_refused() -> None:
    with pytest.raises(ValueError, match="38 digits"):
        to_dynamodb_value(10**38)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_floats_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        _record(payload={"x": bad}).to_dynamodb_item()


def test_value_helpers_cover_tuples_sets_models_and_other_objects() -> None:
    assert to_dynamodb_value((1, 2.5)) == [Decimal(1), Decimal("2.5")]
    assert to_dynamodb_value({3, 1}) == [Decimal(1), Decimal(3)]
    assert to_dynamodb_value(Inner(label="a", weight=2.0)) == {
        "label": "a",
        "weight": Decimal("2.0"),
    }
    assert to_dynamodb_value(Colour.RED) == "red"

    class Odd:
        def __str__(self) -> str:
            return "odd"

    assert to_dynamodb_value(Odd()) == "odd"
    assert from_dynamodb_value({Decimal(1)}) == [1]
    assert from_dynamodb_value("s") == "s"


def test_utc_now_is_timezone_aware_utc() -> None:
    assert utc_now().tzinfo is dt.UTC


def test_utc_datetime_type_refuses_values_without_a_utc_equivalent() -> None:
    from pydantic import TypeAdapter

    from tradai.common.types import UtcDatetime

    adapter = TypeAdapter(UtcDatetime)
    edge = dt.datetime(1, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    with pytest.raises(pydantic.ValidationError, match="cannot be expressed in UTC"):
        adapter.validate_python(edge)
    later = dt.datetime(2024, 1, 1, 5, tzinfo=dt.timezone(dt.timedelta(hours=5)))
    assert adapter.validate_python(later) == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def test_bytes_are_stored_as_binary_and_read_back_from_boto3_binary() -> None:
    from boto3.dynamodb.types import Binary

    assert to_dynamodb_value(b"\x00\x01") == b"\x00\x01"
    assert from_dynamodb_value(Binary(b"\x00\x01")) == b"\x00\x01"
    assert from_dynamodb_value({"b": Binary(b"x")}) == {"b": b"x"}
