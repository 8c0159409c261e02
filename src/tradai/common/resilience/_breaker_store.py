"""Where a circuit breaker keeps its state: the port and its in-memory implementation.

A store holds, per breaker name, the state (``closed``/``open``/``half_open``), the count
of consecutive failures, when it opened, the probe token's lease and a *generation*
number. Every store operation is atomic. The generation is bumped by every transition and
by every probe grant; a call's outcome is reported with the generation it was admitted
under and is ignored when that generation is no longer current, so a slow call that
started before the breaker opened (or a probe whose lease ran out) cannot decide the
state. In ``half_open`` the probe is the only call holding the current generation, which
is what makes the probe *exactly one*.

:class:`InMemoryBreakerStore` is the default (one per breaker, or shared by name between
breakers of one process); :class:`~tradai.common.resilience.redis_store.RedisBreakerStore`
shares the state between processes. One contract suite runs against both.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = [
    "Admission",
    "BreakerParams",
    "BreakerSnapshot",
    "BreakerStore",
    "CircuitState",
    "InMemoryBreakerStore",
    "Transition",
]


class CircuitState(str, enum.Enum):
    """The state of a circuit breaker."""

    CLOSED = "closed"
    """Calls run; consecutive failures are counted."""
    OPEN = "open"
    """Calls fail fast until the recovery timeout has passed."""
    HALF_OPEN = "half_open"
    """Exactly one probe call runs; its outcome closes or re-opens the breaker."""


@dataclass(frozen=True, slots=True)
class BreakerParams:
    """The thresholds a store applies (they belong to the breaker, not to the store).

    Args:
        failure_threshold: Consecutive failures that open the breaker.
        recovery_timeout: Seconds the breaker stays open before a probe may run.
        probe_lease: Seconds a probe holds its token; after that another call may probe.
    """

    failure_threshold: int
    recovery_timeout: float
    probe_lease: float


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of state made by a store operation.

    Args:
        old: The state before.
        new: The state after.
    """

    old: CircuitState
    new: CircuitState


@dataclass(frozen=True, slots=True)
class Admission:
    """A store's answer to "may this call run?".

    Args:
        allowed: Whether the call may run.
        probe: Whether the call is the half-open probe.
        generation: The generation to report the call's outcome with.
        state: The state after the decision.
        failures: Consecutive failures counted so far.
        remaining: When refused, seconds until a probe may run.
        transition: The change of state the admission made (``open`` → ``half_open``).
    """

    allowed: bool
    probe: bool
    generation: int
    state: CircuitState
    failures: int = 0
    remaining: float = 0.0
    transition: Transition | None = None


@dataclass(frozen=True, slots=True)
class BreakerSnapshot:
    """A read-only view of a breaker's stored state.

    Args:
        state: The current state.
        failures: Consecutive failures counted.
        opened_at: When it last opened, in the store's clock (``None`` if never).
        generation: The current generation.
        probe_in_flight: Whether a probe holds an unexpired token.
    """

    state: CircuitState
    failures: int
    opened_at: float | None
    generation: int
    probe_in_flight: bool


@runtime_checkable
class BreakerStore(Protocol):
    """The port of a circuit breaker's state (see the module docs for the rules)."""

    @property
    def blocking(self) -> bool:
        """Whether operations do I/O (async breakers then run them in a worker thread)."""
        ...

    def admit(self, name: str, params: BreakerParams) -> Admission:
        """Decide whether a call may run; in ``open`` past the timeout, grant the probe."""
        ...

    def record_success(
        self, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        """Report a success (or an excluded exception): resets failures, closes after a probe."""
        ...

    def record_failure(
        self, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        """Report a failure: counts it, opens at the threshold, re-opens after a probe."""
        ...

    def release_probe(self, name: str, generation: int) -> None:
        """Give back a probe token without an outcome (the probe was cancelled)."""
        ...

    def snapshot(self, name: str) -> BreakerSnapshot:
        """Return the stored state."""
        ...

    def reset(self, name: str) -> Transition | None:
        """Force ``closed`` with no failures counted."""
        ...

    def force_open(self, name: str) -> Transition | None:
        """Force ``open`` now (a probe may run after the recovery timeout)."""
        ...


class BreakerSlot:
    """The state of one breaker name in an :class:`InMemoryBreakerStore`.

    Breakers read ``state``, ``generation`` and ``failures`` without the lock on their
    ``closed`` fast path (single attribute loads are atomic); every write holds the
    store's lock.
    """

    __slots__ = ("failures", "generation", "opened_at", "probe_until", "state")

    def __init__(self) -> None:
        self.state = CircuitState.CLOSED
        self.failures = 0
        self.generation = 0
        self.opened_at: float | None = None
        self.probe_until = 0.0


_CLOSED, _OPEN, _HALF_OPEN = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN


class InMemoryBreakerStore:
    """Breaker state in this process's memory (thread-safe; the default store).

    Args:
        clock: Monotonic seconds (inject a fake in tests).

    Example:
        >>> store = InMemoryBreakerStore()
        >>> params = BreakerParams(failure_threshold=1, recovery_timeout=30, probe_lease=60)
        >>> store.record_failure("svc", params, generation=0)
        Transition(old=<CircuitState.CLOSED: 'closed'>, new=<CircuitState.OPEN: 'open'>)
    """

    __slots__ = ("_clock", "_lock", "_slots")

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: dict[str, BreakerSlot] = {}

    @property
    def blocking(self) -> bool:
        """Always ``False``: operations only touch memory."""
        return False

    def slot(self, name: str) -> BreakerSlot:
        """Return the live state object of ``name`` (created closed on first use).

        Args:
            name: The breaker's name.

        Returns:
            The slot; read it, never write it (writes go through the store's methods).
        """
        with self._lock:
            return self._slot(name)

    def _slot(self, name: str) -> BreakerSlot:
        slot = self._slots.get(name)
        if slot is None:
            slot = self._slots[name] = BreakerSlot()
        return slot

    def admit(self, name: str, params: BreakerParams) -> Admission:
        """Decide whether a call may run (see :class:`BreakerStore`).

        Args:
            name: The breaker's name.
            params: The breaker's thresholds.

        Returns:
            The decision.
        """
        with self._lock:
            s = self._slot(name)
            if s.state is _CLOSED:
                return Admission(True, False, s.generation, _CLOSED, s.failures)
            now = self._clock()
            if s.state is _OPEN:
                remaining = (s.opened_at or 0.0) + params.recovery_timeout - now
                if remaining > 0:
                    return Admission(False, False, s.generation, _OPEN, s.failures, remaining)
                s.state = _HALF_OPEN
                transition: Transition | None = Transition(_OPEN, _HALF_OPEN)
            elif s.probe_until > now:
                remaining = s.probe_until - now
                return Admission(False, False, s.generation, _HALF_OPEN, s.failures, remaining)
            else:
                transition = None
            s.generation += 1
            s.probe_until = now + params.probe_lease
            return Admission(True, True, s.generation, _HALF_OPEN, s.failures, 0.0, transition)

    def record_success(
        self, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        """Report a success (see :class:`BreakerStore`).

        Args:
            name: The breaker's name.
            params: The breaker's thresholds.
            generation: The generation the call was admitted under.

        Returns:
            ``half_open`` → ``closed`` after a successful probe, else ``None``.
        """
        with self._lock:
            s = self._slot(name)
            if s.generation != generation:
                return None
            if s.state is _HALF_OPEN:
                self._close(s)
                return Transition(_HALF_OPEN, _CLOSED)
            if s.state is _CLOSED:
                s.failures = 0
            return None

    def record_failure(
        self, name: str, params: BreakerParams, generation: int
    ) -> Transition | None:
        """Report a failure (see :class:`BreakerStore`).

        Args:
            name: The breaker's name.
            params: The breaker's thresholds.
            generation: The generation the call was admitted under.

        Returns:
            The transition to ``open``, if this failure caused one.
        """
        with self._lock:
            s = self._slot(name)
            if s.generation != generation or s.state is _OPEN:
                return None
            s.failures += 1
            if s.state is _CLOSED and s.failures < params.failure_threshold:
                return None
            old = s.state
            self._open(s)
            return Transition(old, _OPEN)

    def release_probe(self, name: str, generation: int) -> None:
        """Give back a probe token (see :class:`BreakerStore`).

        Args:
            name: The breaker's name.
            generation: The generation the probe was admitted under.
        """
        with self._lock:
            s = self._slot(name)
            if s.state is _HALF_OPEN and s.generation == generation:
                s.probe_until = 0.0

    def snapshot(self, name: str) -> BreakerSnapshot:
        """Return the stored state of ``name``.

        Args:
            name: The breaker's name.

        Returns:
            A snapshot.
        """
        with self._lock:
            s = self._slot(name)
            in_flight = s.state is _HALF_OPEN and s.probe_until > self._clock()
            return BreakerSnapshot(s.state, s.failures, s.opened_at, s.generation, in_flight)

    def reset(self, name: str) -> Transition | None:
        """Force ``closed`` (see :class:`BreakerStore`).

        Args:
            name: The breaker's name.

        Returns:
            The transition, unless it was already closed.
        """
        with self._lock:
            s = self._slot(name)
            old = s.state
            self._close(s)
            return None if old is _CLOSED else Transition(old, _CLOSED)

    def force_open(self, name: str) -> Transition | None:
        """Force ``open`` now (see :class:`BreakerStore`).

        Args:
            name: The breaker's name.

        Returns:
            The transition, unless it was already open.
        """
        with self._lock:
            s = self._slot(name)
            old = s.state
            self._open(s)
            return None if old is _OPEN else Transition(old, _OPEN)

    def _open(self, s: BreakerSlot) -> None:
        s.generation += 1
        s.opened_at = self._clock()
        s.probe_until = 0.0
        s.state = _OPEN

    @staticmethod
    def _close(s: BreakerSlot) -> None:
        s.generation += 1
        s.failures = 0
        s.probe_until = 0.0
        s.state = _CLOSED
