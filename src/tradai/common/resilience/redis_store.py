"""A circuit-breaker state store in Redis, so several processes share one breaker.

Every operation is one Lua script (atomic on the server): state, failure count,
``opened_at`` and the probe token live in one hash per breaker name, so two processes
never both get the half-open probe. Times are the store's *wall clock* (``time.time``
by default, sent with each call so a test clock works); recovery timeouts are seconds and
NTP-synchronised hosts agree to milliseconds, which is plenty.

Cost: every guarded call makes one round trip (``EVALSHA`` of the admission script;
about 0.1 ms on loopback), plus one more to report a failure, a probe's outcome or the
success that resets a non-zero failure count. Use it for calls that are themselves
network calls; the in-memory store's success path costs about 0.15 µs.

When Redis cannot be reached (``RedisError``), ``on_error`` decides, and Redis is not
tried again for ``retry_interval`` seconds (so a dead Redis costs one timeout, not one per
call):

* ``StoreFailurePolicy.LOCAL`` (default): fall back to a per-process in-memory breaker;
  outcomes of calls it admitted are reported to it even after Redis is back.
* ``StoreFailurePolicy.ALLOW``: let every call through unguarded.
* ``StoreFailurePolicy.REJECT``: refuse calls with
  :class:`~tradai.common.exceptions.ExternalServiceError` (``snapshot`` reports ``open``).

Outcome reports never raise. :meth:`RedisBreakerStore.reset` and
:meth:`RedisBreakerStore.force_open` always try Redis and raise
:class:`~tradai.common.exceptions.ExternalServiceError` if it is down (an operator must
know the override did not land). The Redis client comes from ``client=``, else ``url=``,
else the ``REDIS_URL`` environment variable; no connection is made until the first call.

Example (not run here; needs Redis)::

    store = RedisBreakerStore(url="redis://localhost:6379/0")
    breaker = CircuitBreaker("mlflow", store=store)   # same name in every process
"""

from __future__ import annotations

import enum
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from tradai.common._lazy import require
from tradai.common._redaction import scrub_text
from tradai.common.exceptions import ConfigurationError, ExternalServiceError, ValidationError
from tradai.common.resilience import _redis_scripts as lua
from tradai.common.resilience._breaker_store import (
    Admission,
    BreakerParams,
    BreakerSnapshot,
    CircuitState,
    InMemoryBreakerStore,
    Transition,
)

__all__ = ["RedisBreakerStore", "StoreFailurePolicy"]

_LOG = logging.getLogger("tradai.common.resilience")
_ALLOW_GENERATION = -1  # admissions made while failing open; their outcomes are dropped


class StoreFailurePolicy(str, enum.Enum):
    """What a breaker does while its Redis store is unreachable."""

    LOCAL = "local"
    """Fall back to a per-process in-memory breaker (the default)."""
    ALLOW = "allow"
    """Let every call through unguarded."""
    REJECT = "reject"
    """Refuse every call with ExternalServiceError."""


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _transition(reply: Sequence[Any]) -> Transition | None:
    old = _text(reply[1])
    return Transition(CircuitState(old), CircuitState(_text(reply[0]))) if old else None


def _to_local(generation: int) -> int:
    # Fallback admissions carry generation -(g + 2) so their outcomes find the fallback.
    return -(generation + 2)


class RedisBreakerStore:
    """Breaker state shared through Redis (see the module docs).

    Args:
        client: A ``redis.Redis`` client (not closed by :meth:`close`).
        url: A Redis URL, used when ``client`` is not given (``REDIS_URL`` otherwise).
        key_prefix: Prefix of the hash keys (``<prefix><breaker name>``).
        on_error: What to do while Redis is unreachable.
        retry_interval: Seconds to wait before trying an unreachable Redis again.
        key_ttl: Seconds an unused breaker's hash survives.
        socket_timeout: Connect/read timeout of a client built from a URL, in seconds.
        clock: Wall-clock seconds shared by all processes (inject a fake in tests).

    Raises:
        ConfigurationError: If no client, URL or ``REDIS_URL`` is available.
        ValidationError: If a number is out of range.
        MissingDependencyError: If redis-py is not installed (extra ``cache``).
    """

    def __init__(
        self,
        client: Any | None = None,
        *,
        url: str | None = None,
        key_prefix: str = "tradai:breaker:",
        on_error: StoreFailurePolicy | str = StoreFailurePolicy.LOCAL,
        retry_interval: float = 5.0,
        key_ttl: int = 86_400,
        socket_timeout: float = 0.5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        for field, value in (
            ("retry_interval", retry_interval),
            ("socket_timeout", socket_timeout),
        ):
            if not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValidationError(f"{field} must be a positive number of seconds", field=field)
        if not isinstance(key_ttl, int) or isinstance(key_ttl, bool) or key_ttl < 1:
            raise ValidationError("key_ttl must be a positive integer", field="key_ttl")
        try:
            policy = StoreFailurePolicy(on_error)
        except ValueError as exc:
            raise ValidationError(
                "on_error must be 'local', 'allow' or 'reject'", field="on_error"
            ) from exc
        redis = require("redis", extra="cache")
        self._owns_client = client is None
        if client is None:
            client = self._client_from_url(redis, url, socket_timeout)
        self._client = client
        self._errors: tuple[type[BaseException], ...] = (redis.exceptions.RedisError,)
        self._prefix = key_prefix
        self._policy = policy
        self._retry_interval = float(retry_interval)
        self._ttl = key_ttl
        self._clock = clock
        self._local = InMemoryBreakerStore()
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._last_error: BaseException | None = None
        self._scripts = {
            name: client.register_script(getattr(lua, name))
            for name in ("ADMIT", "FAILURE", "SUCCESS", "RELEASE", "RESET", "FORCE_OPEN")
        }

    @staticmethod
    def _client_from_url(redis: Any, url: str | None, timeout: float) -> Any:
        url = url or os.environ.get("REDIS_URL")
        if not url:
            raise ConfigurationError(
                "RedisBreakerStore needs client=, url= or the REDIS_URL variable",
                setting="REDIS_URL",
            )
        return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)

    @property
    def blocking(self) -> bool:
        """Always ``True``: every operation is a Redis round trip."""
        return True

    @property
    def on_error(self) -> StoreFailurePolicy:
        """The policy applied while Redis is unreachable."""
        return self._policy

    def __repr__(self) -> str:
        return f"RedisBreakerStore(key_prefix={self._prefix!r}, on_error={self._policy.value!r})"

    def close(self) -> None:
        """Close the client if this store created it."""
        if self._owns_client:
            self._client.close()

    # -- Redis access ---------------------------------------------------------------

    def _eval(self, script: str, name: str, args: Sequence[Any], *, force: bool = False) -> Any:
        """Run a script; ``None`` when Redis is (or was just found) unreachable."""
        if not force and self._down_until and time.monotonic() < self._down_until:
            return None
        try:
            reply = self._scripts[script](keys=[self._prefix + name], args=list(args))
        except self._errors as exc:
            self._mark_down(exc)
            return None
        if self._down_until:
            with self._lock:
                self._down_until = 0.0
            _LOG.warning("breaker state store reachable again")
        return reply

    def _mark_down(self, exc: BaseException) -> None:
        with self._lock:
            if not self._down_until:
                _LOG.warning(
                    "breaker state store unreachable (%s: %s); on_error=%s",
                    type(exc).__name__,
                    scrub_text(str(exc)),
                    self._policy.value,
                )
            self._down_until = time.monotonic() + self._retry_interval
            self._last_error = exc

    @staticmethod
    def _unavailable(operation: str, name: str) -> ExternalServiceError:
        return ExternalServiceError(
            "circuit breaker state store is unavailable",
            service="redis",
            operation=operation,
            context={"breaker": name},
        )

    def _now(self) -> str:
        return repr(float(self._clock()))

    # -- the BreakerStore port ------------------------------------------------------------

    def admit(self, name: str, params: BreakerParams) -> Admission:
        """Decide whether a call may run (atomically, across processes).

        Args:
            name: The breaker's name.
            params: The breaker's thresholds.

        Returns:
            The decision.

        Raises:
            ExternalServiceError: If Redis is unreachable and ``on_error`` is ``REJECT``.
        """
        args = (self._now(), params.recovery_timeout, params.probe_lease, self._ttl)
        reply = self._eval("ADMIT", name, args)
        if reply is not None:
            allowed, probe, gen, state, failures, remaining, old = reply
            current = CircuitState(_text(state))
            return Admission(
                bool(allowed),
                bool(probe),
                int(gen),
                current,
                int(failures),
                float(_text(remaining)),
                Transition(CircuitState(_text(old)), current) if _text(old) else None,
            )
        if self._policy is StoreFailurePolicy.REJECT:
            raise self._unavailable("admit", name) from self._last_error
        if self._policy is StoreFailurePolicy.ALLOW:
            return Admission(True, False, _ALLOW_GENERATION, CircuitState.CLOSED)
        local = self._local.admit(name, params)
        return Admission(
            local.allowed,
            local.probe,
            _to_local(local.generation),
            local.state,
            local.failures,
            local.remaining,
            local.transition,
        )

    def _record(
        self, script: str, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        if generation == _ALLOW_GENERATION:
            return None
        if generation < _ALLOW_GENERATION:
            local = _to_local(generation)
            if script == "FAILURE":
                return self._local.record_failure(name, params, local)
            return self._local.record_success(name, params, local)
        if script == "FAILURE":
            args: tuple[Any, ...] = (self._now(), generation, params.failure_threshold, self._ttl)
        else:
            args = (generation, self._ttl)
        reply = self._eval(script, name, args)
        return None if reply is None else _transition(reply)

    def record_success(
        self, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        """Report a success (never raises).

        Args:
            name: The breaker's name.
            params: The breaker's thresholds.
            generation: The generation the call was admitted under.

        Returns:
            ``half_open`` → ``closed`` after a successful probe, else ``None``.
        """
        return self._record("SUCCESS", name, params, generation)

    def record_failure(
        self, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        """Report a failure (never raises).

        Args:
            name: The breaker's name.
            params: The breaker's thresholds.
            generation: The generation the call was admitted under.

        Returns:
            The transition to ``open``, if this failure caused one.
        """
        return self._record("FAILURE", name, params, generation)

    def release_probe(self, name: str, generation: int) -> None:
        """Give back a probe token (never raises).

        Args:
            name: The breaker's name.
            generation: The generation the probe was admitted under.
        """
        if generation < _ALLOW_GENERATION:
            self._local.release_probe(name, _to_local(generation))
        elif generation > _ALLOW_GENERATION:
            self._eval("RELEASE", name, (generation,))

    def snapshot(self, name: str) -> BreakerSnapshot:
        """Return the stored state (the fallback's view while Redis is unreachable).

        Args:
            name: The breaker's name.

        Returns:
            A snapshot.
        """
        if not (self._down_until and time.monotonic() < self._down_until):
            try:
                return self._read(name)
            except self._errors as exc:
                self._mark_down(exc)
        if self._policy is StoreFailurePolicy.LOCAL:
            return self._local.snapshot(name)
        state = (
            CircuitState.OPEN if self._policy is StoreFailurePolicy.REJECT else CircuitState.CLOSED
        )
        return BreakerSnapshot(state, 0, None, _ALLOW_GENERATION, False)

    def _read(self, name: str) -> BreakerSnapshot:
        fields = ("state", "gen", "failures", "opened_at", "probe_until")
        raw = self._client.hmget(self._prefix + name, fields)
        state, gen, failures, opened_at, probe_until = (
            None if v is None else _text(v) for v in raw
        )
        current = CircuitState(state or "closed")
        in_flight = current is CircuitState.HALF_OPEN and float(probe_until or 0) > self._clock()
        return BreakerSnapshot(
            current,
            int(failures or 0),
            float(opened_at) if opened_at else None,
            int(gen or 0),
            in_flight,
        )

    def _override(self, script: str, name: str, args: Sequence[Any]) -> Transition | None:
        reply = self._eval(script, name, args, force=True)
        if reply is None:
            raise self._unavailable(script.lower(), name) from self._last_error
        return _transition(reply)

    def reset(self, name: str) -> Transition | None:
        """Force ``closed`` for every process.

        Args:
            name: The breaker's name.

        Returns:
            The transition, unless it was already closed.

        Raises:
            ExternalServiceError: If Redis is unreachable.
        """
        self._local.reset(name)
        return self._override("RESET", name, (self._ttl,))

    def force_open(self, name: str) -> Transition | None:
        """Force ``open`` for every process.

        Args:
            name: The breaker's name.

        Returns:
            The transition, unless it was already open.

        Raises:
            ExternalServiceError: If Redis is unreachable.
        """
        return self._override("FORCE_OPEN", name, (self._now(), self._ttl))
