"""OpenTelemetry helpers that work whether or not OpenTelemetry is installed.

* :func:`get_tracer` returns an OpenTelemetry tracer, or a no-op tracer when
  ``opentelemetry-api`` is missing (install ``tradai-common[tracing]``).
* :func:`traced` wraps sync and async functions in a span that records exceptions and sets
  the error status.
* :func:`force_flush` exports pending spans before a Lambda freezes (no-op without an SDK).
* :func:`current_trace_ids` returns the active span's trace and span ids as hex.

Decisions where the specification is silent:

* Nothing here imports OpenTelemetry just to look: :func:`current_trace_ids` and
  :func:`force_flush` only consult it when the application has already imported it (no span
  can be active, and no provider configured, otherwise). This module imports only the
  standard library at import time, so :mod:`tradai.common.logger_mixin` can use it.
* :func:`traced` must be called (``@traced()``, not ``@traced``); the span name defaults to
  ``module.qualname``; a span is started per call from the tracer of the function's module,
  so a provider configured after decoration is honoured. Only :class:`Exception` marks the
  span as failed (its status description and ``error.type`` attribute are the exception's
  class name); ``KeyboardInterrupt``/``CancelledError`` end the span unmarked. Generator
  functions are refused (their body runs after the call returns).

Example:
    >>> @traced("demo.add")
    ... def add(a: int, b: int) -> int:
    ...     return a + b
    >>> add(1, 2)
    3
"""

from __future__ import annotations

import functools
import sys
from collections import namedtuple

from tradai.common._lazy import require
from tradai.common.exceptions import MissingDependencyError

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from contextlib import AbstractContextManager
    from typing import Any, NamedTuple, TypeVar

    from opentelemetry.trace import Tracer, TracerProvider

    _F = TypeVar("_F", bound=Callable[..., Any])

    class TraceIds(NamedTuple):
        """The ids of the active span, as lower-case hex."""

        trace_id: str
        span_id: str

else:
    TraceIds = namedtuple("TraceIds", ["trace_id", "span_id"])
    TraceIds.__doc__ = """The ids of the active span, as lower-case hex.

    Attributes:
        trace_id: The 32-digit trace id.
        span_id: The 16-digit span id.
    """

__all__ = ["TraceIds", "current_trace_ids", "force_flush", "get_tracer", "traced"]


class _NoOpSpan:
    """A span that records nothing (used when opentelemetry-api is not installed)."""

    def __enter__(self) -> _NoOpSpan:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None

    def is_recording(self) -> bool:
        return False

    def set_attribute(self, key: str, value: Any) -> None:
        return None

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        return None

    def add_event(self, name: str, attributes: Mapping[str, Any] | None = None) -> None:
        return None

    def record_exception(self, exception: BaseException, **kwargs: Any) -> None:
        return None

    def set_status(self, status: Any, description: str | None = None) -> None:
        return None

    def end(self, end_time: int | None = None) -> None:
        return None


class _NoOpTracer:
    """A tracer whose spans record nothing."""

    def start_as_current_span(self, name: str, **kwargs: Any) -> _NoOpSpan:
        return _NoOpSpan()

    def start_span(self, name: str, **kwargs: Any) -> _NoOpSpan:
        return _NoOpSpan()


_NOOP_TRACER = _NoOpTracer()


def get_tracer(
    name: str, version: str | None = None, *, tracer_provider: TracerProvider | None = None
) -> Tracer:
    """Return a tracer, or a no-op tracer when opentelemetry-api is not installed.

    Args:
        name: The instrumenting module's name (usually ``__name__``).
        version: The instrumenting library's version.
        tracer_provider: A provider to use instead of the global one.

    Returns:
        An OpenTelemetry ``Tracer`` (or an object with the same span methods that records
        nothing).

    Example:
        >>> with get_tracer(__name__).start_as_current_span("work") as span:
        ...     span.set_attribute("items", 3)
    """
    try:
        trace = require("opentelemetry.trace", extra="tracing")
    except MissingDependencyError:
        return _NOOP_TRACER  # type: ignore[return-value]  # duck-typed stand-in
    tracer: Tracer = trace.get_tracer(name, version, tracer_provider=tracer_provider)
    return tracer


def _mark_error(span: Any, exc: Exception) -> None:
    span.record_exception(exc)
    span.set_attribute("error.type", type(exc).__qualname__)
    trace = sys.modules.get("opentelemetry.trace")
    if trace is not None:
        span.set_status(trace.Status(trace.StatusCode.ERROR, type(exc).__qualname__))


def _start_span(
    module: str, span_name: str, attributes: Mapping[str, Any]
) -> AbstractContextManager[Any]:
    manager: AbstractContextManager[Any] = get_tracer(module).start_as_current_span(
        span_name,
        attributes=dict(attributes) or None,
        record_exception=False,
        set_status_on_exception=False,
    )
    return manager


def traced(
    name: str | None = None, attributes: Mapping[str, Any] | None = None
) -> Callable[[_F], _F]:
    """Decorate a sync or async function so each call runs in its own span.

    Args:
        name: The span name (default: ``"<module>.<qualname>"`` of the function).
        attributes: Attributes set on every span (OpenTelemetry attribute values).

    Returns:
        A decorator returning a wrapper with the function's signature.

    Raises:
        TypeError: If used without parentheses or on a generator function.

    Example:
        >>> import asyncio
        >>> @traced(attributes={"component": "demo"})
        ... async def fetch() -> str:
        ...     return "ok"
        >>> asyncio.run(fetch())
        'ok'
    """
    if callable(name):
        raise TypeError("use @traced() with parentheses")
    static = dict(attributes or {})

    def decorator(func: _F) -> _F:
        import inspect

        if inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func):
            raise TypeError("@traced() cannot wrap generator functions")
        module = func.__module__
        span_name = name or f"{module}.{func.__qualname__}"

        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with _start_span(module, span_name, static) as span:
                    try:
                        return await func(*args, **kwargs)
                    except Exception as exc:
                        _mark_error(span, exc)
                        raise

            return async_wrapper  # type: ignore[return-value]  # same signature as func

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _start_span(module, span_name, static) as span:
                try:
                    return func(*args, **kwargs)
                except Exception as exc:
                    _mark_error(span, exc)
                    raise

        return wrapper  # type: ignore[return-value]  # same signature as func

    return decorator


def force_flush(timeout_millis: int = 30_000) -> bool:
    """Export pending spans now (call before a Lambda handler returns).

    Args:
        timeout_millis: How long to wait for the exporters, in milliseconds.

    Returns:
        ``True`` if everything was flushed or there was nothing to flush, ``False`` if the
        provider reported a timeout or failure.

    Raises:
        ValueError: If ``timeout_millis`` is not a positive integer.

    Example:
        >>> force_flush(timeout_millis=1_000)
        True
    """
    if isinstance(timeout_millis, bool) or not isinstance(timeout_millis, int):
        raise ValueError("timeout_millis must be an integer")
    if timeout_millis <= 0:
        raise ValueError("timeout_millis must be positive")
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:
        return True
    flush = getattr(trace.get_tracer_provider(), "force_flush", None)
    if not callable(flush):
        return True
    return bool(flush(timeout_millis))


def current_trace_ids() -> TraceIds | None:
    """Return the active span's ids, or ``None`` when no valid span is active.

    OpenTelemetry is consulted only if the application already imported it.

    Returns:
        :class:`TraceIds` (``trace_id`` 32 hex digits, ``span_id`` 16) or ``None``.

    Example:
        >>> current_trace_ids() is None
        True
    """
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:
        return None
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return None
    return TraceIds(format(context.trace_id, "032x"), format(context.span_id, "016x"))
