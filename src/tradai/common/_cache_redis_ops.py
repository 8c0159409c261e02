"""Helpers of :class:`~tradai.common.cache.RedisCache`: outage logging and prefix deletes.

Private module.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Final

from tradai.common._cache_redis_lock import LOCK_SUFFIX

__all__ = ["Outage", "glob_escape", "unlink_matching"]

_LOG = logging.getLogger("tradai.common.cache")
_SCAN_BATCH: Final = 500
_GLOB_SPECIAL: Final = frozenset("*?[]\\")


def glob_escape(text: str) -> str:
    """Escape Redis glob characters so ``text`` matches itself in ``SCAN MATCH``.

    Args:
        text: Literal text.

    Returns:
        The escaped pattern.

    Example:
        >>> glob_escape("a*b?")
        'a\\\\*b\\\\?'
    """
    return "".join("\\" + ch if ch in _GLOB_SPECIAL else ch for ch in text)


def _is_lock(raw: bytes | str) -> bool:
    name = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    return name.endswith(LOCK_SUFFIX)


def unlink_matching(client: Any, pattern: str) -> int:
    """Delete the keys matching ``pattern`` with ``SCAN`` + ``UNLINK`` (never ``KEYS``).

    Keys naming a ``get_or_set`` lock are left alone.

    Args:
        client: A redis-py client.
        pattern: A ``SCAN MATCH`` pattern.

    Returns:
        How many keys were removed.
    """
    removed = 0
    batch: list[Any] = []
    for raw in client.scan_iter(match=pattern, count=_SCAN_BATCH):
        if _is_lock(raw):
            continue
        batch.append(raw)
        if len(batch) >= _SCAN_BATCH:
            removed += int(client.unlink(*batch))
            batch = []
    if batch:
        removed += int(client.unlink(*batch))
    return removed


class Outage:
    """Logs the first failure of an outage as a warning, the rest at debug level."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down = False

    def failed(self, operation: str, key: str | None, error: Exception) -> None:
        """Record a failed call.

        Args:
            operation: The Redis command.
            key: The cache key it was about, if any.
            error: The translated error.
        """
        with self._lock:
            first, self._down = not self._down, True
        _LOG.log(
            logging.WARNING if first else logging.DEBUG,
            "redis %s failed (%s); the cache degrades to a miss",
            operation,
            error,
            extra={"cache_key": key, "error_type": type(error).__name__},
        )

    def recovered(self) -> None:
        """Record a successful call (logs once when an outage ends)."""
        with self._lock:  # uncontended in practice; costs far less than the round trip
            was_down, self._down = self._down, False
        if was_down:
            _LOG.info("redis is reachable again; the cache is back")
