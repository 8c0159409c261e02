"""Metric validation and the publisher's behaviour before any AWS call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from tradai.common.aws.cloudwatch_metrics import (
    EMFWriter,
    MetricDatum,
    MetricsPublisher,
    MetricsSink,
    MetricUnit,
    validate_dimension_value,
    validate_metric_name,
    validate_namespace,
)
from tradai.common.exceptions import ValidationError

NEAR_MISS_NAMES = [
    "",
    "-x",
    " x",
    "x ",
    "x\n",
    "x\x00",
    "x;y",
    "x|y",
    "x&y",
    "x$y",
    "x`y",
    "Аbc",  # Cyrillic A
    "x１",  # fullwidth digit
    "x" * 256,
]


class ExplodingClient:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"AWS was called ({name}) before validation")


@pytest.mark.parametrize("name", ["TradAI/Backtest", "a", "x.y_z:1#2-3", "n" * 255])
def test_valid_namespaces_are_accepted(name: str) -> None:
    assert validate_namespace(name) == name


@pytest.mark.parametrize("name", [*NEAR_MISS_NAMES, "AWS/EC2", "aws/x", None])
def test_near_miss_namespaces_are_rejected(name: object) -> None:
    with pytest.raises(ValidationError) as info:
        validate_namespace(name)  # type: ignore[arg-type]  # deliberately wrong types too
    assert info.value.field == "namespace"


@pytest.mark.parametrize("name", NEAR_MISS_NAMES)
def test_near_miss_metric_names_are_rejected(name: str) -> None:
    with pytest.raises(ValidationError):
        validate_metric_name(name)


@pytest.mark.parametrize("value", ["BTC/USDT:USDT", "prod", "a@b.c", "k=v,w", "_x"])
def test_valid_dimension_values_are_accepted(value: str) -> None:
    assert validate_dimension_value(value) == value


@pytest.mark.parametrize(
    "value", ["", " x", "x ", "a b", "x\n", "x\x00", "x;y", "x$y", "x`y", "-x", "Аx", "x" * 1025]
)
def test_near_miss_dimension_values_are_rejected(value: str) -> None:
    with pytest.raises(ValidationError):
        validate_dimension_value(value)


def test_datum_normalises_unit_dimensions_and_timestamp() -> None:
    stamp = datetime(2024, 1, 1, 2, tzinfo=timezone(timedelta(hours=2)))
    dimensions: Any = {"pair": "BTC/USDT", "env": "prod"}  # a mapping is accepted too
    unit: Any = "Count"  # so is a unit's string value
    datum = MetricDatum("trades", 3, unit=unit, dimensions=dimensions, timestamp=stamp)
    assert datum.unit is MetricUnit.COUNT
    assert datum.dimensions == (("env", "prod"), ("pair", "BTC/USDT"))
    assert datum.timestamp == datetime(2024, 1, 1, tzinfo=UTC)
    assert datum.to_api()["Timestamp"] == datetime(2024, 1, 1, tzinfo=UTC)
    assert isinstance(datum.value, float)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": float("nan")}, "value"),
        ({"value": float("inf")}, "value"),
        ({"value": 1e109}, "value"),
        ({"value": 1e-110}, "value"),
        ({"value": True}, "value"),
        ({"value": "1"}, "value"),
        ({"unit": "seconds"}, "unit"),
        ({"unit": "Parsecs"}, "unit"),
        ({"storage_resolution": 5}, "storage_resolution"),
        ({"storage_resolution": True}, "storage_resolution"),
        ({"timestamp": datetime(2024, 1, 1)}, "timestamp"),
        ({"dimensions": {f"d{i}": "v" for i in range(31)}}, "dimensions"),
        ({"dimensions": [("a", "1"), ("a", "2")]}, "dimensions"),
        ({"dimensions": {"x" * 251: "v"}}, "dimension_name"),
        ({"dimensions": {"ok": "bad value"}}, "dimension_value"),
    ],
)
def test_datum_rejects_invalid_fields(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {"name": "m", "value": 1.0, **kwargs}
    with pytest.raises(ValidationError) as info:
        MetricDatum(**args)  # type: ignore[arg-type]  # deliberately wrong values
    assert info.value.field == field


def test_zero_and_negative_values_are_valid() -> None:
    assert MetricDatum("m", 0).value == 0.0
    assert MetricDatum("m", -2.5).value == -2.5


def test_thirty_dimensions_are_allowed() -> None:
    dimensions: Any = {f"d{i}": "v" for i in range(30)}
    assert len(MetricDatum("m", 1, dimensions=dimensions).dimensions) == 30


def test_publisher_validates_before_buffering_or_calling() -> None:
    publisher = MetricsPublisher(
        "TradAI/Test", client=ExplodingClient(), default_dimensions={"env": "prod"}
    )
    with pytest.raises(ValidationError):
        publisher.put("bad name", 1)
    with pytest.raises(ValidationError):
        publisher.put("m", 1, dimensions={f"d{i}": "v" for i in range(30)})  # 31 with env
    with pytest.raises(ValidationError):
        publisher.add("not a datum")  # type: ignore[arg-type]  # wrong type on purpose
    assert publisher.pending == 0


def test_publisher_merges_default_dimensions_under_its_own() -> None:
    publisher = MetricsPublisher(
        "TradAI/Test", client=ExplodingClient(), default_dimensions={"env": "prod", "svc": "a"}
    )
    publisher.put("m", 1, dimensions={"svc": "b"})
    assert publisher._buffer[0].dimensions == (("env", "prod"), ("svc", "b"))


@pytest.mark.parametrize("size", [0, 1001, True, 2.0])
def test_publisher_batch_size_is_bounded_by_the_api_limit(size: object) -> None:
    with pytest.raises(ValidationError):
        MetricsPublisher("TradAI/Test", batch_size=size)  # type: ignore[arg-type]


def test_publisher_and_emf_writer_satisfy_the_metrics_port() -> None:
    assert isinstance(MetricsPublisher("TradAI/Test"), MetricsSink)
    assert isinstance(EMFWriter("TradAI/Test"), MetricsSink)


def test_flushing_an_empty_publisher_makes_no_call() -> None:
    with MetricsPublisher("TradAI/Test", client=ExplodingClient()) as publisher:
        assert publisher.flush() == 0
    assert publisher.namespace == "TradAI/Test"
