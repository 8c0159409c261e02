"""``ResiliencePolicy``: a timeout per attempt, retry *inside* a circuit breaker, a fallback.

The layers, outermost first::

    fallback( breaker( retry( timeout( fn ) ) ) )

* The **breaker** admits the whole retried operation once and records its final outcome
  (a retried operation is one failure, not ``attempts`` failures). Refused operations
  raise :class:`~tradai.common.resilience.circuit_breaker.CircuitOpenError` without
  running.
* The **retry** stops as soon as the breaker is open — tripped by other callers meanwhile
  — and never retries a ``CircuitOpenError``; when it stops it re-raises the last
  attempt's original exception.
* The **timeout** bounds each attempt (see :mod:`tradai.common.resilience._timeouts`:
  async attempts are cancelled, sync ones are abandoned in a worker thread). ``None``
  (the default) adds nothing — sync I/O should rely on its own socket timeouts.
* The **fallback** receives the final exception when it is an instance of
  ``fallback_on`` (default: :class:`~tradai.common.exceptions.ExternalServiceError` —
  which includes ``CircuitOpenError`` and ``TransientError`` — and :class:`OSError`,
  which includes ``ConnectionError`` and ``TimeoutError``) and returns the value instead.
  Programming errors (``TypeError``, ``ValidationError``...) are never swallowed unless
  you ask.

``retry`` is a required keyword (pass ``None`` for no retry): how much to retry is a
decision to make, not to inherit. The success path through a policy with an in-memory
breaker and no timeout reads no clock, takes no lock and allocates nothing.

Example:
    >>> from tradai.common.resilience.retry import RetryConfig
    >>> from tradai.common.resilience.circuit_breaker import CircuitBreaker
    >>> policy = ResiliencePolicy(
    ...     retry=RetryConfig(on=ConnectionError, attempts=2, sleep=lambda s: None),
    ...     breaker=CircuitBreaker("prices"),
    ...     fallback=lambda exc: "cached",
    ... )
    >>> policy.call(lambda: "fresh")
    'fresh'
    >>> def down() -> str:
    ...     raise ConnectionError("refused")
    >>> policy.call(down)
    'cached'
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar, cast

from tradai.common.exceptions import ExternalServiceError, ValidationError
from tradai.common.resilience._breaker_store import CircuitState, InMemoryBreakerStore
from tradai.common.resilience._engine import RetryResult, retry_sync
from tradai.common.resilience._errors import CallTimeoutError, CircuitOpenError
from tradai.common.resilience._timeouts import await_with_timeout, call_with_timeout
from tradai.common.resilience.circuit_breaker import CircuitBreaker
from tradai.common.resilience.retry import RetryConfig, Retrying

__all__ = ["DEFAULT_FALLBACK_ON", "CallTimeoutError", "ResiliencePolicy"]

P = ParamSpec("P")
R = TypeVar("R")
_CLOSED = CircuitState.CLOSED

#: What a fallback handles unless told otherwise: failures of a dependency.
DEFAULT_FALLBACK_ON: tuple[type[BaseException], ...] = (ExternalServiceError, OSError)


def _retry_inside(retry: RetryConfig, breaker: CircuitBreaker | None) -> RetryConfig:
    matches = retry.matches
    if breaker is None:
        return dataclasses.replace(
            retry, on=lambda exc: not isinstance(exc, CircuitOpenError) and matches(exc)
        )
    return dataclasses.replace(
        retry,
        on=lambda exc: (
            not isinstance(exc, CircuitOpenError) and matches(exc) and not breaker.is_open
        ),
    )


def _validate(
    retry: RetryConfig | None,
    breaker: CircuitBreaker | None,
    timeout: float | None,
    fallback_on: tuple[type[BaseException], ...],
) -> None:
    if retry is not None and not isinstance(retry, RetryConfig):
        raise ValidationError("retry must be a RetryConfig or None", field="retry")
    if breaker is not None and not isinstance(breaker, CircuitBreaker):
        raise ValidationError("breaker must be a CircuitBreaker or None", field="breaker")
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not math.isfinite(timeout)
        or timeout <= 0
    ):
        raise ValidationError("timeout must be a positive number of seconds", field="timeout")
    if not isinstance(fallback_on, tuple) or not all(
        isinstance(t, type) and issubclass(t, BaseException) for t in fallback_on
    ):
        raise ValidationError(
            "fallback_on must be a tuple of exception classes", field="fallback_on"
        )


def _no_fallback(exc: BaseException) -> Any:  # pragma: no cover - fallback_on is () then
    raise exc


class ResiliencePolicy:
    """Timeout, retry inside a circuit breaker, and a fallback (see the module docs).

    Args:
        retry: What to retry and how long (required; ``None`` for no retry).
        breaker: The circuit breaker guarding the whole operation, if any.
        timeout: Seconds allowed per attempt (``None``: no extra timeout).
        fallback: Called with the final exception when it is an instance of
            ``fallback_on``; its return value is returned instead.
        fallback_on: The exceptions the fallback handles.
        name: A name for logs and timeout errors (default: the breaker's name).

    Raises:
        ValidationError: If a parameter has the wrong type or range.
    """

    __slots__ = (
        "_accept",
        "_breaker",
        "_fallback",
        "_fallback_on",
        "_name",
        "_retry",
        "_retrying",
        "_slot",
        "_timeout",
    )

    def __init__(
        self,
        *,
        retry: RetryConfig | None,
        breaker: CircuitBreaker | None = None,
        timeout: float | None = None,
        fallback: Callable[[BaseException], Any] | None = None,
        fallback_on: tuple[type[BaseException], ...] = DEFAULT_FALLBACK_ON,
        name: str | None = None,
    ) -> None:
        _validate(retry, breaker, timeout, fallback_on)
        self._retry = None if retry is None else _retry_inside(retry, breaker)
        self._retrying = None if self._retry is None else Retrying(self._retry, name=name)
        self._accept = None if retry is None else retry.retry_on_result
        self._breaker = breaker
        self._timeout = None if timeout is None else float(timeout)
        self._fallback = fallback if fallback is not None else _no_fallback
        self._fallback_on = fallback_on if fallback is not None else ()
        self._name = name if name is not None else (breaker.name if breaker else None)
        store = breaker.store if breaker is not None else None
        self._slot = (
            store.slot(breaker.name)
            if breaker is not None and timeout is None and isinstance(store, InMemoryBreakerStore)
            else None
        )

    @property
    def breaker(self) -> CircuitBreaker | None:
        """The circuit breaker, if any."""
        return self._breaker

    @property
    def retry(self) -> RetryConfig | None:
        """The effective retry configuration (its ``on`` also stops on an open breaker)."""
        return self._retry

    @property
    def timeout(self) -> float | None:
        """Seconds allowed per attempt, if limited."""
        return self._timeout

    def __repr__(self) -> str:
        attempts = self._retry.attempts if self._retry is not None else 1
        breaker = self._breaker.name if self._breaker is not None else None
        return (
            f"ResiliencePolicy(attempts={attempts}, breaker={breaker!r}, timeout={self._timeout})"
        )

    # -- sync -------------------------------------------------------------------------

    def call(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``fn(*args, **kwargs)`` under the policy.

        Args:
            fn: The function.
            *args: Its positional arguments.
            **kwargs: Its keyword arguments.

        Returns:
            What ``fn`` returned, or the fallback's value.

        Raises:
            CircuitOpenError: If the breaker refused (and no fallback handled it).
            Exception: The last attempt's original exception (unless the fallback handled it).
        """
        slot = self._slot
        if slot is not None:
            # Fast path: in-memory breaker, closed. No lock, no clock, no allocation.
            generation = slot.generation
            if slot.state is _CLOSED:
                try:
                    result = fn(*args, **kwargs)
                except Exception as exc:
                    first: BaseException | RetryResult = exc
                else:
                    accept = self._accept
                    if accept is None or not accept(result):
                        if slot.failures:
                            self._continue_after(None, fn, args, kwargs, generation)
                        return result
                    first = RetryResult(result)
                return self._continue_after(first, fn, args, kwargs, generation)
        try:
            return self._compose(fn, args, kwargs)
        except self._fallback_on as exc:
            return cast("R", self._fallback(exc))

    def _compose(self, fn: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
        target: Callable[..., R] = fn
        if self._timeout is not None:
            target = functools.partial(call_with_timeout, self._timeout, self._name, fn)
        if self._retrying is not None:
            if self._breaker is not None:
                return self._breaker.call(self._retrying.call, target, *args, **kwargs)
            return self._retrying.call(target, *args, **kwargs)
        if self._breaker is not None:
            return self._breaker.call(target, *args, **kwargs)
        return target(*args, **kwargs)

    def _continue_after(
        self,
        first: BaseException | RetryResult | None,
        fn: Callable[..., R],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        generation: int,
    ) -> R:
        """Finish a fast-path operation: ``first`` is its failed first attempt (or ``None``
        when it succeeded and only the breaker's failure count needs resetting)."""
        breaker = cast("CircuitBreaker", self._breaker)
        retry = self._retry
        try:
            if first is None:
                result = None
            elif isinstance(first, BaseException) and (retry is None or not retry.matches(first)):
                raise first
            else:
                retry = cast("RetryConfig", retry)
                result = retry_sync(retry, fn, args, kwargs, first, name=self._name or "policy")
        except Exception as exc:
            breaker._failed(exc, generation)
            if isinstance(exc, self._fallback_on):
                return cast("R", self._fallback(exc))
            raise
        breaker._succeeded(generation)
        return cast("R", result)

    # -- async ------------------------------------------------------------------------

    async def acall(self, fn: Callable[P, Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Await ``fn(*args, **kwargs)`` under the policy (same breaker state as :meth:`call`).

        Args:
            fn: The coroutine function.
            *args: Its positional arguments.
            **kwargs: Its keyword arguments.

        Returns:
            What ``fn`` returned, or the fallback's value (awaited if it is awaitable).

        Raises:
            CircuitOpenError: If the breaker refused (and no fallback handled it).
            Exception: The last attempt's original exception (unless the fallback handled it).
        """
        target: Callable[..., Awaitable[R]] = fn
        if self._timeout is not None:
            target = functools.partial(await_with_timeout, self._timeout, self._name, fn)
        if self._retrying is not None:
            target = functools.partial(self._retrying.acall, target)
        try:
            if self._breaker is not None:
                return await self._breaker.acall(target, *args, **kwargs)
            return await target(*args, **kwargs)
        except self._fallback_on as exc:
            value = self._fallback(exc)
            if isinstance(value, Awaitable):
                value = await value
            return cast("R", value)
