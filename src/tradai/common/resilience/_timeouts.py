"""Per-attempt timeouts for sync and async callables (used by ``ResiliencePolicy``).

* Async: the attempt runs under ``asyncio.timeout``; when it expires the coroutine is
  *cancelled* and :class:`CallTimeoutError` is raised.
* Sync: Python cannot interrupt a running function, so the attempt runs in a fresh daemon
  thread (with the caller's context variables) and the caller stops waiting when the
  timeout expires. The abandoned thread runs on until the function returns — prefer the
  callee's own timeouts (socket timeouts, as :class:`~tradai.common.http_client.HttpClient`
  sets) for sync I/O, and keep this for calls that have none.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tradai.common.resilience._errors import CallTimeoutError

__all__ = ["await_with_timeout", "call_with_timeout"]

R = TypeVar("R")


class _Outcome:
    __slots__ = ("done", "error", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


def call_with_timeout(
    timeout: float, service: str | None, fn: Callable[..., R], /, *args: Any, **kwargs: Any
) -> R:
    """Run ``fn`` in a worker thread and wait at most ``timeout`` seconds for it.

    Args:
        timeout: Seconds to wait.
        service: A name for the error.
        fn: The function.
        *args: Its positional arguments.
        **kwargs: Its keyword arguments.

    Returns:
        What ``fn`` returned.

    Raises:
        CallTimeoutError: If ``fn`` did not finish in time (it keeps running).
        BaseException: Whatever ``fn`` raised.
    """
    outcome = _Outcome()
    context = contextvars.copy_context()

    def run() -> None:
        try:
            outcome.value = context.run(fn, *args, **kwargs)
        except BaseException as exc:
            outcome.error = exc
        finally:
            outcome.done.set()

    worker = threading.Thread(target=run, name=f"tradai-timeout-{service or 'call'}", daemon=True)
    worker.start()
    if not outcome.done.wait(timeout):
        raise CallTimeoutError(timeout, service=service)
    if outcome.error is not None:
        raise outcome.error
    return outcome.value  # type: ignore[no-any-return]  # the value fn returned (an R)


async def await_with_timeout(
    timeout: float,
    service: str | None,
    fn: Callable[..., Awaitable[R]],
    /,
    *args: Any,
    **kwargs: Any,
) -> R:
    """Await ``fn(*args, **kwargs)``, cancelling it after ``timeout`` seconds.

    Args:
        timeout: Seconds to allow.
        service: A name for the error.
        fn: The coroutine function.
        *args: Its positional arguments.
        **kwargs: Its keyword arguments.

    Returns:
        What ``fn`` returned.

    Raises:
        CallTimeoutError: If the timeout expired (the coroutine was cancelled).
        BaseException: Whatever ``fn`` raised (a ``TimeoutError`` of its own included).
    """
    import asyncio

    scope = asyncio.timeout(timeout)
    try:
        async with scope:
            return await fn(*args, **kwargs)
    except TimeoutError as exc:
        if scope.expired():
            raise CallTimeoutError(timeout, service=service) from exc
        raise
