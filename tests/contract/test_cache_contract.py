"""One contract for the cache port: InMemoryCache and RedisCache (real Redis) agree.

TTL expiry uses the injected clock for the in-memory cache and short real TTLs (tens of
milliseconds, stored with PX) for Redis.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import redis
from pydantic import BaseModel

from tradai.common.cache import Cache, InMemoryCache, RedisCache
from tradai.common.exceptions import ValidationError
from tradai.common.protocols import ManualClock

THREADS = 32


class Candle(BaseModel):
    pair: str
    close: float
    at: dt.datetime


CANDLE = Candle(pair="BTC/USDT", close=42000.5, at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))


@dataclass
class Backend:
    """Builds caches on one backend and lets time pass for them."""

    make: Callable[..., Cache]
    advance: Callable[[float], object]


def _memory() -> Backend:
    clock = ManualClock(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    return Backend(lambda **kw: InMemoryCache(clock=clock, **kw), clock.advance)


def _redis(request: pytest.FixtureRequest) -> Iterator[Backend]:
    server = request.getfixturevalue("redis_server")
    client = redis.Redis.from_url(server.url, socket_timeout=5, socket_connect_timeout=5)
    run = f"ct{uuid.uuid4().hex[:10]}:"

    def make(prefix: str = "cache:", **kw: Any) -> Cache:
        return RedisCache(client=client, prefix=run + prefix, **kw)

    yield Backend(make, time.sleep)
    keys = list(client.scan_iter(match=run + "*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "memory":
        yield _memory()
    else:
        yield from _redis(request)


def _together(fn: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(THREADS)

    def worker(_: int) -> Any:
        barrier.wait()
        try:
            return fn()
        except Exception as exc:  # every thread's outcome is checked
            return exc

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(worker, range(THREADS)))


def test_the_cache_satisfies_the_port(backend: Backend) -> None:
    cache = backend.make(prefix="port:")
    assert isinstance(cache, Cache)
    assert cache.prefix.endswith("port:")


@pytest.mark.parametrize(
    "value",
    [{"a": [1, 2.5, None, True, "ü"]}, [], "text", 0, -1.25, False, None, {"deep": {"x": [[]]}}],
)
def test_json_data_round_trips(backend: Backend, value: Any) -> None:
    cache = backend.make()
    cache.set("k", value, ttl=60)
    assert cache.get("k") == value
    assert cache.exists("k")


def test_a_miss_is_none_and_does_not_exist(backend: Backend) -> None:
    cache = backend.make()
    assert cache.get("absent") is None
    assert cache.get("absent", model=Candle) is None
    assert cache.exists("absent") is False


def test_models_are_stored_as_json_and_decoded_with_model(backend: Backend) -> None:
    cache = backend.make()
    cache.set("candle", CANDLE, ttl=60)
    assert cache.get("candle", model=Candle) == CANDLE
    assert cache.get("candle") == {
        "pair": "BTC/USDT",
        "close": 42000.5,
        "at": "2024-01-01T00:00:00Z",
    }


def test_tuples_come_back_as_lists_and_later_changes_are_not_cached(backend: Backend) -> None:
    cache = backend.make()
    value: dict[str, Any] = {"t": (1, 2), "l": [1]}
    cache.set("k", value)
    value["l"].append(2)
    got = cache.get("k")
    assert got == {"t": [1, 2], "l": [1]}
    got["l"].append(3)
    assert cache.get("k") == {"t": [1, 2], "l": [1]}


def test_set_replaces_the_value(backend: Backend) -> None:
    cache = backend.make()
    cache.set("k", 1)
    cache.set("k", {"v": 2})
    assert cache.get("k") == {"v": 2}


def test_delete_reports_whether_a_value_was_removed(backend: Backend) -> None:
    cache = backend.make()
    cache.set("k", 1)
    assert cache.delete("k") is True
    assert cache.delete("k") is False
    assert cache.get("k") is None


def test_values_expire_after_their_ttl(backend: Backend) -> None:
    cache = backend.make()
    cache.set("short", "s", ttl=0.05)
    cache.set("long", "l", ttl=dt.timedelta(seconds=30))
    backend.advance(0.15)
    assert cache.get("short") is None
    assert cache.exists("short") is False
    assert cache.get("long") == "l"


def test_the_default_ttl_applies_when_none_is_given(backend: Backend) -> None:
    cache = backend.make(default_ttl=0.05)
    cache.set("k", 1)
    cache.get_or_set("g", lambda: 2)
    backend.advance(0.15)
    assert (cache.exists("k"), cache.exists("g")) == (False, False)


def test_set_restarts_the_ttl_and_get_does_not(backend: Backend) -> None:
    cache = backend.make()
    cache.set("k", 1, ttl=0.6)
    backend.advance(0.35)
    cache.set("k", 2, ttl=0.6)
    backend.advance(0.35)  # 0.7 s after the first set, 0.35 s after the second
    assert cache.get("k") == 2
    backend.advance(0.4)
    assert cache.get("k") is None


def test_get_or_set_computes_on_a_miss_and_serves_hits(backend: Backend) -> None:
    cache = backend.make()
    calls: list[int] = []

    def factory() -> dict[str, int]:
        calls.append(1)
        return {"n": len(calls)}

    assert cache.get_or_set("k", factory, ttl=60) == {"n": 1}
    assert cache.get_or_set("k", factory, ttl=60) == {"n": 1}
    assert cache.get("k") == {"n": 1}
    assert len(calls) == 1


def test_get_or_set_recomputes_after_expiry(backend: Backend) -> None:
    cache = backend.make()
    assert cache.get_or_set("k", lambda: 1, ttl=0.05) == 1
    backend.advance(0.15)
    assert cache.get_or_set("k", lambda: 2, ttl=0.05) == 2


def test_get_or_set_with_a_model_returns_models_on_miss_and_hit(backend: Backend) -> None:
    cache = backend.make()
    first = cache.get_or_set("c", CANDLE.model_dump, model=Candle)
    assert first == CANDLE
    assert cache.get_or_set("c", lambda: None, model=Candle) == CANDLE


def test_get_or_set_recomputes_a_value_that_no_longer_fits_the_model(backend: Backend) -> None:
    cache = backend.make()
    cache.set("c", {"pair": "BTC/USDT"})  # an older schema
    assert cache.get("c", model=Candle) is None
    assert cache.get_or_set("c", lambda: CANDLE, model=Candle) == CANDLE
    assert cache.get("c", model=Candle) == CANDLE


def test_a_failing_factory_raises_and_stores_nothing(backend: Backend) -> None:
    cache = backend.make()

    def factory() -> int:
        raise LookupError("no data")

    with pytest.raises(LookupError, match="no data"):
        cache.get_or_set("k", factory)
    assert cache.exists("k") is False


def test_32_threads_missing_one_key_run_the_factory_once(backend: Backend) -> None:
    cache = backend.make()
    calls: list[int] = []

    def factory() -> dict[str, float]:
        calls.append(1)
        time.sleep(0.3)
        return {"price": 42.5}

    results = _together(lambda: cache.get_or_set("ticker", factory, ttl=60))
    assert len(calls) == 1
    assert results == [{"price": 42.5}] * THREADS


def test_32_threads_share_the_factorys_exception(backend: Backend) -> None:
    cache = backend.make()
    calls: list[int] = []

    def factory() -> int:
        calls.append(1)
        time.sleep(0.3)
        raise TimeoutError("exchange timed out")

    results = _together(lambda: cache.get_or_set("ticker", factory))
    assert len(calls) == 1
    assert all(isinstance(r, TimeoutError) for r in results)
    assert cache.exists("ticker") is False


def test_clear_with_a_prefix_removes_only_matching_keys(backend: Backend) -> None:
    cache = backend.make()
    for key in ("ohlcv:BTC", "ohlcv:ETH", "ohlcvx", "ticker:BTC"):
        cache.set(key, 1)
    assert cache.clear("ohlcv:") == 2
    assert [cache.exists(k) for k in ("ohlcv:BTC", "ohlcv:ETH", "ohlcvx", "ticker:BTC")] == [
        False,
        False,
        True,
        True,
    ]


def test_clear_removes_the_namespace_only(backend: Backend) -> None:
    mine, other = backend.make(prefix="mine:"), backend.make(prefix="other:")
    mine.set("a", 1)
    mine.set("b", 2, ttl=0.05)
    other.set("a", 3)
    backend.advance(0.15)
    assert mine.clear() == 1  # the expired value is not counted
    assert mine.exists("a") is False
    assert other.get("a") == 3


def test_clear_of_an_empty_namespace_removes_nothing(backend: Backend) -> None:
    assert backend.make(prefix="empty:").clear() == 0


@pytest.mark.parametrize("key", ["", "a b", "a\n", "-a", "a*", "a;b", "\u0410", "x" * 257])
def test_bad_keys_are_refused_before_anything_is_stored(backend: Backend, key: str) -> None:
    cache = backend.make()
    calls: list[int] = []
    for call in (
        lambda: cache.get(key),
        lambda: cache.set(key, 1),
        lambda: cache.delete(key),
        lambda: cache.exists(key),
        lambda: cache.get_or_set(key, lambda: calls.append(1)),
        lambda: cache.clear(key),
    ):
        with pytest.raises(ValidationError):
            call()
    assert calls == []


@pytest.mark.parametrize("value", [{1, 2}, float("nan"), {1: "a"}, object()], ids=repr)
def test_values_that_are_not_json_data_are_refused(backend: Backend, value: Any) -> None:
    cache = backend.make()
    with pytest.raises(ValidationError):
        cache.set("k", value)
    with pytest.raises(ValidationError):
        cache.get_or_set("k", lambda: value)
    assert cache.exists("k") is False


@pytest.mark.parametrize("ttl", [0, -1, float("inf"), True, "60"])
def test_bad_ttls_are_refused(backend: Backend, ttl: Any) -> None:
    cache = backend.make()
    with pytest.raises(ValidationError):
        cache.set("k", 1, ttl=ttl)
    with pytest.raises(ValidationError):
        cache.get_or_set("k", lambda: 1, ttl=ttl)
    assert cache.exists("k") is False


def test_values_above_the_size_bound_are_refused(backend: Backend) -> None:
    cache = backend.make(max_value_bytes=16)
    cache.set("k", "x" * 14)
    with pytest.raises(ValidationError, match="the limit is 16"):
        cache.set("k2", "x" * 15)
    assert cache.exists("k2") is False
