"""The Redis cache: :class:`RedisCache`.

Private module; :class:`RedisCache` is re-exported by :mod:`tradai.common.cache` (its
public path, whose docstring states the rules shared with the in-memory backend).
"""

from __future__ import annotations

import datetime as _dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from pydantic import BaseModel

from tradai.common._cache_core import (
    DEFAULT_MAX_VALUE_BYTES,
    DEFAULT_PREFIX,
    DEFAULT_TTL,
    MISSING,
    SingleFlight,
    coerce_result,
    decode_value,
    default_ttl_ms,
    encode_value,
    positive_int,
    ttl_to_ms,
    validate_cache_key,
)
from tradai.common._cache_redis_client import (
    RedisSettings,
    create_redis_client,
    redis_errors,
    translate_redis_error,
)
from tradai.common._cache_redis_lock import FillLock
from tradai.common._cache_redis_ops import Outage, glob_escape, unlink_matching
from tradai.common.exceptions import ValidationError

if TYPE_CHECKING:
    from redis import Redis

__all__ = ["OnError", "RedisCache"]

_M = TypeVar("_M", bound=BaseModel)
_LOG = logging.getLogger("tradai.common.cache")

#: What a Redis failure does: ``"miss"`` degrades reads to misses (and skips writes) with a
#: logged warning; ``"raise"`` raises the translated error.
OnError = Literal["miss", "raise"]


class RedisCache:
    """A TTL cache in Redis, shared by every process that uses the same namespace.

    Args:
        client: A redis-py client (its own timeouts apply); built from ``settings``, else
            from ``REDIS_URL``, when ``None``.
        settings: Connection settings for the client built here (not with ``client``).
        prefix: Namespace of every key (validated like a key).
        default_ttl: TTL of values set without one (seconds or ``timedelta``).
        on_error: ``"miss"`` (default) or ``"raise"``; see :data:`OnError`.
        cross_process_lock: Make ``get_or_set`` single flight across processes too.
        lock_ttl: Lifetime of that lock (seconds): longer than the slowest factory.
        lock_wait: How long a process waits for another to fill a key (seconds).
        max_value_bytes: Largest encoded value accepted.

    Raises:
        ValidationError: If an argument is invalid, or both client and settings are given.
        ConfigurationError: If neither is given and ``REDIS_URL`` is missing or invalid.
        MissingDependencyError: If redis-py is not installed (extra ``cache``).

    Example:
        With ``REDIS_URL`` set::

            cache = RedisCache(prefix="prices:", default_ttl=60, cross_process_lock=True)
            ticker = cache.get_or_set("BTC-USDT", fetch_ticker, model=Ticker)
    """

    def __init__(
        self,
        *,
        client: Redis | None = None,
        settings: RedisSettings | None = None,
        prefix: str = DEFAULT_PREFIX,
        default_ttl: float | _dt.timedelta = DEFAULT_TTL,
        on_error: OnError = "miss",
        cross_process_lock: bool = False,
        lock_ttl: float = 30.0,
        lock_wait: float = 10.0,
        max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
    ) -> None:
        if client is not None and settings is not None:
            raise ValidationError("pass a client or settings, not both", field="settings")
        if on_error not in ("miss", "raise"):
            raise ValidationError("on_error must be 'miss' or 'raise'", field="on_error")
        self._prefix = validate_cache_key(prefix, field="prefix")
        self._default_ms = default_ttl_ms(default_ttl)
        self._on_error: OnError = on_error
        self._max_value_bytes = positive_int(max_value_bytes, "max_value_bytes")
        self._errors = redis_errors()
        self._owns_client = client is None
        self._client: Any = client if client is not None else create_redis_client(settings)
        self._outage = Outage()
        self._flights = SingleFlight()
        self._lock: FillLock | None = None
        if cross_process_lock:
            self._lock = FillLock(
                self._client, guard=self._guard, errors=self._errors, ttl=lock_ttl, wait=lock_wait
            )

    @property
    def prefix(self) -> str:
        """The namespace prepended to every key."""
        return self._prefix

    @property
    def client(self) -> Redis:
        """The redis-py client in use."""
        client: Redis = self._client
        return client

    def __repr__(self) -> str:
        return f"RedisCache(prefix={self._prefix!r}, on_error={self._on_error!r})"

    @overload
    def get(self, key: str) -> Any: ...
    @overload
    def get(self, key: str, *, model: type[_M]) -> _M | None: ...
    def get(self, key: str, *, model: type[BaseModel] | None = None) -> Any:
        """Return a cached value.

        Args:
            key: The key (without the namespace).
            model: Decode into this pydantic model (a value that does not fit is a miss).

        Returns:
            The value, or ``None`` on a miss (including Redis down with ``on_error="miss"``).

        Raises:
            ValidationError: If the key is invalid.
            TransientError: With ``on_error="raise"``, if Redis is unreachable.
        """
        found = self._read(self._full(key), key, model)
        return None if found is MISSING else found

    def set(self, key: str, value: Any, ttl: float | _dt.timedelta | None = None) -> None:
        """Store a value with ``SET ... PX <ttl in ms>`` (replacing any other).

        Args:
            key: The key (without the namespace).
            value: JSON data or a pydantic model.
            ttl: Seconds or ``timedelta``; the cache's ``default_ttl`` when ``None``.

        Raises:
            ValidationError: If the key, value or TTL is invalid (nothing is sent).
            TransientError: With ``on_error="raise"``, if Redis is unreachable.
        """
        full = self._full(key)
        ms = ttl_to_ms(ttl, default_ms=self._default_ms)
        data = encode_value(value, max_bytes=self._max_value_bytes)
        self._guard("SET", key, lambda: self._client.set(full, data, px=ms), None)

    def delete(self, key: str) -> bool:
        """Remove a key. A failed invalidation always raises, whatever ``on_error`` says.

        Args:
            key: The key (without the namespace).

        Returns:
            Whether a value was removed.

        Raises:
            ValidationError: If the key is invalid.
            TransientError: If Redis is unreachable.
        """
        full = self._full(key)
        return bool(self._guard("DEL", key, lambda: self._client.delete(full), 0, strict=True))

    def exists(self, key: str) -> bool:
        """Tell whether a key holds a value.

        Args:
            key: The key (without the namespace).

        Returns:
            ``True`` if it does (``False`` when Redis is down with ``on_error="miss"``).

        Raises:
            ValidationError: If the key is invalid.
            TransientError: With ``on_error="raise"``, if Redis is unreachable.
        """
        full = self._full(key)
        return bool(self._guard("EXISTS", key, lambda: self._client.exists(full), 0))

    @overload
    def get_or_set(
        self, key: str, factory: Callable[[], Any], ttl: float | _dt.timedelta | None = None
    ) -> Any: ...
    @overload
    def get_or_set(
        self,
        key: str,
        factory: Callable[[], Any],
        ttl: float | _dt.timedelta | None = None,
        *,
        model: type[_M],
    ) -> _M: ...
    def get_or_set(
        self,
        key: str,
        factory: Callable[[], Any],
        ttl: float | _dt.timedelta | None = None,
        *,
        model: type[BaseModel] | None = None,
    ) -> Any:
        """Return the cached value, or compute, store and return it (single flight).

        Concurrent missers in this process share one factory call; with
        ``cross_process_lock`` so do other processes. When Redis is down (``on_error=
        "miss"``) the factory still runs and its value is returned.

        Args:
            key: The key (without the namespace).
            factory: Computes the value on a miss.
            ttl: Seconds or ``timedelta``; the cache's ``default_ttl`` when ``None``.
            model: Decode hits into this model; the factory's result is validated into it.

        Returns:
            The cached value, or the factory's result.

        Raises:
            ValidationError: If the key, TTL or the factory's result is invalid.
            TransientError: With ``on_error="raise"``, if Redis is unreachable.
            Exception: Whatever the factory raised (nothing is stored).
        """
        full = self._full(key)
        ms = ttl_to_ms(ttl, default_ms=self._default_ms)
        found = self._read(full, key, model)
        if found is not MISSING:
            return found
        return self._flights.do(full, lambda: self._fill(full, key, factory, ms, model))

    def clear(self, prefix: str | None = None) -> int:
        """Remove the namespace's keys (or those starting with ``prefix``) via SCAN + UNLINK.

        Never uses ``KEYS``. Locks of ``get_or_set`` in progress are left alone. A failed
        invalidation always raises, whatever ``on_error`` says.

        Args:
            prefix: A key prefix (validated like a key); the whole namespace when ``None``.

        Returns:
            How many values were removed.

        Raises:
            ValidationError: If the prefix is invalid.
            TransientError: If Redis is unreachable.
        """
        start = self._prefix + (
            "" if prefix is None else validate_cache_key(prefix, field="prefix")
        )
        pattern = glob_escape(start) + "*"
        return int(
            self._guard(
                "SCAN", prefix, lambda: unlink_matching(self._client, pattern), 0, strict=True
            )
        )

    def health_check(self) -> bool:
        """Ping Redis (bounded by the client's timeouts).

        Returns:
            ``True`` if Redis answered; failures are reported as ``False``.
        """
        try:
            return bool(self._client.ping())
        except self._errors:
            return False

    def close(self) -> None:
        """Close the client's connections if this cache built the client."""
        if self._owns_client:
            self._client.close()

    def _full(self, key: str) -> str:
        return self._prefix + validate_cache_key(key)

    def _guard(
        self,
        operation: str,
        key: str | None,
        call: Callable[[], Any],
        fallback: Any,
        *,
        strict: bool = False,
    ) -> Any:
        try:
            result = call()
        except self._errors as exc:
            error = translate_redis_error(exc, operation=operation, key=key)
            if strict or self._on_error == "raise":
                raise error from exc
            self._outage.failed(operation, key, error)
            return fallback
        self._outage.recovered()
        return result

    def _read(self, full: str, key: str, model: type[BaseModel] | None) -> Any:
        raw = self._guard("GET", key, lambda: self._client.get(full), None)
        if raw is None:
            return MISSING
        try:
            return decode_value(raw, model)
        except ValueError:
            _LOG.warning(
                "cached value of %r does not fit %s; treated as a miss",
                full,
                getattr(model, "__name__", "JSON"),
            )
            return MISSING

    def _fill(
        self,
        full: str,
        key: str,
        factory: Callable[[], Any],
        ms: int,
        model: type[BaseModel] | None,
    ) -> Any:
        def read() -> Any:
            return self._read(full, key, model)

        def compute() -> Any:
            value = coerce_result(factory(), model)
            data = encode_value(value, max_bytes=self._max_value_bytes)
            self._guard("SET", key, lambda: self._client.set(full, data, px=ms), None)
            return value

        found = read()  # a flight that just landed may have filled it
        if found is not MISSING:
            return found
        if self._lock is None:
            return compute()
        return self._lock.fill(full, key, read, compute)
