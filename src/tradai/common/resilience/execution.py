"""Run callables under a :class:`~tradai.common.resilience.policy.ResiliencePolicy`.

Three spellings of the same thing: :func:`execute` (sync), :func:`aexecute` (async), and
the :func:`resilient` decorator, which picks the right one for the decorated function.

Example:
    >>> from tradai.common.resilience.policy import ResiliencePolicy
    >>> from tradai.common.resilience.retry import RetryConfig
    >>> policy = ResiliencePolicy(retry=RetryConfig(on=ConnectionError, sleep=lambda s: None))
    >>> execute(policy, divmod, 7, 2)
    (3, 1)
    >>> @resilient(policy)
    ... def double(x: int) -> int:
    ...     return 2 * x
    >>> double(21)
    42
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

from tradai.common.exceptions import ValidationError
from tradai.common.resilience.policy import ResiliencePolicy

__all__ = ["aexecute", "execute", "resilient"]

P = ParamSpec("P")
R = TypeVar("R")


def execute(
    policy: ResiliencePolicy, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
) -> R:
    """Run ``fn(*args, **kwargs)`` under ``policy``.

    Args:
        policy: The policy (timeout, retry, breaker, fallback).
        fn: The function.
        *args: Its positional arguments.
        **kwargs: Its keyword arguments.

    Returns:
        What ``fn`` returned, or the policy's fallback value.

    Raises:
        Exception: As :meth:`ResiliencePolicy.call` does.
    """
    return policy.call(fn, *args, **kwargs)


async def aexecute(
    policy: ResiliencePolicy, fn: Callable[P, Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs
) -> R:
    """Await ``fn(*args, **kwargs)`` under ``policy``.

    Args:
        policy: The policy (timeout, retry, breaker, fallback).
        fn: The coroutine function.
        *args: Its positional arguments.
        **kwargs: Its keyword arguments.

    Returns:
        What ``fn`` returned, or the policy's fallback value.

    Raises:
        Exception: As :meth:`ResiliencePolicy.acall` does.
    """
    return await policy.acall(fn, *args, **kwargs)


def resilient(policy: ResiliencePolicy) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a function or coroutine function so every call runs under ``policy``.

    Args:
        policy: The policy.

    Returns:
        A decorator. Applied to a generator function it raises ``ValidationError``
        (use :func:`~tradai.common.resilience.retry.retry` for generators).
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
            raise ValidationError("a resilience policy cannot guard a generator function")
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                return await policy.acall(fn, *args, **kwargs)

            return async_wrapper  # type: ignore[return-value]  # same signature as fn

        call = policy.call

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            return call(fn, *args, **kwargs)

        return wrapper

    return decorate
