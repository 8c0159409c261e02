"""Retry with exponential backoff and full jitter, bounded by attempts *and* a deadline.

One object, :class:`Retrying` (built by :func:`retry`), works three ways::

    @retry(on=TransientError)              # decorator: sync, async, generator functions
    def fetch() -> bytes: ...

    retry(on=TransientError).call(fetch)   # call API (``acall`` for coroutines)

    for attempt in retry(on=TransientError):   # block API (``async for`` too)
        with attempt:
            fetch()

Rules (see :class:`RetryConfig` for every knob):

* ``on`` is required: only what it names is retried, and only :class:`Exception`
  subclasses (cancellation and ``KeyboardInterrupt`` always pass straight through).
* Attempts (default 3) and a deadline (default 30 s, counted from the first failure) both
  bound every retry; waits use full jitter, capped at ``wait_max``; a server-provided delay
  (an exception's ``retry_after``, e.g. :class:`~tradai.common.exceptions.TransientError`'s)
  replaces the computed wait, capped at ``retry_after_max``.
* Giving up re-raises the last attempt's **original** exception — no wrapper. With
  ``retry_on_result``, giving up returns the last result.
* Generator functions are retried until they yield their first item, never after.
* The success path costs one ``try`` block: no clock read, no allocation, no lock.
* Test mode: :func:`set_testing` (``attempts=1``, no sleeping by default) applies to every
  retry in the process and restores itself when used as a context manager.

Example:
    >>> calls = []
    >>> @retry(on=ConnectionError, attempts=3, sleep=lambda s: None)
    ... def flaky() -> str:
    ...     calls.append(1)
    ...     if len(calls) < 3:
    ...         raise ConnectionError("reset")
    ...     return "ok"
    >>> flaky(), len(calls)
    ('ok', 3)
"""

from __future__ import annotations

import functools
import inspect
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, ParamSpec, TypeVar

from tradai.common.resilience._attempts import Attempt, AttemptLoop
from tradai.common.resilience._backoff import (
    ExceptionPredicate,
    RetryConfig,
    RetryOn,
    full_jitter_backoff,
    retry_after_attribute,
)
from tradai.common.resilience._config import is_testing, reset_testing, set_testing
from tradai.common.resilience._engine import RetryResult, retry_async, retry_sync
from tradai.common.resilience._generators import wrap_async_generator, wrap_generator

__all__ = [
    "Attempt",
    "ExceptionPredicate",
    "RetryConfig",
    "RetryOn",
    "Retrying",
    "full_jitter_backoff",
    "is_testing",
    "reset_testing",
    "retry",
    "retry_after_attribute",
    "set_testing",
]

P = ParamSpec("P")
R = TypeVar("R")


def _name_of(fn: Callable[..., Any]) -> str:
    return str(getattr(fn, "__qualname__", None) or repr(fn))


class Retrying:
    """A retry configuration that decorates, calls, or loops (see the module docs).

    Args:
        config: What to retry and how long.
        name: A name for log messages (defaults to the function's qualified name).

    Example:
        >>> retrying = Retrying(RetryConfig(on=KeyError, attempts=2, sleep=lambda s: None))
        >>> for attempt in retrying:
        ...     with attempt:
        ...         if attempt.number == 1:
        ...             raise KeyError("first try fails")
        >>> attempt.number
        2
    """

    __slots__ = ("_config", "_name")

    def __init__(self, config: RetryConfig, *, name: str | None = None) -> None:
        self._config = config
        self._name = name

    @property
    def config(self) -> RetryConfig:
        """The retry configuration."""
        return self._config

    def __repr__(self) -> str:
        c = self._config
        return f"Retrying(attempts={c.attempts}, deadline={c.deadline}, name={self._name!r})"

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate a function, coroutine function or (async) generator function.

        Args:
            fn: The function to retry.

        Returns:
            A function with the same signature that retries as configured.
        """
        name = self._name or _name_of(fn)
        if inspect.isasyncgenfunction(fn):
            return wrap_async_generator(self._config, fn, name)  # type: ignore[return-value]  # same signature
        if inspect.isgeneratorfunction(fn):
            return wrap_generator(self._config, fn, name)  # type: ignore[return-value]  # same signature
        if inspect.iscoroutinefunction(fn):
            return self._wrap_async(fn, name)  # type: ignore[return-value]  # same signature
        return self._wrap_sync(fn, name)

    def _wrap_sync(self, fn: Callable[P, R], name: str) -> Callable[P, R]:
        config = self._config
        matches, accept = config.matches, config.retry_on_result

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:
                if not matches(exc):
                    raise
                first: BaseException | RetryResult = exc
            else:
                if accept is None or not accept(result):
                    return result
                first = RetryResult(result)
            return retry_sync(config, fn, args, kwargs, first, name=name)

        return wrapper

    def _wrap_async(self, fn: Callable[P, Awaitable[R]], name: str) -> Callable[P, Awaitable[R]]:
        config = self._config
        matches, accept = config.matches, config.retry_on_result

        @functools.wraps(fn)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = await fn(*args, **kwargs)
            except Exception as exc:
                if not matches(exc):
                    raise
                first: BaseException | RetryResult = exc
            else:
                if accept is None or not accept(result):
                    return result
                first = RetryResult(result)
            return await retry_async(config, fn, args, kwargs, first, name=name)

        return wrapper

    def call(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Call ``fn(*args, **kwargs)``, retrying as configured.

        Args:
            fn: The function.
            *args: Its positional arguments.
            **kwargs: Its keyword arguments.

        Returns:
            What ``fn`` returned.

        Raises:
            Exception: The last attempt's own exception when giving up.
        """
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            if not self._config.matches(exc):
                raise
            first: BaseException | RetryResult = exc
        else:
            accept = self._config.retry_on_result
            if accept is None or not accept(result):
                return result
            first = RetryResult(result)
        return retry_sync(self._config, fn, args, kwargs, first, name=self._name or _name_of(fn))

    async def acall(self, fn: Callable[P, Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Await ``fn(*args, **kwargs)``, retrying as configured.

        Args:
            fn: The coroutine function.
            *args: Its positional arguments.
            **kwargs: Its keyword arguments.

        Returns:
            What ``fn`` returned.

        Raises:
            Exception: The last attempt's own exception when giving up.
        """
        try:
            result = await fn(*args, **kwargs)
        except Exception as exc:
            if not self._config.matches(exc):
                raise
            first: BaseException | RetryResult = exc
        else:
            accept = self._config.retry_on_result
            if accept is None or not accept(result):
                return result
            first = RetryResult(result)
        name = self._name or _name_of(fn)
        return await retry_async(self._config, fn, args, kwargs, first, name=name)

    def __iter__(self) -> Iterator[Attempt]:
        """Yield :class:`Attempt` objects until one succeeds or the retry gives up.

        Yields:
            The next attempt; use it as a context manager around the block to retry.
        """
        loop = AttemptLoop(self._config, self._name or "<block>")
        number = 1
        while True:
            yield Attempt(number, loop)
            delay, loop.delay = loop.delay, None
            if delay is None:
                return
            if loop.sleeps() and delay > 0:
                self._config.sleep(delay)
            number += 1

    async def __aiter__(self) -> AsyncIterator[Attempt]:
        """Like :meth:`__iter__`, sleeping with the async sleep between attempts.

        Yields:
            The next attempt.
        """
        loop = AttemptLoop(self._config, self._name or "<block>")
        sleep = self._config.async_sleep
        if sleep is None:
            import asyncio

            sleep = asyncio.sleep
        number = 1
        while True:
            yield Attempt(number, loop)
            delay, loop.delay = loop.delay, None
            if delay is None:
                return
            if loop.sleeps() and delay > 0:
                await sleep(delay)
            number += 1


def retry(
    *,
    on: RetryOn,
    attempts: int = 3,
    deadline: float = 30.0,
    wait_initial: float = 0.1,
    wait_max: float = 5.0,
    wait_exp_base: float = 2.0,
    retry_on_result: Callable[[Any], bool] | None = None,
    retry_after: Callable[[BaseException], float | None] | None = retry_after_attribute,
    retry_after_max: float = 60.0,
    sleep: Callable[[float], object] = time.sleep,
    async_sleep: Callable[[float], Awaitable[object]] | None = None,
    clock: Callable[[], float] = time.monotonic,
    rng: Callable[[], float] = random.random,
    name: str | None = None,
) -> Retrying:
    """Build a :class:`Retrying` (decorator, call API and block API in one).

    Args:
        on: What to retry (required): an exception class, a tuple, or a predicate.
        attempts: Total attempts, the first included.
        deadline: Seconds from the first failure after which no attempt starts.
        wait_initial: Ceiling of the first jittered wait, in seconds.
        wait_max: Largest ceiling of a computed wait, in seconds.
        wait_exp_base: Growth factor of the ceiling per retry.
        retry_on_result: Retry when this predicate is true for a returned value.
        retry_after: Extracts a server-provided delay from an exception (``None`` to ignore).
        retry_after_max: Cap on a server-provided delay, in seconds.
        sleep: Sleeps between sync attempts.
        async_sleep: Sleeps between async attempts (``asyncio.sleep`` when ``None``).
        clock: Monotonic seconds, for the deadline.
        rng: Random numbers in ``[0, 1)``, for the jitter.
        name: A name for log messages.

    Returns:
        The configured :class:`Retrying`.

    Raises:
        ValidationError: If a parameter is out of range (see :class:`RetryConfig`).
    """
    config = RetryConfig(
        on=on,
        attempts=attempts,
        deadline=deadline,
        wait_initial=wait_initial,
        wait_max=wait_max,
        wait_exp_base=wait_exp_base,
        retry_on_result=retry_on_result,
        retry_after=retry_after,
        retry_after_max=retry_after_max,
        sleep=sleep,
        async_sleep=async_sleep,
        clock=clock,
        rng=rng,
    )
    return Retrying(config, name=name)
