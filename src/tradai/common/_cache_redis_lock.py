"""Cross-process single flight for :class:`~tradai.common.cache.RedisCache`: a lock per key.

Private module. The protocol, for one key whose value is missing:

1. ``SET <key>|lock <token> NX PX <lock_ttl>``; the winner re-reads the key (another
   process may just have filled it), runs the factory, stores the value, then releases the
   lock with a Lua check-and-delete (only if the lock still holds its own token, so a lock
   that expired and was taken by another process is left alone);
2. the others poll: read the key, try the lock again, sleep with exponential backoff
   (5 ms doubling up to 100 ms), until the value appears, they win the lock, or
   ``lock_wait`` has passed; then they run the factory themselves (availability over
   strictness) and log a warning;
3. when Redis is unreachable and the cache degrades to misses, the lock is skipped.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections.abc import Callable
from typing import Any, Final

from tradai.common._cache_core import MISSING
from tradai.common.exceptions import ValidationError

__all__ = ["LOCK_SUFFIX", "UNAVAILABLE", "FillLock", "positive_seconds"]

_LOG = logging.getLogger("tradai.common.cache")

#: Appended to a namespaced key to name its lock (``|`` never occurs in a valid key).
LOCK_SUFFIX: Final = "|lock"
#: What the cache's guard returns for a Redis call that failed and degraded to a miss.
UNAVAILABLE: Final = object()

_POLL_FIRST: Final = 0.005
_POLL_CAP: Final = 0.1
_RELEASE_LUA: Final = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""

Guard = Callable[[str, "str | None", Callable[[], Any], Any], Any]


def positive_seconds(value: float, field: str) -> float:
    """Check a duration argument.

    Args:
        value: Seconds.
        field: The argument name to report.

    Returns:
        The value as a float.

    Raises:
        ValidationError: If it is not a finite number above zero (``bool`` is refused).
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(f"{field} must be a number of seconds", field=field)
    if not (math.isfinite(value) and value > 0):
        raise ValidationError(f"{field} must be finite and above zero", field=field)
    return float(value)


class FillLock:
    """Makes the processes sharing one Redis fill a missing key once (see module rules).

    Args:
        client: The redis-py client.
        guard: The cache's ``guard(operation, key, call, fallback)`` (error policy).
        errors: The redis exception roots (a failed release is only logged).
        ttl: How long a lock lives (seconds); bounds a crashed holder's effect.
        wait: How long a process waits for another to fill the key (seconds).
        sleep: Sleeps between polls (injectable for tests).
        monotonic: Time source for the wait bound (injectable for tests).
    """

    def __init__(
        self,
        client: Any,
        *,
        guard: Guard,
        errors: tuple[type[Exception], ...],
        ttl: float,
        wait: float,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._guard = guard
        self._errors = errors
        self._ttl_ms = max(1, math.ceil(positive_seconds(ttl, "lock_ttl") * 1000))
        self._wait = positive_seconds(wait, "lock_wait")
        self._sleep, self._monotonic = sleep, monotonic
        self._release_script = client.register_script(_RELEASE_LUA)

    def fill(self, full: str, key: str, read: Callable[[], Any], compute: Callable[[], Any]) -> Any:
        """Return the key's value: computed here under the lock, or by whoever holds it.

        Args:
            full: The namespaced key.
            key: The caller's key (for logs and errors).
            read: Reads the value (``MISSING`` on a miss).
            compute: Runs the factory, stores and returns its value.

        Returns:
            The value.
        """
        lock_key = full + LOCK_SUFFIX
        deadline = self._monotonic() + self._wait
        delay = _POLL_FIRST
        while True:
            token = self._acquire(lock_key, key)
            if token is not None:
                return self._run_locked(lock_key, token, read, compute)
            found = read()
            if found is not MISSING:
                return found
            remaining = deadline - self._monotonic()
            if remaining <= 0:
                _LOG.warning(
                    "waited %.3g s for another process to fill cache key %r; computing it here",
                    self._wait,
                    key,
                )
                return compute()
            self._sleep(min(delay, remaining))
            delay = min(delay * 2, _POLL_CAP)

    def _acquire(self, lock_key: str, key: str) -> str | None:
        # A token: we hold the lock; "": Redis is down (go on unlocked); None: held elsewhere.
        token = secrets.token_hex(16)

        def attempt() -> Any:
            return self._client.set(lock_key, token, nx=True, px=self._ttl_ms)

        won = self._guard("SET", key, attempt, UNAVAILABLE)
        if won is UNAVAILABLE:
            return ""
        return token if won else None

    def _run_locked(
        self, lock_key: str, token: str, read: Callable[[], Any], compute: Callable[[], Any]
    ) -> Any:
        if not token:
            return compute()
        try:
            found = read()  # filled by another process between our read and our lock?
            return found if found is not MISSING else compute()
        finally:
            self._release(lock_key, token)

    def _release(self, lock_key: str, token: str) -> None:
        try:
            self._release_script(keys=[lock_key], args=[token])
        except self._errors as exc:  # the lock expires by itself after lock_ttl
            _LOG.warning(
                "could not release cache lock %r (%s); it expires in %d ms",
                lock_key,
                type(exc).__name__,
                self._ttl_ms,
            )
