"""The redis error table: every entry maps, every redis-py exception lands in the tree."""

from __future__ import annotations

import inspect

import pytest
import redis.exceptions

from tradai.common.cache import REDIS_ERROR_MAP, translate_redis_error
from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    TradAIError,
    TransientError,
)


def _instance(cls: type[BaseException]) -> BaseException:
    try:
        return cls("boom")
    except ValueError:  # cluster redirections parse "<slot> <host:port>"
        return cls("3999 127.0.0.1:6381")


@pytest.mark.parametrize(("name", "expected"), sorted(REDIS_ERROR_MAP.items()))
def test_every_entry_names_a_redis_exception_and_maps_to_its_class(
    name: str, expected: type[TradAIError]
) -> None:
    cls = getattr(redis.exceptions, name)
    translated = translate_redis_error(_instance(cls), operation="GET", key="k")
    assert type(translated) is expected
    assert translated.context["service"] == "redis"
    assert translated.context["operation"] == "GET"
    assert translated.context["error_code"] == name
    assert translated.context["key"] == "k"


REDIS_EXCEPTIONS = sorted(
    (name, cls)
    for name, cls in inspect.getmembers(redis.exceptions, inspect.isclass)
    if issubclass(cls, (redis.exceptions.RedisError, redis.exceptions.RedisClusterException))
)


@pytest.mark.parametrize(("name", "cls"), REDIS_EXCEPTIONS, ids=[n for n, _ in REDIS_EXCEPTIONS])
def test_every_redis_exception_translates_into_the_tradai_tree(
    name: str, cls: type[BaseException]
) -> None:
    translated = translate_redis_error(_instance(cls), operation="SET")
    assert isinstance(translated, TradAIError)
    assert translated.context["error_code"] == name
    assert "key" not in translated.context


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (redis.exceptions.ConnectionError, TransientError),
        (redis.exceptions.TimeoutError, TransientError),
        (redis.exceptions.BusyLoadingError, TransientError),
        (redis.exceptions.AuthenticationError, AuthenticationError),  # before ConnectionError
        (redis.exceptions.NoPermissionError, AuthenticationError),
        (redis.exceptions.ReadOnlyError, TransientError),
        (redis.exceptions.WatchError, ConflictError),
        (redis.exceptions.ResponseError, ExternalServiceError),
        (redis.exceptions.LockNotOwnedError, ExternalServiceError),  # via RedisError
    ],
)
def test_the_nearest_listed_class_wins(cls: type[Exception], expected: type[TradAIError]) -> None:
    assert type(translate_redis_error(cls("x"), operation="GET")) is expected


def test_connection_failures_are_retryable_and_keep_the_message() -> None:
    error = translate_redis_error(
        redis.exceptions.ConnectionError("Error 111 connecting"), operation="GET"
    )
    assert error.retryable is True
    assert "redis GET failed: ConnectionError: Error 111 connecting" in str(error)


def test_non_redis_exceptions_fall_back_to_external_service_error() -> None:
    translated = translate_redis_error(TimeoutError("builtin"), operation="PING")
    assert type(translated) is ExternalServiceError
