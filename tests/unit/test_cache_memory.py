"""InMemoryCache: bounded (LRU by entries and bytes), TTL by an injected clock, validation."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from pydantic import BaseModel

from tradai.common.cache import DEFAULT_MAX_ENTRIES, DEFAULT_PREFIX, Cache, InMemoryCache
from tradai.common.exceptions import ValidationError
from tradai.common.protocols import ManualClock

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


class Point(BaseModel):
    x: int


class Renamed(BaseModel):
    y: int


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def test_defaults_are_bounded_and_namespaced() -> None:
    cache = InMemoryCache()
    assert cache.prefix == DEFAULT_PREFIX
    assert (
        repr(cache)
        == f"InMemoryCache(prefix={DEFAULT_PREFIX!r}, max_entries={DEFAULT_MAX_ENTRIES})"
    )
    assert isinstance(cache, Cache)


def test_the_least_recently_used_entry_is_evicted_first(clock: ManualClock) -> None:
    cache = InMemoryCache(max_entries=2, clock=clock)
    cache.set("a", 1)
    cache.set("b", 2)
    assert cache.get("a") == 1  # a is now the most recently used
    cache.set("c", 3)
    assert (cache.exists("a"), cache.exists("b"), cache.exists("c")) == (True, False, True)
    assert len(cache) == 2


def test_overwriting_a_key_does_not_grow_the_cache(clock: ManualClock) -> None:
    cache = InMemoryCache(max_entries=2, clock=clock)
    for value in range(5):
        cache.set("a", value)
    cache.set("b", "x")
    assert len(cache) == 2
    assert cache.get("a") == 4


def test_entries_are_evicted_to_stay_within_max_bytes(clock: ManualClock) -> None:
    cache = InMemoryCache(prefix="p:", max_bytes=100, max_value_bytes=50, clock=clock)
    cache.set("a", "x" * 40)  # 2 + 1 + 42 = 45 bytes
    cache.set("b", "y" * 40)  # 90 bytes in all
    cache.set("c", "z" * 10)  # would be 105: "a" goes
    assert (cache.exists("a"), cache.exists("b"), cache.exists("c")) == (False, True, True)


def test_an_entry_bigger_than_the_cache_is_not_kept(clock: ManualClock) -> None:
    cache = InMemoryCache(prefix="p:", max_bytes=10, max_value_bytes=10, clock=clock)
    cache.set("key", "12345678")  # 10 bytes of value plus the key
    assert len(cache) == 0


def test_values_above_max_value_bytes_are_refused_before_storing(clock: ManualClock) -> None:
    cache = InMemoryCache(max_value_bytes=10, clock=clock)
    with pytest.raises(ValidationError, match="the limit is 10"):
        cache.set("a", "x" * 20)
    assert not cache.exists("a")


def test_expired_entries_are_neither_counted_nor_deleted_nor_cleared(clock: ManualClock) -> None:
    cache = InMemoryCache(clock=clock)
    cache.set("short", 1, ttl=1)
    cache.set("long", 2, ttl=10)
    clock.advance(1)
    assert len(cache) == 1
    cache.set("short2", 1, ttl=1)
    clock.advance(5)
    assert cache.delete("short2") is False
    assert cache.clear() == 1


def test_ttl_is_measured_by_the_injected_clock(clock: ManualClock) -> None:
    cache = InMemoryCache(default_ttl=dt.timedelta(minutes=5), clock=clock)
    cache.set("a", 1)
    clock.advance(dt.timedelta(minutes=4, seconds=59))
    assert cache.get("a") == 1
    clock.advance(1)
    assert cache.get("a") is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_entries": 0}, "max_entries"),
        ({"max_entries": True}, "max_entries"),
        ({"max_bytes": -1}, "max_bytes"),
        ({"max_value_bytes": 0}, "max_value_bytes"),
        ({"max_bytes": 10, "max_value_bytes": 11}, "max_bytes"),
        ({"default_ttl": 0}, "ttl"),
        ({"default_ttl": None}, "ttl"),
        ({"prefix": ""}, "prefix"),
        ({"prefix": "bad prefix"}, "prefix"),
        ({"prefix": "-p:"}, "prefix"),
    ],
)
def test_bad_constructor_arguments_are_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        InMemoryCache(**kwargs)
    assert info.value.field == field


def test_a_value_that_no_longer_fits_the_model_is_a_logged_miss(
    clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = InMemoryCache(clock=clock)
    cache.set("p", Point(x=1))
    with caplog.at_level(logging.WARNING, logger="tradai.common.cache"):
        assert cache.get("p", model=Renamed) is None
    assert "does not fit Renamed" in caplog.text
    assert cache.get_or_set("p", lambda: Renamed(y=2), model=Renamed) == Renamed(y=2)
    assert cache.get("p") == {"y": 2}


def test_a_failed_factory_stores_nothing_and_the_next_call_retries(clock: ManualClock) -> None:
    cache = InMemoryCache(clock=clock)

    def boom() -> int:
        raise RuntimeError("source down")

    with pytest.raises(RuntimeError, match="source down"):
        cache.get_or_set("k", boom)
    assert not cache.exists("k")
    assert cache.get_or_set("k", lambda: 7) == 7


def test_a_factory_result_that_is_not_json_is_refused_and_not_stored(clock: ManualClock) -> None:
    cache = InMemoryCache(clock=clock)
    with pytest.raises(ValidationError, match="set is not JSON data"):
        cache.get_or_set("k", lambda: {1, 2})
    assert not cache.exists("k")


def test_a_cached_none_is_told_apart_by_exists(clock: ManualClock) -> None:
    cache = InMemoryCache(clock=clock)
    cache.set("nothing", None)
    assert cache.get("nothing") is None
    assert cache.exists("nothing")
    assert cache.get_or_set("nothing", lambda: "recomputed") is None
