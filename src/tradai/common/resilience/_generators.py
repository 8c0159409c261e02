"""Retrying generator functions (sync and async) until they produce their first item.

Decision: a generator is retried only while it has not yielded anything. Once the caller
has seen an item, restarting would hand it duplicates, so a later failure propagates
unchanged. ``send``/``throw``/``close`` (and their async forms) reach the wrapped
generator as if it were called directly. ``retry_on_result`` does not apply to generators.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any

from tradai.common.resilience._backoff import RetryConfig
from tradai.common.resilience._engine import retry_async, retry_sync

__all__ = ["wrap_async_generator", "wrap_generator"]


def _first_item(
    fn: Callable[..., Generator[Any, Any, Any]], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[Generator[Any, Any, Any], Any, bool]:
    gen = fn(*args, **kwargs)
    try:
        return gen, next(gen), False
    except StopIteration as stop:
        return gen, stop.value, True


def _resume(gen: Generator[Any, Any, Any], item: Any) -> Generator[Any, Any, Any]:
    while True:
        try:
            sent = yield item
        except GeneratorExit:
            gen.close()
            raise
        except BaseException as thrown:
            try:
                item = gen.throw(thrown)
            except StopIteration as stop:
                return stop.value
        else:
            try:
                item = gen.send(sent)
            except StopIteration as stop:
                return stop.value


def wrap_generator(
    config: RetryConfig, fn: Callable[..., Generator[Any, Any, Any]], name: str
) -> Callable[..., Generator[Any, Any, Any]]:
    """Wrap a generator function so that failures before its first item are retried.

    Args:
        config: The retry configuration.
        fn: The generator function.
        name: A name for log messages.

    Returns:
        A generator function with the same signature.
    """
    config = dataclasses.replace(config, retry_on_result=None)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        call_args = (fn, args, kwargs)
        first: BaseException | None = None
        try:
            started = _first_item(*call_args)
        except Exception as exc:
            if not config.matches(exc):
                raise
            first = exc
        if first is not None:  # retried outside the except block: no chained context
            started = retry_sync(config, _first_item, call_args, {}, first, name=name)
        gen, item, finished = started
        if finished:
            return item
        return (yield from _resume(gen, item))

    return wrapper


async def _afirst_item(
    fn: Callable[..., AsyncGenerator[Any, Any]], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[AsyncGenerator[Any, Any], Any, bool]:
    agen = fn(*args, **kwargs)
    try:
        return agen, await agen.__anext__(), False
    except StopAsyncIteration:
        return agen, None, True


def wrap_async_generator(
    config: RetryConfig, fn: Callable[..., AsyncGenerator[Any, Any]], name: str
) -> Callable[..., AsyncGenerator[Any, Any]]:
    """Wrap an async generator function so that failures before its first item are retried.

    Args:
        config: The retry configuration.
        fn: The async generator function.
        name: A name for log messages.

    Returns:
        An async generator function with the same signature.
    """
    config = dataclasses.replace(config, retry_on_result=None)

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        call_args = (fn, args, kwargs)
        first: BaseException | None = None
        try:
            started = await _afirst_item(*call_args)
        except Exception as exc:
            if not config.matches(exc):
                raise
            first = exc
        if first is not None:
            started = await retry_async(config, _afirst_item, call_args, {}, first, name=name)
        agen, item, finished = started
        if finished:
            return
        try:
            while True:
                try:
                    sent = yield item
                except GeneratorExit:
                    raise
                except BaseException as thrown:
                    try:
                        item = await agen.athrow(thrown)
                    except StopAsyncIteration:
                        return
                else:
                    try:
                        item = await agen.asend(sent)
                    except StopAsyncIteration:
                        return
        finally:
            await agen.aclose()

    return wrapper
