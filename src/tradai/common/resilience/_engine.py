"""The retry loop after a first failure (the success path never gets here).

The public wrappers try the call once inline; only when that attempt fails (or returns a
value ``retry_on_result`` rejects) do they hand over to :func:`retry_sync` /
:func:`retry_async` with that first outcome. The loop re-raises the *original* exception
of the last attempt when it gives up, from outside any ``except`` block so its traceback
is not chained to the earlier attempts' exceptions.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tradai.common.resilience._backoff import RetryConfig, next_delay
from tradai.common.resilience._config import CONFIG

__all__ = ["RetryResult", "RetryState", "retry_async", "retry_sync"]

_LOG = logging.getLogger("tradai.common.resilience")
R = TypeVar("R")


class RetryResult:
    """A returned value that ``retry_on_result`` asked to retry."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


class RetryState:
    """The bookkeeping of one retried call, created at its first failure.

    Args:
        config: The retry configuration.
        name: A name for log messages (the function's qualified name).
    """

    __slots__ = ("attempts", "config", "name", "number", "sleeps", "started")

    def __init__(self, config: RetryConfig, name: str) -> None:
        testing = CONFIG.testing
        self.config = config
        self.name = name
        self.attempts = config.attempts if testing is None else testing.attempts
        self.sleeps = testing is None or testing.sleep
        self.started = config.clock()
        self.number = 1  # attempts made so far

    def plan(self, outcome: BaseException | RetryResult) -> float | None:
        """Decide the wait before the next attempt after ``outcome``, or ``None`` to stop.

        Args:
            outcome: The failed attempt's exception, or its rejected result.

        Returns:
            Seconds to wait (already logged), or ``None`` to give up.
        """
        if self.number >= self.attempts:
            return None
        exc = outcome if isinstance(outcome, BaseException) else None
        delay = next_delay(self.config, self.number, exc, self.config.clock() - self.started)
        if delay is None:
            return None
        self.number += 1
        _LOG.info(
            "retrying %s in %.3f s after %s (attempt %d of %d)",
            self.name,
            delay,
            type(exc).__name__ if exc is not None else "a rejected result",
            self.number,
            self.attempts,
        )
        return delay


def _give_up(outcome: BaseException | RetryResult) -> Any:
    if isinstance(outcome, RetryResult):
        return outcome.value
    raise outcome


def retry_sync(
    config: RetryConfig,
    fn: Callable[..., R],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    first: BaseException | RetryResult,
    *,
    name: str,
) -> R:
    """Continue retrying ``fn`` after its first attempt ended with ``first``.

    Args:
        config: The retry configuration.
        fn: The function.
        args: Its positional arguments.
        kwargs: Its keyword arguments.
        first: The first attempt's exception (already known to be retryable) or result.
        name: A name for log messages.

    Returns:
        The first accepted result, or the last result when every attempt was rejected.

    Raises:
        BaseException: The last attempt's own exception when giving up, or any exception
            that is not retryable, unchanged.
    """
    state = RetryState(config, name)
    outcome = first
    matches, accept = config.matches, config.retry_on_result
    while True:
        delay = state.plan(outcome)
        if delay is None:
            return _give_up(outcome)  # type: ignore[no-any-return]  # the last R or a raise
        if state.sleeps and delay > 0:
            config.sleep(delay)
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            if not matches(exc):
                raise
            outcome = exc
            continue
        if accept is None or not accept(result):
            return result
        outcome = RetryResult(result)


async def retry_async(
    config: RetryConfig,
    fn: Callable[..., Awaitable[R]],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    first: BaseException | RetryResult,
    *,
    name: str,
) -> R:
    """Continue retrying the coroutine function ``fn`` (see :func:`retry_sync`).

    Args:
        config: The retry configuration.
        fn: The coroutine function.
        args: Its positional arguments.
        kwargs: Its keyword arguments.
        first: The first attempt's exception or rejected result.
        name: A name for log messages.

    Returns:
        The first accepted result, or the last result when every attempt was rejected.

    Raises:
        BaseException: As for :func:`retry_sync`.
    """
    state = RetryState(config, name)
    outcome = first
    matches, accept = config.matches, config.retry_on_result
    sleep = config.async_sleep or _asyncio_sleep()
    while True:
        delay = state.plan(outcome)
        if delay is None:
            return _give_up(outcome)  # type: ignore[no-any-return]  # the last R or a raise
        if state.sleeps and delay > 0:
            await sleep(delay)
        try:
            result = await fn(*args, **kwargs)
        except Exception as exc:
            if not matches(exc):
                raise
            outcome = exc
            continue
        if accept is None or not accept(result):
            return result
        outcome = RetryResult(result)


def _asyncio_sleep() -> Callable[[float], Awaitable[object]]:
    import asyncio

    return asyncio.sleep
