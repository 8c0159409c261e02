"""RedisSettings, the client builder and RedisCache construction (no server needed)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pydantic
import pytest
import redis

from tradai.common._cache_redis_client import validate_redis_url
from tradai.common.cache import RedisCache, RedisSettings, create_redis_client
from tradai.common.exceptions import ConfigurationError, MissingDependencyError, ValidationError

URL = "redis://:hunter2@127.0.0.1:6399/0"


def test_settings_read_redis_url_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", URL)
    monkeypatch.setenv("REDIS_SOCKET_TIMEOUT", "0.25")
    settings = RedisSettings.load()
    assert settings.redis_url.get_secret_value() == URL
    assert settings.redis_socket_timeout == 0.25
    assert settings.redis_socket_connect_timeout == 1.0
    assert settings.redis_max_connections == 50


def test_the_url_is_a_secret_kept_out_of_reprs_and_dumps() -> None:
    settings = RedisSettings.load(redis_url=URL)
    for text in (repr(settings), str(settings), str(settings.model_dump(mode="json"))):
        assert "hunter2" not in text


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:6379/0",
        "rediss://user:pw@cache.example.com:6380/1",
        "redis://localhost",
        "unix:///var/run/redis.sock",
    ],
)
def test_valid_urls_are_accepted(url: str) -> None:
    assert validate_redis_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "",
        "http://127.0.0.1:6379",
        "redis://",
        "redis://:hunter2@127.0.0.1:notaport/0",
        "redis://:hunter2@127.0.0.1:0/0",
        " redis://127.0.0.1",
        "redis://127.0.0.1\n",
        "redis://127.0.0.1/0\x00",
        "redis://:hunter2@127.0.0.1 ;rm -rf/0",
        "redis://хост:6379",
        "unix://",
    ],
)
def test_bad_urls_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        RedisSettings.load(redis_url=url)
    assert "redis_url" in str(info.value)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("redis_socket_timeout", 0.0),
        ("redis_socket_timeout", 61.0),
        ("redis_socket_connect_timeout", -1.0),
        ("redis_max_connections", 0),
    ],
)
def test_timeouts_and_pool_size_are_bounded(field: str, value: Any) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        RedisSettings.load(redis_url=URL, **{field: value})


def test_the_built_client_always_has_timeouts_a_bounded_pool_and_one_retry() -> None:
    settings = RedisSettings.load(
        redis_url=URL, redis_socket_timeout=0.3, redis_socket_connect_timeout=0.2
    )
    client = create_redis_client(settings)
    kwargs = client.connection_pool.connection_kwargs
    assert kwargs["socket_timeout"] == 0.3
    assert kwargs["socket_connect_timeout"] == 0.2
    assert kwargs["retry"].get_retries() == 1
    assert client.connection_pool.max_connections == 50
    client.close()


def test_a_missing_redis_url_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(ConfigurationError, match="REDIS_URL") as info:
        create_redis_client()
    assert info.value.setting == "redis_url"
    with pytest.raises(ConfigurationError):
        RedisCache()


def test_an_invalid_redis_url_in_the_environment_is_a_configuration_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REDIS_URL", "http://:hunter2@host")
    with pytest.raises(ConfigurationError) as info:
        RedisCache()
    assert "hunter2" not in str(info.value)


def test_the_cache_builds_its_client_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", URL)
    cache = RedisCache(prefix="env:")
    assert cache.client.connection_pool.connection_kwargs["socket_timeout"] == 1.0
    assert repr(cache) == "RedisCache(prefix='env:', on_error='miss')"
    assert "hunter2" not in repr(cache)
    cache.close()


def test_an_injected_client_is_used_as_is_and_not_closed() -> None:
    client = redis.Redis(host="127.0.0.1", port=6399)
    cache = RedisCache(client=client)
    assert cache.client is client
    cache.close()  # a no-op for an injected client


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"settings": "both"}, "settings"),
        ({"on_error": "ignore"}, "on_error"),
        ({"max_value_bytes": 0}, "max_value_bytes"),
        ({"prefix": "has space"}, "prefix"),
        ({"default_ttl": -1}, "ttl"),
        ({"cross_process_lock": True, "lock_ttl": 0}, "lock_ttl"),
        ({"cross_process_lock": True, "lock_wait": float("inf")}, "lock_wait"),
        ({"cross_process_lock": True, "lock_wait": True}, "lock_wait"),
    ],
)
def test_bad_cache_arguments_are_refused(kwargs: dict[str, Any], field: str) -> None:
    if kwargs.get("settings") == "both":
        kwargs["settings"] = RedisSettings.load(redis_url=URL)
    with pytest.raises(ValidationError) as info:
        RedisCache(client=redis.Redis(port=6399), **kwargs)
    assert info.value.field == field


def test_without_redis_py_the_cache_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setitem(sys.modules, "redis.exceptions", None)
    with pytest.raises(MissingDependencyError, match=r"tradai-common\[cache\]"):
        RedisCache(settings=RedisSettings.load(redis_url=URL))


def test_importing_the_cache_module_does_not_import_redis() -> None:
    code = (
        "import sys, tradai.common.cache as c; c.InMemoryCache; c.Cache; "
        "print(any(m.split('.')[0] in ('redis', 'pydantic_settings') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "False"
