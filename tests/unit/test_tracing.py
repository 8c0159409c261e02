"""Tracing helpers against the real OpenTelemetry SDK (in-memory exporter), and without it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from tradai.common import tracing
from tradai.common.exceptions import MissingDependencyError
from tradai.common.tracing import TraceIds, current_trace_ids, force_flush, get_tracer, traced


def _global_sdk_provider() -> TracerProvider:
    """The process-wide SDK provider (OpenTelemetry allows setting it only once)."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = TracerProvider()
    trace.set_tracer_provider(provider)
    return provider


@pytest.fixture(scope="module")
def _module_exporter() -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()
    _global_sdk_provider().add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def exporter(_module_exporter: InMemorySpanExporter) -> Iterator[InMemorySpanExporter]:
    _module_exporter.clear()
    yield _module_exporter
    _module_exporter.clear()


@traced()
def add(a: int, b: int) -> int:
    return a + b


@traced("custom.name", attributes={"component": "test", "weight": 2})
def fail() -> None:
    raise ValueError("bad input")


@traced()
async def async_add(a: int, b: int) -> int:
    await asyncio.sleep(0)
    return a + b


@traced()
async def async_fail() -> None:
    raise KeyError("missing")


def test_sync_function_gets_a_span_named_after_it(exporter: InMemorySpanExporter) -> None:
    assert add(1, 2) == 3
    (span,) = exporter.get_finished_spans()
    assert span.name == f"{__name__}.add"
    assert span.status.status_code is StatusCode.UNSET


def test_sync_failure_records_exception_and_error_status(exporter: InMemorySpanExporter) -> None:
    with pytest.raises(ValueError, match="bad input"):
        fail()
    (span,) = exporter.get_finished_spans()
    assert span.name == "custom.name"
    assert span.attributes is not None
    assert span.attributes["component"] == "test"
    assert span.attributes["error.type"] == "ValueError"
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "ValueError"
    assert [event.name for event in span.events] == ["exception"]


def test_async_function_is_traced(exporter: InMemorySpanExporter) -> None:
    assert asyncio.run(async_add(2, 3)) == 5
    (span,) = exporter.get_finished_spans()
    assert span.name == f"{__name__}.async_add"


def test_async_failure_sets_error_status(exporter: InMemorySpanExporter) -> None:
    with pytest.raises(KeyError):
        asyncio.run(async_fail())
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR


def test_wrapper_keeps_function_metadata() -> None:
    assert add.__name__ == "add"
    assert asyncio.iscoroutinefunction(async_add)


def test_nested_traced_calls_share_the_trace(exporter: InMemorySpanExporter) -> None:
    @traced("outer")
    def outer() -> TraceIds | None:
        add(1, 1)
        return current_trace_ids()

    ids = outer()
    inner, outer_span = exporter.get_finished_spans()
    assert ids is not None
    assert inner.parent is not None
    assert inner.parent.span_id == outer_span.context.span_id
    assert ids.trace_id == format(outer_span.context.trace_id, "032x")
    assert ids.span_id == format(outer_span.context.span_id, "016x")


def test_current_trace_ids_is_none_outside_a_span() -> None:
    assert current_trace_ids() is None


def test_current_trace_ids_is_a_named_pair(exporter: InMemorySpanExporter) -> None:
    with get_tracer(__name__).start_as_current_span("s"):
        ids = current_trace_ids()
    assert ids is not None
    trace_id, span_id = ids
    assert (len(trace_id), len(span_id)) == (32, 16)
    assert int(trace_id, 16) != 0


def test_get_tracer_accepts_an_explicit_provider() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with get_tracer("x", tracer_provider=provider).start_as_current_span("local"):
        pass
    assert [span.name for span in exporter.get_finished_spans()] == ["local"]


def test_bare_decorator_and_generators_are_refused() -> None:
    with pytest.raises(TypeError, match="parentheses"):
        traced(add)  # type: ignore[arg-type]  # the misuse under test

    def gen() -> Iterator[int]:
        yield 1

    with pytest.raises(TypeError, match="generator"):
        traced()(gen)


def test_force_flush_flushes_the_sdk_provider(exporter: InMemorySpanExporter) -> None:
    assert force_flush(timeout_millis=1_000) is True


@pytest.mark.parametrize("bad", [0, -1, 1.5, True])
def test_force_flush_rejects_bad_timeouts(bad: object) -> None:
    with pytest.raises(ValueError, match="timeout_millis"):
        force_flush(timeout_millis=bad)  # type: ignore[arg-type]  # wrong types under test


def test_force_flush_without_a_flushable_provider_is_a_noop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(trace, "get_tracer_provider", object)
    assert force_flush() is True


def test_helpers_are_noops_when_opentelemetry_is_not_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(sys.modules, "opentelemetry.trace")
    assert current_trace_ids() is None
    assert force_flush() is True


def test_noop_tracer_is_used_when_opentelemetry_api_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing(module: str, *, extra: str) -> object:
        raise MissingDependencyError(package="opentelemetry", extra=extra)

    monkeypatch.setattr(tracing, "require", missing)
    tracer = get_tracer("x")
    with tracer.start_as_current_span("s") as span:
        span.set_attribute("k", 1)
        span.set_attributes({"k": 2})
        span.add_event("e")
        span.set_status(None)
        span.record_exception(ValueError())
        assert span.is_recording() is False
    tracer.start_span("t").end()
    with pytest.raises(ValueError, match="bad input"):
        fail()


def test_importing_tracing_does_not_import_opentelemetry() -> None:
    code = "import sys, tradai.common.tracing; print('opentelemetry' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
