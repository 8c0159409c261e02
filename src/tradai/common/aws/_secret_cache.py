"""The engine of :class:`~tradai.common.aws.secrets_manager.SecretsManagerCache`.

A per-key TTL cache of :class:`~pydantic.SecretStr` values whose misses are *single
flight*: callers that miss at once share one fetch and its outcome. Rules (the public
module documents them for users):

* a value lives ``ttl * (1 - jitter * rng())`` after it was fetched;
* a failed refetch with an :class:`~tradai.common.exceptions.ExternalServiceError` keeps
  serving the expired value until ``expires_at + max_stale``, refetching at most every
  ``backoff``; any other error, or that bound passed, drops an expired value (fail closed);
* fetches of one key never overlap (a new one starts only after the last one landed), so
  the latest fetch always wins;
* every fetch takes a ticket when it starts; :meth:`SingleFlightCache.refresh` only accepts a
  fetch (in flight or just finished) that started after it was called, so a rotation made
  before the call is seen and concurrent refreshes still share fetches.

Locks: one for the entry table and tickets, one per key (held briefly, never during a
fetch); the per-key lock is always taken first.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from pydantic import SecretStr

from tradai.common.exceptions import ExternalServiceError
from tradai.common.protocols import Clock

__all__ = ["SingleFlightCache"]

_LOG = logging.getLogger("tradai.common.aws.secrets_manager")


@dataclass(frozen=True, slots=True)
class _Cached:
    value: SecretStr
    expires_at: _dt.datetime
    retry_at: _dt.datetime  # while serving stale: no refetch before this


_PENDING = ExternalServiceError("secret fetch did not finish", service="secretsmanager")


class _Flight:
    """One fetch that several callers wait on."""

    __slots__ = ("done", "outcome", "stale", "ticket")

    def __init__(self, ticket: int) -> None:
        self.ticket = ticket
        self.done = threading.Event()
        self.outcome: SecretStr | BaseException = _PENDING
        self.stale: SecretStr | None = None

    def result(self, *, allow_stale: bool) -> SecretStr:
        self.done.wait()
        if isinstance(self.outcome, SecretStr):
            return self.outcome
        if allow_stale and self.stale is not None:
            return self.stale
        raise self.outcome


class _Entry:
    __slots__ = ("cached", "flight", "landed", "lock", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.lock = threading.Lock()
        self.cached: _Cached | None = None
        self.flight: _Flight | None = None  # in progress
        self.landed: _Flight | None = None  # the latest finished


class SingleFlightCache:
    """Per-key TTL cache with single-flight misses, stale-while-error and forced refresh.

    Args:
        fetch: Reads a key's current value (raises on failure).
        ttl: Lifetime of a fetched value.
        jitter: Fraction by which each lifetime is randomly shortened.
        max_stale: How long past its lifetime a value may be served while fetching fails
            with an :class:`ExternalServiceError`.
        backoff: Minimum wait between refetches while serving stale.
        clock: Time source.
        rng: Returns floats in [0, 1).
    """

    def __init__(
        self,
        fetch: Callable[[str], SecretStr],
        *,
        ttl: _dt.timedelta,
        jitter: float,
        max_stale: _dt.timedelta,
        backoff: _dt.timedelta,
        clock: Clock,
        rng: Callable[[], float],
    ) -> None:
        self._fetch = fetch
        self._ttl, self._jitter, self._max_stale, self._backoff = ttl, jitter, max_stale, backoff
        self._clock, self._rng = clock, rng
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._tickets = itertools.count(1)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, name: str) -> SecretStr:
        """Return the cached value, or fetch it (once, for every concurrent caller).

        Args:
            name: The key.

        Returns:
            The value, possibly stale (see the module rules).
        """
        entry = self._entry(name)
        with entry.lock:
            usable = self._usable(entry.cached, self._clock.now())
            if usable is not None:
                return usable
            flight, lead = self._claim(entry)
        if lead:
            self._fly(entry, flight)
        return flight.result(allow_stale=True)

    def refresh(self, name: str) -> None:
        """Fetch now; share only a fetch that started after this call. Never serves stale.

        Args:
            name: The key.
        """
        entry = self._entry(name)
        asked = self._ticket()
        while True:
            with entry.lock:
                landed = entry.landed
                if landed is not None and landed.ticket > asked:
                    flight, lead = landed, False  # finished after we asked: good enough
                else:
                    flight, lead = self._claim(entry)
            if lead:
                self._fly(entry, flight)
            flight.done.wait()
            if flight.ticket > asked:  # else it began before we asked: start our own
                flight.result(allow_stale=False)
                return

    def invalidate(self, name: str | None = None) -> None:
        """Forget one key, or every key.

        Args:
            name: The key; all keys when omitted.
        """
        with self._lock:
            if name is None:
                self._entries.clear()
            else:
                self._entries.pop(name, None)

    def _ticket(self) -> int:
        with self._lock:
            return next(self._tickets)

    def _entry(self, name: str) -> _Entry:
        with self._lock:
            entry = self._entries.get(name)
            if entry is None:
                entry = self._entries[name] = _Entry(name)
            return entry

    def _claim(self, entry: _Entry) -> tuple[_Flight, bool]:
        # Called with entry.lock held: join the fetch in progress or lead a new one.
        if entry.flight is not None:
            return entry.flight, False
        entry.flight = _Flight(self._ticket())
        return entry.flight, True

    def _usable(self, cached: _Cached | None, now: _dt.datetime) -> SecretStr | None:
        if cached is None:
            return None
        if now < cached.expires_at:
            return cached.value
        if now < cached.retry_at and now <= cached.expires_at + self._max_stale:
            return cached.value
        return None

    def _fly(self, entry: _Entry, flight: _Flight) -> None:
        try:
            outcome: SecretStr | BaseException = self._fetch(entry.name)
        except BaseException as exc:  # handed to every waiter; each re-raises it
            outcome = exc
        with entry.lock:
            flight.outcome = outcome
            if isinstance(outcome, SecretStr):
                self._store(entry, outcome)
            else:
                self._fail(entry, flight, outcome)
            entry.flight, entry.landed = None, flight
        flight.done.set()

    def _store(self, entry: _Entry, value: SecretStr) -> None:
        expires = self._clock.now() + self._ttl * (1.0 - self._jitter * self._rng())
        entry.cached = _Cached(value, expires, expires)

    def _fail(self, entry: _Entry, flight: _Flight, error: BaseException) -> None:
        cached, now = entry.cached, self._clock.now()
        if cached is None or now < cached.expires_at:
            return  # a fresh value stays; only the refresh that failed sees the error
        if isinstance(error, ExternalServiceError) and now <= cached.expires_at + self._max_stale:
            entry.cached = replace(cached, retry_at=now + self._backoff)
            flight.stale = cached.value
            _LOG.warning(
                "serving secret %r past its TTL: refresh failed with %s",
                entry.name,
                type(error).__name__,
                extra={"secret_name": entry.name, "expired_at": cached.expires_at.isoformat()},
            )
        else:
            entry.cached = None  # fail closed: an expired value is no longer served
            _LOG.error(
                "secret %r expired and could not be refreshed (%s)",
                entry.name,
                type(error).__name__,
            )
