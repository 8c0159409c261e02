"""RedisCache against a real Redis: key layout, PX expiry, SCAN-based clear, clients."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from support.services import Service
from tradai.common.cache import RedisCache, RedisSettings

pytestmark = pytest.mark.integration


@pytest.fixture
def client(redis_server: Service) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url, socket_timeout=5)
    yield client
    client.close()


@pytest.fixture
def prefix(client: redis.Redis) -> Iterator[str]:
    prefix = f"it{uuid.uuid4().hex[:10]}:"
    yield prefix
    keys = list(client.scan_iter(match=prefix + "*"))
    if keys:
        client.delete(*keys)


def test_values_are_stored_as_json_under_the_namespaced_key_with_px(
    client: redis.Redis, prefix: str
) -> None:
    cache = RedisCache(client=client, prefix=prefix)
    cache.set("k", {"a": 1}, ttl=1.5)
    assert json.loads(client.get(prefix + "k")) == {"a": 1}  # type: ignore[arg-type]  # bytes
    assert 1000 < client.pttl(prefix + "k") <= 1500
    cache.set("d", 1)
    assert 299_000 < client.pttl(prefix + "d") <= 300_000


def test_the_cache_builds_its_own_client_from_redis_url(redis_server: Service, prefix: str) -> None:
    cache = RedisCache(prefix=prefix)  # REDIS_URL is exported by the fixture
    try:
        cache.set("k", "v")
        assert cache.get("k") == "v"
        assert cache.health_check() is True
        assert cache.client.connection_pool.connection_kwargs["socket_timeout"] == 1.0
    finally:
        cache.close()


def test_the_cache_builds_its_client_from_settings(redis_server: Service, prefix: str) -> None:
    settings = RedisSettings.load(redis_url=redis_server.url, redis_socket_timeout=2.0)
    cache = RedisCache(settings=settings, prefix=prefix)
    try:
        assert cache.get_or_set("k", lambda: [1, 2]) == [1, 2]
    finally:
        cache.close()


def test_a_client_that_decodes_responses_works_too(redis_server: Service, prefix: str) -> None:
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    cache = RedisCache(client=client, prefix=prefix)
    for key in ("a", "b"):
        cache.set(key, {"k": key})
    assert cache.get("a") == {"k": "a"}
    assert cache.clear() == 2
    client.close()


def test_a_value_not_written_by_the_cache_is_a_miss(client: redis.Redis, prefix: str) -> None:
    client.set(prefix + "foreign", b"\xffnot json")
    cache = RedisCache(client=client, prefix=prefix)
    assert cache.get("foreign") is None
    assert cache.get_or_set("foreign", lambda: "mine") == "mine"
    assert cache.get("foreign") == "mine"


def test_clear_uses_scan_and_unlink_never_keys(client: redis.Redis, prefix: str) -> None:
    cache = RedisCache(client=client, prefix=prefix)
    pipe = client.pipeline(transaction=False)
    for i in range(1234):
        pipe.set(f"{prefix}bulk:{i}", b"1", px=60_000)
    pipe.execute()
    cache.set("keep", 1)
    client.config_resetstat()
    assert cache.clear("bulk:") == 1234
    stats = client.info("commandstats")
    assert "cmdstat_keys" not in stats
    assert stats["cmdstat_scan"]["calls"] >= 1
    assert stats["cmdstat_unlink"]["calls"] == 3  # batches of at most 500
    assert cache.get("keep") == 1


def test_clear_escapes_glob_characters_of_the_namespace(client: redis.Redis, prefix: str) -> None:
    client.set(prefix + "x", b"1")
    cache = RedisCache(client=client, prefix=prefix)
    assert cache.clear("x") == 1
    assert client.exists(prefix + "x") == 0


def test_a_value_stored_just_before_the_flight_starts_is_not_recomputed(
    client: redis.Redis, prefix: str
) -> None:
    cache = RedisCache(client=client, prefix=prefix)
    join = cache._flights.do

    def late_join(key: str, fn: Callable[[], Any]) -> Any:
        cache.set("k", "theirs")  # a flight in another thread landed just before this one
        return join(key, fn)

    cache._flights.do = late_join  # type: ignore[method-assign]  # an interleaving to force
    assert cache.get_or_set("k", lambda: "mine") == "theirs"
