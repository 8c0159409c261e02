"""EMF writer: every line it writes is a valid Embedded Metric Format document."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs in the environment
import pytest

from tradai.common.aws.cloudwatch_metrics import EMF_MAX_METRICS, EMFWriter, MetricUnit
from tradai.common.exceptions import ValidationError

NOW = datetime(2024, 1, 1, tzinfo=UTC)
NOW_MS = 1704067200000

# The EMF specification's JSON schema (AWS CloudWatch documentation, "Specification:
# Embedded metric format"), restated; plus the root-member rules checked in `assert_emf`.
EMF_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["_aws"],
    "properties": {
        "_aws": {
            "type": "object",
            "required": ["Timestamp", "CloudWatchMetrics"],
            "properties": {
                "Timestamp": {"type": "integer", "minimum": 0},
                "CloudWatchMetrics": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["Namespace", "Dimensions", "Metrics"],
                        "properties": {
                            "Namespace": {"type": "string", "minLength": 1, "maxLength": 1024},
                            "Dimensions": {
                                "type": "array",
                                "items": {
                                    "type": "array",
                                    "items": {"type": "string", "minLength": 1, "maxLength": 250},
                                    "maxItems": 30,
                                },
                            },
                            "Metrics": {
                                "type": "array",
                                "maxItems": 100,
                                "items": {
                                    "type": "object",
                                    "required": ["Name"],
                                    "properties": {
                                        "Name": {
                                            "type": "string",
                                            "minLength": 1,
                                            "maxLength": 1024,
                                        },
                                        "Unit": {"enum": [u.value for u in MetricUnit]},
                                        "StorageResolution": {"enum": [1, 60]},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        }
    },
}


def assert_emf(document: dict[str, Any]) -> None:
    jsonschema.validate(document, EMF_SCHEMA)
    for directive in document["_aws"]["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            for name in dimension_set:
                assert isinstance(document[name], str), "dimension values are strings"
        for metric in directive["Metrics"]:
            value = document[metric["Name"]]
            values = value if isinstance(value, list) else [value]
            assert 1 <= len(values) <= 100
            assert all(isinstance(v, int | float) for v in values)


def lines(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def writer(out: io.StringIO, **kwargs: Any) -> EMFWriter:
    return EMFWriter("TradAI/Backtest", stream=out, clock=lambda: NOW, **kwargs)


def test_flush_writes_one_valid_json_line() -> None:
    out = io.StringIO()
    emf = writer(out, dimensions={"service": "backtest", "env": "prod"})
    emf.put("duration", 12.5, unit=MetricUnit.SECONDS)
    emf.put("trades", 3, unit="Count", storage_resolution=1)
    emf.set_property("job_id", "job-1")
    document = emf.flush()
    [written] = lines(out)
    assert written == document
    assert_emf(written)
    assert written["_aws"] == {
        "Timestamp": NOW_MS,
        "CloudWatchMetrics": [
            {
                "Namespace": "TradAI/Backtest",
                "Dimensions": [["env", "service"]],
                "Metrics": [
                    {"Name": "duration", "Unit": "Seconds", "StorageResolution": 60},
                    {"Name": "trades", "Unit": "Count", "StorageResolution": 1},
                ],
            }
        ],
    }
    assert (written["service"], written["duration"], written["job_id"]) == (
        "backtest",
        12.5,
        "job-1",
    )


def test_repeated_values_of_one_metric_become_an_array() -> None:
    out = io.StringIO()
    emf = writer(out)
    for value in (1, 2, 3):
        emf.put("latency", value, unit="Milliseconds")
    emf.flush()
    [written] = lines(out)
    assert_emf(written)
    assert written["latency"] == [1.0, 2.0, 3.0]
    assert written["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[]]


def test_the_101st_metric_flushes_the_full_document_first() -> None:
    out = io.StringIO()
    emf = writer(out)
    for i in range(EMF_MAX_METRICS + 1):
        emf.put(f"m{i}", i)
    assert len(lines(out)) == 1
    assert emf.pending == 1
    emf.flush()
    first, second = lines(out)
    for document in (first, second):
        assert_emf(document)
    assert len(first["_aws"]["CloudWatchMetrics"][0]["Metrics"]) == 100
    assert [m["Name"] for m in second["_aws"]["CloudWatchMetrics"][0]["Metrics"]] == ["m100"]


def test_the_101st_value_of_a_metric_flushes_first() -> None:
    out = io.StringIO()
    emf = writer(out)
    for i in range(101):
        emf.put("m", i)
    emf.flush()
    first, second = lines(out)
    assert (len(first["m"]), second["m"]) == (100, 100.0)


def test_dimension_sets_and_properties_survive_a_flush() -> None:
    out = io.StringIO()
    emf = writer(
        out,
        dimensions={"service": "a", "env": "b"},
        dimension_sets=[["service"], ["service", "env"]],
    )
    emf.set_property("request_id", {"id": 1})
    emf.put("x", 1)
    emf.flush()
    emf.put("y", 2)
    emf.flush()
    for document in lines(out):
        assert_emf(document)
        assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
            ["service"],
            ["service", "env"],
        ]
        assert document["request_id"] == {"id": 1}


def test_flush_with_nothing_recorded_writes_nothing() -> None:
    out = io.StringIO()
    assert writer(out).flush() is None
    assert out.getvalue() == ""


def test_default_stream_is_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    emf = EMFWriter("TradAI/Lambda", clock=lambda: NOW)
    emf.put("invocations", 1, unit=MetricUnit.COUNT)
    emf.flush()
    assert_emf(json.loads(capsys.readouterr().out))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dimension_sets": [["missing"]]},
        {"dimensions": {f"d{i}": "v" for i in range(31)}},
        {"dimensions": {"d": "bad value"}},
    ],
)
def test_bad_dimensions_are_rejected_on_construction(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        EMFWriter("TradAI/Backtest", **kwargs)


def test_conflicting_names_units_and_values_are_rejected() -> None:
    emf = writer(io.StringIO(), dimensions={"service": "a"})
    emf.put("m", 1, unit="Count")
    emf.set_property("p", 1)
    attempts: list[Callable[[], None]] = [
        lambda: emf.put("service", 1),  # a dimension
        lambda: emf.put("p", 1),  # a property
        lambda: emf.set_property("m", 1),  # a metric
        lambda: emf.set_property("_aws", 1),
        lambda: emf.put("m", 1, unit="Seconds"),  # unit changed
        lambda: emf.put("m", float("nan")),
        lambda: emf.set_property("q", float("nan")),
        lambda: emf.set_property("bad key", 1),
    ]
    for bad in attempts:
        with pytest.raises(ValidationError):
            bad()
    assert emf.pending == 1
