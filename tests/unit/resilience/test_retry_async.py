"""Async retry: coroutine functions, ``acall`` and ``async for`` attempts share the rules."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tradai.common.exceptions import TransientError
from tradai.common.resilience.retry import retry


def test_a_coroutine_function_is_retried_with_the_async_sleep(clock: Any) -> None:
    calls = []

    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock, rng=lambda: 1.0)
    async def fetch(x: int) -> int:
        calls.append(x)
        if len(calls) < 3:
            raise ConnectionError("reset")
        return x * 2

    assert asyncio.run(fetch(21)) == 42
    assert calls == [21, 21, 21]
    assert clock.sleeps == [0.1, 0.2]


def test_async_giving_up_reraises_the_original_exception(clock: Any) -> None:
    raised: list[BaseException] = []

    @retry(on=TransientError, attempts=2, async_sleep=clock.async_sleep, clock=clock)
    async def fetch() -> None:
        raised.append(TransientError("busy", retry_after=0.5))
        raise raised[-1]

    with pytest.raises(TransientError) as info:
        asyncio.run(fetch())
    assert info.value is raised[-1]
    assert clock.sleeps == [0.5]


def test_async_default_sleep_is_asyncio_sleep() -> None:
    calls = []

    @retry(on=ConnectionError, wait_initial=0.001, wait_max=0.001)
    async def fetch() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError
        return "ok"

    assert asyncio.run(fetch()) == "ok"


def test_acall_retries_and_honours_retry_on_result(clock: Any) -> None:
    results = iter([None, "v"])

    async def fetch() -> str | None:
        return next(results)

    retrying = retry(
        on=OSError, retry_on_result=lambda r: r is None, async_sleep=clock.async_sleep, clock=clock
    )
    assert asyncio.run(retrying.acall(fetch)) == "v"

    async def boom() -> None:
        raise KeyError("no")

    with pytest.raises(KeyError):
        asyncio.run(retrying.acall(boom))

    async def fine() -> int:
        return 1

    assert asyncio.run(retrying.acall(fine)) == 1


def test_async_decorator_returns_rejected_result_after_last_attempt(clock: Any) -> None:
    @retry(
        on=OSError,
        attempts=2,
        retry_on_result=lambda r: r < 0,
        async_sleep=clock.async_sleep,
        clock=clock,
    )
    async def score() -> int:
        return -1

    assert asyncio.run(score()) == -1


def test_async_non_retryable_exception_raised_at_once_and_later_ones_too(clock: Any) -> None:
    errors = iter([ConnectionError(), KeyError()])

    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock)
    async def fetch() -> None:
        raise next(errors)

    with pytest.raises(KeyError):
        asyncio.run(fetch())

    @retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock)
    async def bad() -> None:
        raise ValueError

    with pytest.raises(ValueError):
        asyncio.run(bad())


def test_cancellation_is_never_retried(clock: Any) -> None:
    calls = []

    @retry(on=BaseException, async_sleep=clock.async_sleep, clock=clock)
    async def hang() -> None:
        calls.append(1)
        await asyncio.sleep(10)

    async def main() -> None:
        task = asyncio.create_task(hang())
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert calls == [1]


def test_async_for_attempts_retry_a_block(clock: Any) -> None:
    async def main() -> list[int]:
        seen = []
        async for attempt in retry(on=ConnectionError, async_sleep=clock.async_sleep, clock=clock):
            with attempt:
                seen.append(attempt.number)
                if attempt.number < 2:
                    raise ConnectionError
        return seen

    assert asyncio.run(main()) == [1, 2]
    assert len(clock.sleeps) == 1


def test_async_for_attempts_default_to_asyncio_sleep() -> None:
    async def main() -> int:
        async for attempt in retry(on=ConnectionError, wait_initial=0.001):
            with attempt:
                if attempt.number == 1:
                    raise ConnectionError
        return attempt.number

    assert asyncio.run(main()) == 2


def test_async_decorator_returns_an_accepted_result_at_once(clock: Any) -> None:
    @retry(
        on=OSError, retry_on_result=lambda r: r is None, async_sleep=clock.async_sleep, clock=clock
    )
    async def value() -> int:
        return 3

    assert asyncio.run(value()) == 3
    assert clock.sleeps == []
