"""The in-memory cache: :class:`InMemoryCache`.

Private module; :class:`InMemoryCache` is re-exported by :mod:`tradai.common.cache` (its
public path, whose docstring states the rules shared with the Redis backend).
"""

from __future__ import annotations

import datetime as _dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, TypeVar, overload

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
from tradai.common.exceptions import ValidationError
from tradai.common.protocols import Clock, SystemClock

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_ENTRIES", "InMemoryCache"]

_M = TypeVar("_M", bound=BaseModel)
_LOG = logging.getLogger("tradai.common.cache")

#: How many entries an :class:`InMemoryCache` holds unless told otherwise.
DEFAULT_MAX_ENTRIES: Final = 10_000
#: How many bytes (keys plus encoded values) it holds unless told otherwise (64 MiB).
DEFAULT_MAX_BYTES: Final = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Entry:
    data: bytes
    expires_at: _dt.datetime
    size: int


class InMemoryCache:
    """A thread-safe, bounded, in-process TTL cache; the twin of :class:`RedisCache`.

    Entries expire ``ttl`` after they were set (by the injected clock) and the least
    recently used ones are evicted when ``max_entries`` or ``max_bytes`` would be
    exceeded. Values are stored encoded, exactly as Redis stores them, so both backends
    accept, refuse and return the same things.

    Args:
        prefix: Namespace of every key (validated like a key).
        default_ttl: TTL of values set without one (seconds or ``timedelta``).
        max_entries: Most entries held.
        max_bytes: Most bytes held (keys plus encoded values).
        max_value_bytes: Largest encoded value accepted (at most ``max_bytes``).
        clock: Time source (default: the system clock).

    Raises:
        ValidationError: If an argument is out of range.

    Example:
        >>> cache = InMemoryCache(prefix="docs:")
        >>> cache.set("answer", {"value": 42}, ttl=60)
        >>> cache.get("answer")
        {'value': 42}
        >>> cache.get_or_set("answer", lambda: {"value": 0})
        {'value': 42}
        >>> cache.get("question") is None
        True
    """

    def __init__(
        self,
        *,
        prefix: str = DEFAULT_PREFIX,
        default_ttl: float | _dt.timedelta = DEFAULT_TTL,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
        clock: Clock | None = None,
    ) -> None:
        self._prefix = validate_cache_key(prefix, field="prefix")
        self._default_ms = default_ttl_ms(default_ttl)
        self._max_entries = positive_int(max_entries, "max_entries")
        self._max_bytes = positive_int(max_bytes, "max_bytes")
        self._max_value_bytes = positive_int(max_value_bytes, "max_value_bytes")
        if self._max_value_bytes > self._max_bytes:
            raise ValidationError("max_value_bytes must not exceed max_bytes", field="max_bytes")
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._bytes = 0
        self._flights = SingleFlight()

    @property
    def prefix(self) -> str:
        """The namespace prepended to every key."""
        return self._prefix

    def __repr__(self) -> str:
        return f"InMemoryCache(prefix={self._prefix!r}, max_entries={self._max_entries})"

    def __len__(self) -> int:
        """Return how many unexpired entries the cache holds."""
        now = self._clock.now()
        with self._lock:
            for full in [k for k, e in self._entries.items() if now >= e.expires_at]:
                self._remove(full)
            return len(self._entries)

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
            The value, or ``None`` on a miss (use :meth:`exists` to tell a cached ``None``).

        Raises:
            ValidationError: If the key is invalid.
        """
        found = self._lookup(self._full(key), model)
        return None if found is MISSING else found

    def set(self, key: str, value: Any, ttl: float | _dt.timedelta | None = None) -> None:
        """Store a value (replacing any other, with a new TTL).

        Args:
            key: The key (without the namespace).
            value: JSON data or a pydantic model.
            ttl: Seconds or ``timedelta``; the cache's ``default_ttl`` when ``None``.

        Raises:
            ValidationError: If the key, value or TTL is invalid (nothing is stored).
        """
        full = self._full(key)
        ms = ttl_to_ms(ttl, default_ms=self._default_ms)
        self._store(full, encode_value(value, max_bytes=self._max_value_bytes), ms)

    def delete(self, key: str) -> bool:
        """Remove a key.

        Args:
            key: The key (without the namespace).

        Returns:
            Whether an unexpired value was removed.

        Raises:
            ValidationError: If the key is invalid.
        """
        full = self._full(key)
        now = self._clock.now()
        with self._lock:
            entry = self._entries.get(full)
            if entry is None:
                return False
            self._remove(full)
            return now < entry.expires_at

    def exists(self, key: str) -> bool:
        """Tell whether a key holds an unexpired value.

        Args:
            key: The key (without the namespace).

        Returns:
            ``True`` if it does.

        Raises:
            ValidationError: If the key is invalid.
        """
        return self._live(self._full(key)) is not None

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

        Args:
            key: The key (without the namespace).
            factory: Computes the value on a miss; concurrent missers share one call.
            ttl: Seconds or ``timedelta``; the cache's ``default_ttl`` when ``None``.
            model: Decode hits into this model; the factory's result is validated into it.

        Returns:
            The cached value, or the factory's result.

        Raises:
            ValidationError: If the key, TTL or the factory's result is invalid.
            Exception: Whatever the factory raised (nothing is stored).
        """
        full = self._full(key)
        ms = ttl_to_ms(ttl, default_ms=self._default_ms)
        found = self._lookup(full, model)
        if found is not MISSING:
            return found
        return self._flights.do(full, lambda: self._fill(full, factory, ms, model))

    def clear(self, prefix: str | None = None) -> int:
        """Remove every key of this cache's namespace, or those starting with ``prefix``.

        Args:
            prefix: A key prefix (validated like a key); the whole namespace when ``None``.

        Returns:
            How many unexpired values were removed.

        Raises:
            ValidationError: If the prefix is invalid.
        """
        start = self._prefix + (
            "" if prefix is None else validate_cache_key(prefix, field="prefix")
        )
        now = self._clock.now()
        with self._lock:
            doomed = [full for full in self._entries if full.startswith(start)]
            live = sum(1 for full in doomed if now < self._entries[full].expires_at)
            for full in doomed:
                self._remove(full)
        return live

    def _full(self, key: str) -> str:
        return self._prefix + validate_cache_key(key)

    def _live(self, full: str) -> _Entry | None:
        now = self._clock.now()
        with self._lock:
            entry = self._entries.get(full)
            if entry is None:
                return None
            if now >= entry.expires_at:
                self._remove(full)
                return None
            self._entries.move_to_end(full)
            return entry

    def _lookup(self, full: str, model: type[BaseModel] | None) -> Any:
        entry = self._live(full)
        if entry is None:
            return MISSING
        try:
            return decode_value(entry.data, model)
        except ValueError:
            _LOG.warning(
                "cached value of %r does not fit %s; treated as a miss",
                full,
                getattr(model, "__name__", "JSON"),
            )
            return MISSING

    def _fill(
        self, full: str, factory: Callable[[], Any], ms: int, model: type[BaseModel] | None
    ) -> Any:
        found = self._lookup(full, model)  # a flight that just landed may have filled it
        if found is not MISSING:
            return found
        value = coerce_result(factory(), model)
        self._store(full, encode_value(value, max_bytes=self._max_value_bytes), ms)
        return value

    def _store(self, full: str, data: bytes, ms: int) -> None:
        entry = _Entry(
            data, self._clock.now() + _dt.timedelta(milliseconds=ms), len(full) + len(data)
        )
        with self._lock:
            if full in self._entries:
                self._remove(full)
            self._entries[full] = entry
            self._bytes += entry.size
            while self._entries and (
                len(self._entries) > self._max_entries or self._bytes > self._max_bytes
            ):
                self._remove(next(iter(self._entries)))

    def _remove(self, full: str) -> None:
        # Called with self._lock held.
        self._bytes -= self._entries.pop(full).size
