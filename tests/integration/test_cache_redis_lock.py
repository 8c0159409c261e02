"""Cross-process single flight: a Redis lock per key, released only by its owner."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import redis

from support.services import Service
from tradai.common.cache import RedisCache

pytestmark = pytest.mark.integration


@pytest.fixture
def client(redis_server: Service) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url, socket_timeout=5)
    yield client
    client.close()


@pytest.fixture
def prefix(client: redis.Redis) -> Iterator[str]:
    prefix = f"lk{uuid.uuid4().hex[:10]}:"
    yield prefix
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)


def _cache(client: redis.Redis, prefix: str, **kwargs: float) -> RedisCache:
    return RedisCache(client=client, prefix=prefix, cross_process_lock=True, **kwargs)  # type: ignore[arg-type]  # floats only


def _later(delay: float, action: object) -> threading.Timer:
    timer = threading.Timer(delay, action)  # type: ignore[arg-type]  # a zero-argument callable
    timer.start()
    return timer


def test_the_lock_exists_with_px_while_the_factory_runs_and_is_released(
    client: redis.Redis, prefix: str
) -> None:
    cache = _cache(client, prefix, lock_ttl=5)
    seen: list[tuple[Any, int]] = []

    def factory() -> int:
        seen.append((client.get(prefix + "k|lock"), client.pttl(prefix + "k|lock")))
        return 1

    assert cache.get_or_set("k", factory) == 1
    token, pttl = seen[0]
    assert token is not None
    assert len(token) == 32
    assert 0 < pttl <= 5000
    assert client.exists(prefix + "k|lock") == 0


def test_a_waiter_returns_the_value_another_process_stores(
    client: redis.Redis, prefix: str
) -> None:
    client.set(prefix + "k|lock", "other-process", px=5000)
    cache = _cache(client, prefix, lock_wait=5)
    timer = _later(0.2, lambda: client.set(prefix + "k", b'{"by":"other"}', px=60_000))
    calls: list[int] = []
    started = time.monotonic()
    assert cache.get_or_set("k", lambda: calls.append(1)) == {"by": "other"}
    assert 0.15 < time.monotonic() - started < 2
    assert calls == []
    timer.join()


def test_a_waiter_takes_over_when_the_other_process_lets_go_without_a_value(
    client: redis.Redis, prefix: str
) -> None:
    client.set(prefix + "k|lock", "other-process", px=5000)
    cache = _cache(client, prefix, lock_wait=5)
    timer = _later(0.2, lambda: client.delete(prefix + "k|lock"))
    assert cache.get_or_set("k", lambda: "mine") == "mine"
    assert client.get(prefix + "k") == b'"mine"'
    assert client.exists(prefix + "k|lock") == 0
    timer.join()


def test_after_lock_wait_the_waiter_computes_the_value_itself(
    client: redis.Redis, prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    client.set(prefix + "k|lock", "stuck-process", px=10_000)
    cache = _cache(client, prefix, lock_wait=0.3)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="tradai.common.cache"):
        assert cache.get_or_set("k", lambda: "fallback") == "fallback"
    assert 0.3 <= time.monotonic() - started < 2
    assert "computing it here" in caplog.text
    assert cache.get("k") == "fallback"
    assert client.get(prefix + "k|lock") == b"stuck-process"  # not ours: left alone


def test_a_lock_taken_over_after_expiry_is_not_released_by_the_old_owner(
    client: redis.Redis, prefix: str
) -> None:
    cache = _cache(client, prefix)

    def slow_factory() -> int:
        client.set(prefix + "k|lock", "new-owner", px=5000)  # ours expired; another took it
        return 1

    assert cache.get_or_set("k", slow_factory) == 1
    assert client.get(prefix + "k|lock") == b"new-owner"


def test_a_value_stored_between_the_read_and_the_lock_is_not_recomputed(
    client: redis.Redis, prefix: str
) -> None:
    cache = _cache(client, prefix)
    original_set = client.set

    def set_then_race(name: str, value: object, **kwargs: object) -> object:
        if str(name).endswith("|lock"):  # another process filled the key just before
            original_set(prefix + "k", b'"theirs"', px=60_000)
        return original_set(name, value, **kwargs)  # type: ignore[arg-type]  # pass-through

    client.set = set_then_race  # type: ignore[method-assign,assignment]  # interleaving nothing real can time
    try:
        assert cache.get_or_set("k", lambda: "mine") == "theirs"
    finally:
        del client.set
    assert client.exists(prefix + "k|lock") == 0


def test_clear_leaves_locks_in_progress_alone(client: redis.Redis, prefix: str) -> None:
    cache = _cache(client, prefix)
    client.set(prefix + "k|lock", "someone", px=5000)
    cache.set("k", 1)
    assert cache.clear() == 1
    assert client.get(prefix + "k|lock") == b"someone"


def test_32_threads_with_the_lock_run_the_factory_once(client: redis.Redis, prefix: str) -> None:
    cache = _cache(client, prefix)
    calls: list[int] = []
    barrier = threading.Barrier(32)

    def factory() -> str:
        calls.append(1)
        time.sleep(0.3)
        return "v"

    def worker(_: int) -> str:
        barrier.wait()
        return str(cache.get_or_set("k", factory))

    with ThreadPoolExecutor(32) as pool:
        assert set(pool.map(worker, range(32))) == {"v"}
    assert len(calls) == 1


_WORKER = textwrap.dedent(
    """
    import json, os, sys, time
    from concurrent.futures import ThreadPoolExecutor
    import redis
    from tradai.common.cache import RedisCache

    prefix, start_at = sys.argv[1], float(sys.argv[2])
    cache = RedisCache(prefix=prefix, cross_process_lock=True, lock_wait=10)
    counter = redis.Redis.from_url(os.environ["REDIS_URL"])

    def factory():
        counter.incr(prefix + "factory-calls")
        time.sleep(0.4)
        return {"value": 42}

    def worker(_):
        return cache.get_or_set("shared", factory, ttl=60)

    time.sleep(max(0.0, start_at - time.time()))
    with ThreadPoolExecutor(4) as pool:
        print(json.dumps(list(pool.map(worker, range(4)))))
    """
)


def test_processes_sharing_redis_run_the_factory_once(
    client: redis.Redis, prefix: str, redis_server: Service
) -> None:
    start_at = time.time() + 3
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, prefix, str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [proc.communicate(timeout=60) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert json.loads(out) == [{"value": 42}] * 4
    assert client.get(prefix + "factory-calls") == b"1"
