"""Keys, TTLs and value encoding shared by both cache backends."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from pydantic import BaseModel, field_serializer

from tradai.common._cache_core import (
    MAX_TTL,
    MISSING,
    coerce_result,
    decode_value,
    default_ttl_ms,
    encode_value,
    positive_int,
    ttl_to_ms,
    validate_cache_key,
)
from tradai.common.exceptions import ValidationError


class Point(BaseModel):
    x: int
    y: int


@pytest.mark.parametrize(
    ("ttl", "ms"),
    [
        (1, 1000),
        (0.05, 50),
        (2.5, 2500),
        (0.0001, 1),  # rounded up, never to zero
        (0.0015, 2),
        (dt.timedelta(seconds=3), 3000),
        (dt.timedelta(microseconds=1), 1),
        (MAX_TTL, int(MAX_TTL * 1000)),
        (None, 777),
    ],
)
def test_ttls_become_whole_milliseconds_rounded_up(ttl: Any, ms: int) -> None:
    assert ttl_to_ms(ttl, default_ms=777) == ms


@pytest.mark.parametrize(
    "ttl",
    [
        0,
        -1,
        0.0,
        -0.5,
        float("nan"),
        float("inf"),
        True,
        False,
        "5",
        10**40,
        MAX_TTL + 1,
        dt.timedelta(0),
        dt.timedelta(seconds=-1),
        dt.timedelta(days=367),
    ],
)
def test_bad_ttls_are_refused(ttl: Any) -> None:
    with pytest.raises(ValidationError) as info:
        ttl_to_ms(ttl, default_ms=1)
    assert info.value.field == "ttl"


def test_a_default_ttl_is_required() -> None:
    with pytest.raises(ValidationError, match="every cached value expires"):
        default_ttl_ms(None)
    assert default_ttl_ms(1) == 1000


@pytest.mark.parametrize("value", [1, 10**6])
def test_positive_int_accepts_bounds(value: int) -> None:
    assert positive_int(value, "max_entries") == value


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "3"])
def test_positive_int_refuses_non_positive_or_non_int(value: Any) -> None:
    with pytest.raises(ValidationError) as info:
        positive_int(value, "max_entries")
    assert info.value.field == "max_entries"


@pytest.mark.parametrize(
    "key", ["a", "ohlcv:BTC/USDT:1h", "job_1.result", "x" * 256, "0-start-digit"]
)
def test_valid_keys_pass_unchanged(key: str) -> None:
    assert validate_cache_key(key) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        " a",
        "a ",
        "a b",
        "a\n",
        "a\x00",
        "-a",
        "a;b",
        "a|b",
        "a&b",
        "a$b",
        "a`b",
        "a*",
        "a?",
        "a[1]",
        "\u0410bc",
        "\uff11",
        "x" * 257,
        "a/../b",
        "é",
    ],
)
def test_near_miss_keys_are_refused_naming_the_field(key: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_cache_key(key, field="prefix")
    assert info.value.field == "prefix"


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(ValidationError):
        validate_cache_key(42)  # type: ignore[arg-type]  # proving the runtime check


def test_json_data_encodes_compactly_and_round_trips() -> None:
    value = {"a": [1, 2.5, None, True, "ü"], "b": {"c": -0.0}}
    raw = encode_value(value, max_bytes=1000)
    assert raw == json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    assert decode_value(raw, None) == value


def test_tuples_are_stored_as_lists() -> None:
    assert decode_value(encode_value({"t": (1, 2)}, max_bytes=100), None) == {"t": [1, 2]}


def test_models_encode_with_model_dump_json_and_decode_into_the_model() -> None:
    raw = encode_value(Point(x=1, y=2), max_bytes=100)
    assert raw == Point(x=1, y=2).model_dump_json().encode()
    assert decode_value(raw, Point) == Point(x=1, y=2)
    assert decode_value(raw, None) == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (float("nan"), "non-finite"),
        ({"a": float("inf")}, "non-finite"),
        ({1: "a"}, "keys must be strings"),
        ({"a": {None: 1}}, "keys must be strings"),
        ({1, 2}, "set is not JSON data"),
        (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), "datetime is not JSON data"),
        (b"bytes", "bytes is not JSON data"),
        (object(), "object is not JSON data"),
        ("\ud800", "cannot be encoded"),
        (10**5000, "cannot be encoded"),
    ],
    ids=[
        "nan",
        "inf",
        "int-key",
        "none-key",
        "set",
        "datetime",
        "bytes",
        "object",
        "surrogate",
        "huge-int",
    ],
)
def test_values_that_are_not_json_data_are_refused(value: Any, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as info:
        encode_value(value, max_bytes=10**6)
    assert info.value.field == "value"


def test_deep_nesting_is_refused() -> None:
    value: Any = 1
    for _ in range(70):
        value = [value]
    with pytest.raises(ValidationError, match="nested deeper"):
        encode_value(value, max_bytes=10**6)


def test_models_that_cannot_serialize_are_refused() -> None:
    class Broken(BaseModel):
        x: int

        @field_serializer("x")
        def _x(self, value: int) -> int:
            raise ValueError("nope")

    with pytest.raises(ValidationError, match="cannot be encoded"):
        encode_value(Broken(x=1), max_bytes=100)


def test_values_above_the_size_bound_are_refused() -> None:
    assert encode_value("x" * 8, max_bytes=10) == b'"xxxxxxxx"'
    with pytest.raises(ValidationError, match="11 bytes; the limit is 10"):
        encode_value("x" * 9, max_bytes=10)


@pytest.mark.parametrize("raw", [b"{", b"\xff", b'{"x": "a"}'])
def test_undecodable_values_raise_value_error(raw: bytes) -> None:
    with pytest.raises(ValueError):
        decode_value(raw, Point if raw.startswith(b'{"') else None)


def test_factory_results_are_validated_into_the_model() -> None:
    point = Point(x=1, y=2)
    assert coerce_result(point, Point) is point
    assert coerce_result({"x": 1, "y": 2}, Point) == point
    assert coerce_result({"any": "thing"}, None) == {"any": "thing"}
    with pytest.raises(ValidationError, match="does not fit Point"):
        coerce_result({"x": "one"}, Point)


def test_missing_is_a_distinct_singleton() -> None:
    assert repr(MISSING) == "MISSING"
    assert MISSING is not None
