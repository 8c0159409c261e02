"""Redis connection settings, the client builder and the redis error table.

Private module; every public name is re-exported by :mod:`tradai.common.cache` (its
public path). redis-py is imported only inside functions (extra ``cache``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic import ValidationError as PydanticValidationError

from tradai.common._lazy import require
from tradai.common.exceptions import (
    AuthenticationError,
    ConfigurationError,
    ConflictError,
    ExternalServiceError,
    TradAIError,
    TransientError,
)
from tradai.common.settings import Settings

if TYPE_CHECKING:
    from redis import Redis

__all__ = [
    "REDIS_ERROR_MAP",
    "RedisSettings",
    "create_redis_client",
    "redis_errors",
    "translate_redis_error",
    "validate_redis_url",
]

_SCHEMES: Final = frozenset({"redis", "rediss", "unix"})
_URL_RULE: Final = (
    "redis_url must be a redis://, rediss:// or unix:// URL of printable ASCII without spaces"
)

#: redis-py exception class name -> the tradai exception callers get. A class not listed
#: maps through its nearest listed base class (every redis error derives from
#: ``RedisError`` or ``RedisClusterException``).
REDIS_ERROR_MAP: Final[Mapping[str, type[TradAIError]]] = {
    # credentials and permissions
    "AuthenticationError": AuthenticationError,
    "AuthenticationWrongNumberOfArgsError": AuthenticationError,
    "AuthorizationError": AuthenticationError,
    "ExternalAuthProviderError": AuthenticationError,
    "NoPermissionError": AuthenticationError,
    # the server is unreachable, busy, failing over or resharding: retry later
    "ConnectionError": TransientError,
    "TimeoutError": TransientError,
    "BusyLoadingError": TransientError,
    "MaxConnectionsError": TransientError,
    "TryAgainError": TransientError,
    "ClusterDownError": TransientError,
    "MasterDownError": TransientError,
    "ReadOnlyError": TransientError,
    "AskError": TransientError,
    "MovedError": TransientError,
    "SlotNotCoveredError": TransientError,
    # optimistic transactions
    "WatchError": ConflictError,
    # the server refused the command: retrying will not help
    "OutOfMemoryError": ExternalServiceError,
    "ResponseError": ExternalServiceError,
    "DataError": ExternalServiceError,
    "InvalidResponse": ExternalServiceError,
    "RedisError": ExternalServiceError,
    "RedisClusterException": ExternalServiceError,
}


def redis_errors() -> tuple[type[Exception], ...]:
    """Return the redis-py exception roots an adapter catches at its boundary.

    Returns:
        ``(RedisError, RedisClusterException)``.

    Raises:
        MissingDependencyError: If redis-py is not installed (extra ``cache``).
    """
    exceptions = require("redis.exceptions", extra="cache")
    return (exceptions.RedisError, exceptions.RedisClusterException)


def translate_redis_error(
    exc: BaseException, *, operation: str, key: str | None = None
) -> TradAIError:
    """Translate a redis-py exception through :data:`REDIS_ERROR_MAP`.

    Args:
        exc: The exception redis-py raised.
        operation: The Redis command (``"GET"``, ``"SET"``...).
        key: The cache key it was about, if any (never a secret).

    Returns:
        The tradai exception to raise ``from exc``; ``context`` holds ``service="redis"``,
        ``operation``, ``error_code`` (the redis-py class name) and ``key``.

    Example:
        >>> from redis.exceptions import ConnectionError as RedisConnectionError
        >>> err = translate_redis_error(RedisConnectionError("refused"), operation="GET")
        >>> type(err).__name__, err.retryable, err.context["service"]
        ('TransientError', True, 'redis')
    """
    target: type[TradAIError] = ExternalServiceError
    for cls in type(exc).__mro__:
        if cls.__module__.startswith("redis") and cls.__name__ in REDIS_ERROR_MAP:
            target = REDIS_ERROR_MAP[cls.__name__]
            break
    code = type(exc).__name__
    message = f"redis {operation} failed: {code}: {exc}"
    context: dict[str, Any] = {"key": key} if key is not None else {}
    if issubclass(target, ExternalServiceError):
        return target(
            message, service="redis", operation=operation, error_code=code, context=context
        )
    context.update(service="redis", operation=operation, error_code=code)
    return target(message, context=context)


def validate_redis_url(value: str) -> str:
    """Check a Redis URL without ever echoing it (it may hold a password).

    Args:
        value: ``redis://[[user]:password@]host[:port][/db]``, ``rediss://...`` or
            ``unix:///path/to/socket``.

    Returns:
        The URL unchanged.

    Raises:
        ValueError: If the URL does not qualify.

    Example:
        >>> validate_redis_url("redis://127.0.0.1:6379/0")
        'redis://127.0.0.1:6379/0'
    """
    if not value.isascii() or any(ch <= " " or ch == "\x7f" for ch in value):
        raise ValueError(_URL_RULE)
    try:
        parts = urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise ValueError(_URL_RULE) from None
    located = bool(parts.path) if parts.scheme == "unix" else bool(parts.hostname)
    if parts.scheme not in _SCHEMES or not located or not port_ok:
        raise ValueError(_URL_RULE)
    return value


class RedisSettings(Settings):
    """How to reach Redis; read from ``REDIS_URL`` and friends (or a config file).

    Example:
        >>> settings = RedisSettings.load(redis_url="redis://:pw@127.0.0.1:6379/0")
        >>> settings.redis_url, settings.redis_socket_timeout
        (SecretStr('**********'), 1.0)
    """

    redis_url: SecretStr = Field(description="redis://, rediss:// or unix:// URL (secret).")
    redis_socket_timeout: float = Field(default=1.0, gt=0, le=60, description="Read timeout.")
    redis_socket_connect_timeout: float = Field(
        default=1.0, gt=0, le=60, description="Connect timeout."
    )
    redis_max_connections: int = Field(default=50, ge=1, le=10_000, description="Pool size.")

    @field_validator("redis_url")
    @classmethod
    def _url(cls, value: SecretStr) -> SecretStr:
        validate_redis_url(value.get_secret_value())
        return value


def create_redis_client(settings: RedisSettings | None = None) -> Redis:
    """Build a redis-py client with timeouts, a bounded pool and one quick retry.

    Args:
        settings: Where and how to connect; read from the environment when ``None``.

    Returns:
        A ``redis.Redis`` client (connections open on first use).

    Raises:
        ConfigurationError: If no settings are given and ``REDIS_URL`` is missing or invalid.
        MissingDependencyError: If redis-py is not installed (extra ``cache``).
    """
    if settings is None:
        try:
            settings = RedisSettings.load()
        except PydanticValidationError as exc:
            raise ConfigurationError(
                "REDIS_URL is missing or invalid: set it, or pass settings or a client",
                setting="redis_url",
            ) from exc
    redis = require("redis", extra="cache")
    from redis.backoff import ExponentialWithJitterBackoff
    from redis.retry import Retry

    client: Redis = redis.Redis.from_url(
        settings.redis_url.get_secret_value(),
        socket_timeout=settings.redis_socket_timeout,
        socket_connect_timeout=settings.redis_socket_connect_timeout,
        max_connections=settings.redis_max_connections,
        health_check_interval=30,
        retry=Retry(ExponentialWithJitterBackoff(base=0.01, cap=0.1), retries=1),
    )
    return client
