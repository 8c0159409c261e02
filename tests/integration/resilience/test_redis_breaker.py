"""Several processes share one breaker through Redis (real redis-server, real threads)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from typing import Any

import pytest

from support.services import Service
from tradai.common.resilience.circuit_breaker import CircuitBreaker, CircuitOpenError, CircuitState
from tradai.common.resilience.redis_store import RedisBreakerStore

pytestmark = pytest.mark.integration

N = 50


def prefix() -> str:
    return f"it:{uuid.uuid4().hex}:"


def fail() -> None:
    raise ConnectionError("down")


def test_two_breaker_objects_with_their_own_clients_see_one_state(redis_server: Service) -> None:
    key_prefix = prefix()
    store_a = RedisBreakerStore(url=redis_server.url, key_prefix=key_prefix)
    store_b = RedisBreakerStore(url=redis_server.url, key_prefix=key_prefix)
    a = CircuitBreaker("orders", failure_threshold=2, recovery_timeout=30, store=store_a)
    b = CircuitBreaker("orders", failure_threshold=2, recovery_timeout=30, store=store_b)
    with pytest.raises(ConnectionError):
        a.call(fail)
    with pytest.raises(ConnectionError):
        b.call(fail)  # the second failure, counted in the same place
    assert a.state is CircuitState.OPEN
    ran = []
    with pytest.raises(CircuitOpenError) as info:
        b.call(lambda: ran.append(1))
    assert ran == []
    assert 29 < info.value.remaining <= 30
    b.reset()
    assert a.call(lambda: "ok") == "ok"
    store_a.close()
    store_b.close()


def test_fifty_threads_over_two_breaker_objects_run_exactly_one_probe(
    redis_server: Service,
) -> None:
    key_prefix = prefix()
    breakers = [
        CircuitBreaker(
            "orders",
            failure_threshold=1,
            recovery_timeout=0.2,
            store=RedisBreakerStore(url=redis_server.url, key_prefix=key_prefix),
        )
        for _ in range(2)
    ]
    breakers[0].force_open()
    time.sleep(0.25)
    barrier = threading.Barrier(N)
    lock = threading.Lock()
    probes: list[int] = []
    refused: list[CircuitOpenError] = []

    def probe() -> str:
        with lock:
            probes.append(1)
        time.sleep(0.3)
        return "ok"

    def worker(i: int) -> None:
        barrier.wait()
        try:
            breakers[i % 2].call(probe)
        except CircuitOpenError as exc:
            with lock:
                refused.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(probes) == 1
    assert len(refused) == N - 1
    assert breakers[1].state is CircuitState.CLOSED


def test_fifty_async_tasks_over_redis_run_exactly_one_probe(redis_server: Service) -> None:
    store = RedisBreakerStore(url=redis_server.url, key_prefix=prefix())
    breaker = CircuitBreaker("orders", failure_threshold=1, recovery_timeout=0.1, store=store)
    breaker.force_open()
    time.sleep(0.15)
    probes: list[int] = []

    async def probe() -> str:
        probes.append(1)
        await asyncio.sleep(0.3)
        return "ok"

    async def down() -> None:
        raise ConnectionError

    async def main() -> list[object]:
        outcomes = await asyncio.gather(
            *(breaker.acall(probe) for _ in range(N)), return_exceptions=True
        )
        with pytest.raises(ConnectionError):
            await breaker.acall(down)
        return outcomes

    outcomes = asyncio.run(main())
    assert len(probes) == 1
    assert sum(isinstance(o, CircuitOpenError) for o in outcomes) == N - 1
    assert breaker.snapshot().failures == 1


CHILD = textwrap.dedent(
    """
    import sys, time
    from tradai.common.resilience import CircuitBreaker, CircuitOpenError, RedisBreakerStore

    store = RedisBreakerStore(key_prefix=sys.argv[1])  # REDIS_URL from the environment
    breaker = CircuitBreaker("orders", failure_threshold=1, recovery_timeout=0.5, store=store)
    try:
        breaker.call(lambda: None)
        print("ran")
    except CircuitOpenError as err:
        print("refused", err.state)
    time.sleep(0.6)
    print(breaker.call(lambda: "probe ok"))
    """
)


def test_a_separate_process_sees_the_open_breaker_and_probes_it(redis_server: Service) -> None:
    key_prefix = prefix()
    store = RedisBreakerStore(url=redis_server.url, key_prefix=key_prefix)
    breaker = CircuitBreaker("orders", failure_threshold=1, recovery_timeout=0.5, store=store)
    with pytest.raises(ConnectionError):
        breaker.call(fail)
    assert breaker.state is CircuitState.OPEN
    env = {**os.environ, "REDIS_URL": redis_server.url}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, key_prefix],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.split("\n")
    assert out[:2] == ["refused open", "probe ok"]
    assert breaker.state is CircuitState.CLOSED  # the other process's probe closed it here too


def test_the_store_reads_redis_url_and_reports_its_settings(
    redis_server: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_server.url)
    store = RedisBreakerStore(key_prefix=prefix(), on_error="allow")
    assert store.blocking
    assert store.on_error.value == "allow"
    assert "allow" in repr(store)
    assert store.snapshot("x").state is CircuitState.CLOSED
    store.close()


def test_a_caller_supplied_client_is_used_and_not_closed(redis_server: Service) -> None:
    import redis

    client: Any = redis.Redis.from_url(redis_server.url, decode_responses=True)
    store = RedisBreakerStore(client, key_prefix=prefix())
    breaker = CircuitBreaker("orders", failure_threshold=1, store=store)
    with pytest.raises(ConnectionError):
        breaker.call(fail)
    assert breaker.snapshot().state is CircuitState.OPEN
    store.close()
    assert client.ping()
