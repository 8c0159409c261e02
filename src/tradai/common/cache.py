"""TTL caching: the :class:`Cache` port, an in-memory backend and a Redis backend.

* :class:`Cache` — the protocol: ``get`` / ``set`` / ``delete`` / ``exists`` /
  ``get_or_set`` / ``clear``.
* :class:`InMemoryCache` — thread-safe, bounded (LRU), in-process; the test twin.
* :class:`RedisCache` — shared through Redis (redis-py, extra ``cache``), with
  :class:`RedisSettings`, :func:`create_redis_client` and the error table
  :data:`REDIS_ERROR_MAP` / :func:`translate_redis_error`.

Rules both backends follow (one contract test suite proves they agree):

* **Keys** are namespaced: the cache stores ``prefix + key``. Keys and the prefix follow
  :func:`~tradai.common.validators.validate_identifier` (1-256 ASCII letters, digits and
  ``_ . : / -``, starting with a letter or digit), so a key never holds spaces, control
  characters, glob characters or look-alike unicode; a bad key raises
  :class:`~tradai.common.exceptions.ValidationError` before anything is read or written.
  Caches whose prefixes overlap (``"a:"`` and ``"a:b:"``) see each other's keys in
  ``clear``: give each user its own prefix.
* **Values** are JSON data (``dict`` with ``str`` keys, ``list``, ``tuple`` — returned as a
  list —, ``str``, ``int``, finite ``float``, ``bool``, ``None``) or pydantic models
  (encoded with ``model_dump_json``). Anything else (sets, datetimes, ``NaN``, non-string
  keys) raises ``ValidationError``: cache a model for richer types. Values are stored
  encoded, so later changes to the object set do not change the cached value, and an
  encoded value above ``max_value_bytes`` (1 MiB by default) is refused.
* ``get(key)`` returns the JSON data, or ``None`` on a miss (a cached ``None`` looks the
  same: use ``exists``); ``get(key, model=M)`` returns an ``M``. A stored value that is not
  valid JSON or does not fit ``M`` (an older schema) is a miss, logged as a warning; in
  ``get_or_set`` it is recomputed and overwritten.
* **TTL**: every value expires. ``ttl`` is seconds (``int``/``float``) or a ``timedelta``,
  rounded up to whole milliseconds, above 0 and at most :data:`MAX_TTL`; ``None`` means the
  cache's ``default_ttl`` (:data:`DEFAULT_TTL`, 300 s). A value lives ``ttl`` from the
  ``set`` that stored it; ``set`` restarts it, ``get`` does not.
* ``get_or_set(key, factory, ttl, model=M)`` is **single flight**: callers that miss the
  same key at once share one factory call, and its result or its exception (nothing is
  stored when it raises). The factory's result is returned as is (validated into ``M``
  when it is not one already); a result that is not JSON data raises ``ValidationError``.
* ``delete`` returns whether a value was removed; ``clear(prefix=None)`` removes the
  namespace's keys (or those starting with ``prefix``) and returns how many.

Redis specifics (see :class:`RedisCache`):

* The client is injected, or built from :class:`RedisSettings` (``REDIS_URL``, a secret;
  ``REDIS_SOCKET_TIMEOUT`` and ``REDIS_SOCKET_CONNECT_TIMEOUT``, 1 s each;
  ``REDIS_MAX_CONNECTIONS``, 50) with one quick retry (10-100 ms) for a stale pooled
  connection. An injected client keeps its own timeouts.
* Values are written with ``SET key value PX <ms>``; ``clear`` uses ``SCAN`` + ``UNLINK``,
  never ``KEYS``.
* ``on_error="miss"`` (default): when Redis fails, ``get`` is a miss, ``exists`` is
  ``False``, ``set`` is skipped, and ``get_or_set`` runs the factory and returns its value;
  the first failure of an outage is logged as a warning, the rest at debug level until
  Redis answers again. ``on_error="raise"``: those raise the translated error.
  ``delete`` and ``clear`` always raise, because an invalidation that silently did not
  happen would serve stale data.
* Redis errors are translated in ONE table, :data:`REDIS_ERROR_MAP` (connection errors and
  timeouts → :class:`~tradai.common.exceptions.TransientError`, credentials →
  ``AuthenticationError``, refused commands → ``ExternalServiceError``).
* ``cross_process_lock=True`` makes ``get_or_set`` single flight across processes: a lock
  ``SET <key>|lock <token> NX PX <lock_ttl>``, released by a check-and-delete Lua script;
  the other processes poll with backoff for at most ``lock_wait`` seconds, then compute
  the value themselves. A failed release is only logged (the lock expires by itself).

Importing this module does not import redis-py (the Redis names load on first use).

Example:
    >>> from pydantic import BaseModel
    >>> class Ticker(BaseModel):
    ...     symbol: str
    ...     price: float
    >>> cache = InMemoryCache(prefix="tickers:", default_ttl=30)
    >>> cache.get_or_set("BTC", lambda: Ticker(symbol="BTC/USDT", price=1.5), model=Ticker)
    Ticker(symbol='BTC/USDT', price=1.5)
    >>> cache.get("BTC")
    {'symbol': 'BTC/USDT', 'price': 1.5}
    >>> isinstance(cache, Cache), cache.clear()
    (True, 1)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload, runtime_checkable

from pydantic import BaseModel

from tradai.common._cache_core import (
    DEFAULT_MAX_VALUE_BYTES,
    DEFAULT_PREFIX,
    DEFAULT_TTL,
    MAX_TTL,
    validate_cache_key,
)
from tradai.common._cache_memory import DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES, InMemoryCache
from tradai.common._lazy import lazy_exports

if TYPE_CHECKING:
    from tradai.common._cache_redis import OnError, RedisCache
    from tradai.common._cache_redis_client import (
        REDIS_ERROR_MAP,
        RedisSettings,
        create_redis_client,
        translate_redis_error,
    )

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ENTRIES",
    "DEFAULT_MAX_VALUE_BYTES",
    "DEFAULT_PREFIX",
    "DEFAULT_TTL",
    "MAX_TTL",
    "REDIS_ERROR_MAP",
    "Cache",
    "InMemoryCache",
    "OnError",
    "RedisCache",
    "RedisSettings",
    "create_redis_client",
    "translate_redis_error",
    "validate_cache_key",
]

_M = TypeVar("_M", bound=BaseModel)

_EXPORTS = {
    "OnError": "tradai.common._cache_redis",
    "RedisCache": "tradai.common._cache_redis",
    "REDIS_ERROR_MAP": "tradai.common._cache_redis_client",
    "RedisSettings": "tradai.common._cache_redis_client",
    "create_redis_client": "tradai.common._cache_redis_client",
    "translate_redis_error": "tradai.common._cache_redis_client",
}

_getattr, __dir__ = lazy_exports(__name__, _EXPORTS)


def __getattr__(name: str) -> Any:
    """Load the Redis names on first use (they pull in pydantic-settings).

    Args:
        name: The attribute asked for.

    Returns:
        Its value.

    Raises:
        AttributeError: If the module has no such attribute.
    """
    return _getattr(name)


@runtime_checkable
class Cache(Protocol):
    """A TTL cache of JSON data and pydantic models (rules in the module docstring)."""

    @property
    def prefix(self) -> str:
        """The namespace prepended to every key."""
        ...

    @overload
    def get(self, key: str) -> Any: ...
    @overload
    def get(self, key: str, *, model: type[_M]) -> _M | None: ...
    def get(self, key: str, *, model: type[BaseModel] | None = None) -> Any:
        """Return the value, or ``None`` on a miss.

        Args:
            key: The key (without the namespace).
            model: Decode into this pydantic model (a value that does not fit is a miss).

        Returns:
            The value, or ``None``.
        """
        ...

    def set(self, key: str, value: Any, ttl: float | _dt.timedelta | None = None) -> None:
        """Store a value for ``ttl`` (the cache's default when ``None``).

        Args:
            key: The key (without the namespace).
            value: JSON data or a pydantic model.
            ttl: Seconds or a ``timedelta``.
        """
        ...

    def delete(self, key: str) -> bool:
        """Remove a key.

        Args:
            key: The key (without the namespace).

        Returns:
            Whether a value was removed.
        """
        ...

    def exists(self, key: str) -> bool:
        """Tell whether a key holds a value.

        Args:
            key: The key (without the namespace).

        Returns:
            ``True`` if it does.
        """
        ...

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
        """Return the cached value, or compute it once (single flight), store and return it.

        Args:
            key: The key (without the namespace).
            factory: Computes the value on a miss.
            ttl: Seconds or a ``timedelta`` (the cache's default when ``None``).
            model: Decode hits into this model.

        Returns:
            The value.
        """
        ...

    def clear(self, prefix: str | None = None) -> int:
        """Remove the namespace's keys, or those starting with ``prefix``.

        Args:
            prefix: A key prefix; the whole namespace when ``None``.

        Returns:
            How many values were removed.
        """
        ...
