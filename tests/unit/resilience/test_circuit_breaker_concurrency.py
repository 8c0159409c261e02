"""Under real concurrency, a half-open breaker lets exactly one probe through."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from tradai.common.resilience.circuit_breaker import CircuitBreaker, CircuitOpenError, CircuitState

N = 50


def half_open_ready(clock: Any, **kwargs: Any) -> CircuitBreaker:
    breaker = CircuitBreaker(
        "svc", failure_threshold=1, recovery_timeout=5.0, clock=clock, **kwargs
    )
    breaker.force_open()
    clock.advance(5.0)  # the next call is the probe
    return breaker


def test_fifty_threads_through_a_half_open_breaker_run_exactly_one_probe(clock: Any) -> None:
    breaker = half_open_ready(clock)
    barrier = threading.Barrier(N)
    lock = threading.Lock()
    probes: list[int] = []
    refused: list[CircuitOpenError] = []

    def probe() -> str:
        with lock:
            probes.append(1)
        time.sleep(0.2)  # still in flight while the other threads arrive
        return "ok"

    def worker() -> None:
        barrier.wait()
        try:
            breaker.call(probe)
        except CircuitOpenError as exc:
            with lock:
                refused.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(probes) == 1
    assert len(refused) == N - 1
    assert {e.state for e in refused} == {"half_open"}
    assert breaker.state is CircuitState.CLOSED


def test_fifty_async_tasks_through_a_half_open_breaker_run_exactly_one_probe(clock: Any) -> None:
    breaker = half_open_ready(clock)
    probes: list[int] = []

    async def probe() -> str:
        probes.append(1)
        await asyncio.sleep(0.05)
        return "ok"

    async def main() -> list[object]:
        return await asyncio.gather(
            *(breaker.acall(probe) for _ in range(N)), return_exceptions=True
        )

    outcomes = asyncio.run(main())
    assert len(probes) == 1
    assert outcomes.count("ok") == 1
    assert sum(isinstance(o, CircuitOpenError) for o in outcomes) == N - 1
    assert breaker.state is CircuitState.CLOSED


def test_threads_and_tasks_share_one_breaker_state(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=N, clock=clock)

    async def fail_async() -> None:
        raise ConnectionError

    def fail_sync() -> None:
        raise ConnectionError

    async def main() -> None:
        for _ in range(N // 2):
            with pytest.raises(ConnectionError):
                await breaker.acall(fail_async)

    def fail_through_breaker() -> None:
        with pytest.raises(ConnectionError):
            breaker.call(fail_sync)

    threads = [threading.Thread(target=fail_through_breaker) for _ in range(N // 2)]
    for t in threads:
        t.start()
    asyncio.run(main())
    for t in threads:
        t.join()
    assert breaker.state is CircuitState.OPEN  # 25 + 25 failures counted, none lost
