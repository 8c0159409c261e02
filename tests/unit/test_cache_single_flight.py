"""Single flight: concurrent missers share one factory call and its result or exception."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tradai.common._cache_core import SingleFlight
from tradai.common.cache import InMemoryCache

THREADS = 32


def _run_together(fn: object, n: int = THREADS) -> list[object]:
    barrier = threading.Barrier(n)

    def worker(_: int) -> object:
        barrier.wait()
        try:
            return fn()  # type: ignore[operator]  # a zero-argument callable
        except Exception as exc:  # collected so every thread's outcome is checked
            return exc

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(worker, range(n)))


def test_waiters_share_the_leaders_result_object() -> None:
    flight = SingleFlight()
    calls: list[int] = []

    def work() -> dict[str, int]:
        calls.append(1)
        time.sleep(0.2)
        return {"n": 1}

    results = _run_together(lambda: flight.do("k", work))
    assert len(calls) == 1
    assert all(r is results[0] for r in results)


def test_waiters_share_the_leaders_exception() -> None:
    flight = SingleFlight()
    calls: list[int] = []

    def work() -> int:
        calls.append(1)
        time.sleep(0.2)
        raise RuntimeError("upstream failed")

    results = _run_together(lambda: flight.do("k", work))
    assert len(calls) == 1
    assert all(isinstance(r, RuntimeError) for r in results)


def test_different_keys_fly_independently() -> None:
    flight = SingleFlight()
    both_running = threading.Barrier(2, timeout=5)

    def work() -> bool:
        both_running.wait()  # deadlocks (BrokenBarrierError) if the keys were serialised
        return True

    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(flight.do, key, work) for key in ("a", "b")]
        assert [f.result() for f in futures] == [True, True]


def test_a_call_after_a_flight_landed_starts_a_new_one() -> None:
    flight = SingleFlight()
    assert flight.do("k", lambda: 1) == 1
    assert flight.do("k", lambda: 2) == 2
    with pytest.raises(ValueError, match="x"):
        flight.do("k", lambda: (_ for _ in ()).throw(ValueError("x")))
    assert flight.do("k", lambda: 3) == 3


def test_memory_cache_32_threads_missing_one_key_run_the_factory_once() -> None:
    cache = InMemoryCache()
    calls: list[int] = []

    def factory() -> dict[str, int]:
        calls.append(1)
        time.sleep(0.2)
        return {"price": 42}

    results = _run_together(lambda: cache.get_or_set("ticker", factory, ttl=60))
    assert len(calls) == 1
    assert results == [{"price": 42}] * THREADS


def test_memory_cache_32_threads_share_the_factorys_exception_and_store_nothing() -> None:
    cache = InMemoryCache()
    calls: list[int] = []

    def factory() -> int:
        calls.append(1)
        time.sleep(0.3)
        raise ConnectionError("exchange down")

    results = _run_together(lambda: cache.get_or_set("ticker", factory))
    assert len(calls) == 1
    assert all(isinstance(r, ConnectionError) for r in results)
    assert not cache.exists("ticker")


def test_a_value_stored_just_before_the_flight_starts_is_not_recomputed() -> None:
    cache = InMemoryCache()
    join = cache._flights.do

    def late_join(key: str, fn: Callable[[], Any]) -> Any:
        cache.set("k", "theirs")  # a flight for the same key landed just before this one
        return join(key, fn)

    cache._flights.do = late_join  # type: ignore[method-assign]  # an interleaving to force
    assert cache.get_or_set("k", lambda: "mine") == "theirs"
