"""The async call path: same state as the sync one; blocking stores are offloaded."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.resilience._breaker_store import Admission, BreakerParams, Transition
from tradai.common.resilience.circuit_breaker import (
    BreakerStore,
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    InMemoryBreakerStore,
)


async def down() -> None:
    raise ConnectionError("refused")


async def up(value: int = 1) -> int:
    return value


def test_acall_counts_failures_and_fails_fast_when_open(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=2, recovery_timeout=5, clock=clock)

    async def main() -> None:
        assert await breaker.acall(up, 3) == 3
        for _ in range(2):
            with pytest.raises(ConnectionError):
                await breaker.acall(down)
        with pytest.raises(CircuitOpenError):
            await breaker.acall(up)
        clock.advance(5)
        assert await breaker.acall(up, 4) == 4

    asyncio.run(main())
    assert breaker.state is CircuitState.CLOSED


def test_acall_success_resets_failures_and_sync_sees_it(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=3, clock=clock)

    async def main() -> None:
        with pytest.raises(ConnectionError):
            await breaker.acall(down)
        await breaker.acall(up)

    asyncio.run(main())
    assert breaker.snapshot().failures == 0


def test_a_cancelled_async_probe_gives_its_token_back(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=1, clock=clock)
    breaker.force_open()
    clock.advance(30)

    async def hang() -> None:
        await asyncio.sleep(10)

    async def main() -> None:
        task = asyncio.create_task(breaker.acall(hang))
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not breaker.snapshot().probe_in_flight
        assert await breaker.acall(up, 7) == 7

    asyncio.run(main())
    assert breaker.state is CircuitState.CLOSED


def test_the_async_decorator_guards_coroutine_functions(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=1, clock=clock)

    @breaker
    async def fetch(x: int) -> int:
        if x < 0:
            raise ConnectionError
        return x

    async def main() -> None:
        assert await fetch(2) == 2
        with pytest.raises(ConnectionError):
            await fetch(-1)
        with pytest.raises(CircuitOpenError):
            await fetch(2)

    asyncio.run(main())

    async def agen() -> Any:
        yield 1

    with pytest.raises(ValidationError):
        breaker(agen)


class OffThreadStore:
    """An in-memory store that claims to block, recording which threads used it."""

    def __init__(self, clock: Any) -> None:
        self.inner = InMemoryBreakerStore(clock=clock)
        self.threads: set[int] = set()

    @property
    def blocking(self) -> bool:
        return True

    def _seen(self) -> None:
        self.threads.add(threading.get_ident())

    def admit(self, name: str, params: BreakerParams) -> Admission:
        self._seen()
        return self.inner.admit(name, params)

    def record_success(
        self, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        self._seen()
        return self.inner.record_success(name, params, generation)

    def record_failure(
        self, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        self._seen()
        return self.inner.record_failure(name, params, generation)

    def release_probe(self, name: str, generation: int) -> None:
        self.inner.release_probe(name, generation)

    def snapshot(self, name: str) -> Any:
        return self.inner.snapshot(name)

    def reset(self, name: str) -> Transition | None:
        return self.inner.reset(name)

    def force_open(self, name: str) -> Transition | None:
        return self.inner.force_open(name)


def test_a_blocking_store_is_consulted_off_the_event_loop_thread(clock: Any) -> None:
    store = OffThreadStore(clock)
    assert isinstance(store, BreakerStore)
    breaker = CircuitBreaker("svc", failure_threshold=2, store=store, excluded=(NotFoundError,))

    async def missing() -> None:
        raise NotFoundError("gone")

    async def main() -> int:
        with pytest.raises(ConnectionError):
            await breaker.acall(down)
        with pytest.raises(NotFoundError):
            await breaker.acall(missing)
        assert breaker.snapshot().failures == 0
        with pytest.raises(ConnectionError):
            await breaker.acall(down)
        await breaker.acall(up)
        return threading.get_ident()

    loop_thread = asyncio.run(main())
    assert store.threads
    assert loop_thread not in store.threads
    assert breaker.state is CircuitState.CLOSED


def test_a_blocking_store_serves_the_sync_path_too(clock: Any) -> None:
    store = OffThreadStore(clock)
    breaker = CircuitBreaker("svc", failure_threshold=1, store=store)
    assert breaker.call(lambda: 5) == 5
    with pytest.raises(ConnectionError):
        breaker.call(lambda: (_ for _ in ()).throw(ConnectionError()))
    assert breaker.state is CircuitState.OPEN
    assert breaker.is_open
    with pytest.raises(CircuitOpenError):
        breaker.call(lambda: 5)
