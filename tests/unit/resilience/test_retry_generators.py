"""Generators are retried until their first item, never after; send/throw/close pass through."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator, Iterator
from typing import Any

import pytest

from tradai.common.resilience.retry import retry


def test_a_generator_failing_before_its_first_item_is_restarted(clock: Any) -> None:
    starts = []

    @retry(on=ConnectionError, sleep=clock.sleep, clock=clock)
    def pages() -> Iterator[int]:
        starts.append(1)
        if len(starts) < 3:
            raise ConnectionError("no first page")
        yield from (1, 2, 3)

    assert list(pages()) == [1, 2, 3]
    assert len(starts) == 3


def test_a_generator_failing_after_an_item_is_not_restarted(clock: Any) -> None:
    starts = []

    @retry(on=ConnectionError, sleep=clock.sleep, clock=clock)
    def pages() -> Iterator[int]:
        starts.append(1)
        yield 1
        raise ConnectionError("page 2 failed")

    gen = pages()
    assert next(gen) == 1
    with pytest.raises(ConnectionError):
        next(gen)
    assert len(starts) == 1


def test_generator_return_value_send_throw_and_close_reach_the_generator(clock: Any) -> None:
    log: list[object] = []

    @retry(on=ConnectionError, sleep=clock.sleep, clock=clock, retry_on_result=lambda r: True)
    def echo() -> Generator[int, str, str]:
        try:
            received = yield 1
            log.append(received)
            try:
                yield 2
            except ValueError as exc:
                log.append(exc)
                yield 3
            yield 4
        finally:
            log.append("closed")
        return "done"

    gen = echo()
    assert next(gen) == 1
    assert gen.send("hello") == 2
    assert gen.throw(ValueError("v")) == 3
    gen.close()
    assert log[0] == "hello"
    assert isinstance(log[1], ValueError)
    assert log[-1] == "closed"

    def run_to_end() -> object:
        g = echo()
        next(g)
        g.send("x")
        next(g)
        with pytest.raises(StopIteration) as stop:
            next(g)
        return stop.value.value

    assert run_to_end() == "done"


def test_a_thrown_exception_the_generator_does_not_handle_propagates(clock: Any) -> None:
    @retry(on=ConnectionError, sleep=clock.sleep, clock=clock)
    def gen() -> Iterator[int]:
        yield 1
        yield 2

    g = gen()
    next(g)
    with pytest.raises(KeyError):
        g.throw(KeyError("k"))


def test_a_thrown_exception_that_ends_the_generator_stops_iteration(clock: Any) -> None:
    @retry(on=ConnectionError, sleep=clock.sleep, clock=clock)
    def gen() -> Generator[int, None, str]:
        try:
            yield 1
        except KeyError:
            return "stopped"
        return "never"

    g = gen()
    next(g)
    with pytest.raises(StopIteration) as stop:
        g.throw(KeyError("k"))
    assert stop.value.value == "stopped"


def test_an_empty_generator_returns_its_value_and_non_retryable_errors_pass(clock: Any) -> None:
    @retry(on=ConnectionError, sleep=clock.sleep, clock=clock)
    def empty() -> Generator[int, None, str]:
        return "nothing"
        yield 1  # pragma: no cover - makes this a generator function

    with pytest.raises(StopIteration) as stop:
        next(empty())
    assert stop.value.value == "nothing"

    @retry(on=ConnectionError, sleep=clock.sleep, clock=clock)
    def broken() -> Iterator[int]:
        raise KeyError("k")
        yield 1  # pragma: no cover

    with pytest.raises(KeyError):
        next(broken())


def test_an_async_generator_is_retried_until_its_first_item(clock: Any) -> None:
    starts = []

    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock)
    async def ticks() -> AsyncIterator[int]:
        starts.append(1)
        if len(starts) == 1:
            raise ConnectionError("first connect failed")
        for i in range(3):
            yield i

    async def main() -> list[int]:
        return [i async for i in ticks()]

    assert asyncio.run(main()) == [0, 1, 2]
    assert len(starts) == 2


def test_an_async_generator_is_not_restarted_after_an_item(clock: Any) -> None:
    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock)
    async def ticks() -> AsyncIterator[int]:
        yield 1
        raise ConnectionError("lost")

    async def main() -> list[int]:
        return [i async for i in ticks()]

    with pytest.raises(ConnectionError):
        asyncio.run(main())


def test_async_generator_asend_athrow_and_aclose_reach_the_generator(clock: Any) -> None:
    log: list[object] = []

    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock)
    async def echo() -> Any:
        try:
            received = yield 1
            log.append(received)
            try:
                yield 2
            except ValueError:
                log.append("thrown")
                yield 3
            yield 4
        finally:
            log.append("closed")

    async def main() -> None:
        agen = echo()
        assert await agen.__anext__() == 1
        assert await agen.asend("hi") == 2
        assert await agen.athrow(ValueError("v")) == 3
        await agen.aclose()

    asyncio.run(main())
    assert log == ["hi", "thrown", "closed"]


def test_async_generator_ending_on_throw_or_send_stops_and_errors_pass(clock: Any) -> None:
    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock)
    async def once() -> Any:
        try:
            yield 1
        except KeyError:
            return

    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock)
    async def empty() -> Any:
        return
        yield  # pragma: no cover

    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock)
    async def broken() -> Any:
        raise KeyError("k")
        yield  # pragma: no cover

    async def main() -> None:
        agen = once()
        await agen.__anext__()
        with pytest.raises(StopAsyncIteration):
            await agen.athrow(KeyError("k"))
        agen2 = once()
        await agen2.__anext__()
        with pytest.raises(StopAsyncIteration):
            await agen2.asend(None)
        assert [x async for x in empty()] == []
        with pytest.raises(KeyError):
            await broken().__anext__()

    asyncio.run(main())
