"""Circuit breaker: ``closed`` → ``open`` → ``half_open`` with exactly one probe.

* **closed**: calls run. ``failure_threshold`` consecutive failures open the breaker
  (a success resets the count).
* **open**: calls fail fast with :class:`CircuitOpenError` (carrying the breaker's name
  and the seconds until a probe may run) until ``recovery_timeout`` has passed.
* **half_open**: exactly one call — the *probe* — runs; every other call fails fast. The
  probe's success closes the breaker; its failure re-opens it for another timeout. A probe
  that neither succeeds nor fails within ``probe_timeout`` (a hung call, a process that
  died holding the token) loses its token, and the next call probes instead; a cancelled
  probe gives its token back at once.

Decisions where the brief was silent:

* Only :class:`Exception` subclasses count as failures; an exception in ``excluded``
  counts as a *success* (the dependency answered; the caller's request was wrong), as in
  pybreaker. Cancellation and ``KeyboardInterrupt`` count as nothing.
* No lock is held while the protected call runs. With the default in-memory store the
  ``closed`` path takes no lock at all and reads no clock; the store's lock is taken only
  to record a failure, to reset a non-zero failure count, or outside ``closed``.
* The outcome of a call is reported with the *generation* it was admitted under (see
  :mod:`tradai.common.resilience._breaker_store`), so calls that were already running
  when the state changed cannot flip it later.
* Listeners get a :class:`StateChange` after each transition made *by this process*,
  outside any lock; a listener that raises is logged and ignored.
* ``acall`` shares the very same state as ``call``. A store that does I/O (Redis) is
  consulted from a worker thread so the event loop never blocks.
* ``clock`` (monotonic seconds) is for the default in-memory store; a store you pass
  brings its own clock.

Example:
    >>> breaker = CircuitBreaker("quotes", failure_threshold=2, recovery_timeout=30.0)
    >>> def down() -> None:
    ...     raise ConnectionError("refused")
    >>> for _ in range(2):
    ...     try:
    ...         breaker.call(down)
    ...     except ConnectionError:
    ...         pass
    >>> breaker.state
    <CircuitState.OPEN: 'open'>
    >>> try:
    ...     breaker.call(down)
    ... except CircuitOpenError as err:
    ...     print(err.breaker, err.state)
    quotes open
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from tradai.common.exceptions import ValidationError
from tradai.common.resilience._breaker_store import (
    Admission,
    BreakerParams,
    BreakerSnapshot,
    BreakerStore,
    CircuitState,
    InMemoryBreakerStore,
    Transition,
)
from tradai.common.resilience._breaker_support import (
    StateChange,
    StateListener,
    check_excluded,
    check_positive,
    offload,
)
from tradai.common.resilience._errors import CircuitOpenError
from tradai.common.validators import validate_identifier

__all__ = [
    "Admission",
    "BreakerParams",
    "BreakerSnapshot",
    "BreakerStore",
    "CircuitBreaker",
    "CircuitOpenError",
    "CircuitState",
    "InMemoryBreakerStore",
    "StateChange",
    "StateListener",
    "Transition",
]

_LOG = logging.getLogger("tradai.common.resilience")
_CLOSED = CircuitState.CLOSED
P = ParamSpec("P")
R = TypeVar("R")


class CircuitBreaker:
    """A thread-safe, async-capable circuit breaker (see the module docs).

    Args:
        name: The breaker's name: 1-256 letters, digits and ``_ . : / -`` (it names the
            dependency in errors and keys the shared state).
        failure_threshold: Consecutive failures that open the breaker.
        recovery_timeout: Seconds the breaker stays open before one probe may run.
        probe_timeout: Seconds a probe may hold its token before another call may probe.
        excluded: Exception classes that do not count as failures.
        listeners: Callables receiving a :class:`StateChange` after each transition.
        store: Where the state lives (default: a private :class:`InMemoryBreakerStore`;
            a :class:`~tradai.common.resilience.redis_store.RedisBreakerStore` shares it
            between processes).
        clock: Monotonic seconds for the default store (not allowed with ``store``).

    Raises:
        ValidationError: If a parameter is out of range, or both ``store`` and ``clock``
            are given.
    """

    __slots__ = ("_excluded", "_listeners", "_lock", "_name", "_params", "_slot", "_store")

    def __init__(
        self,
        name: str,
        *,
        failure_threshold: int = 5,
        recovery_timeout: float = 30.0,
        probe_timeout: float = 60.0,
        excluded: tuple[type[BaseException], ...] = (),
        listeners: Iterable[StateListener] = (),
        store: BreakerStore | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        try:
            validate_identifier(name)
        except ValueError as exc:
            raise ValidationError(str(exc), field="name") from exc
        if (
            isinstance(failure_threshold, bool)
            or not isinstance(failure_threshold, int)
            or failure_threshold < 1
        ):
            raise ValidationError(
                "failure_threshold must be a positive integer", field="failure_threshold"
            )
        check_positive("recovery_timeout", recovery_timeout)
        check_positive("probe_timeout", probe_timeout)
        check_excluded(excluded)
        if store is not None and clock is not None:
            raise ValidationError("pass the clock to the store, not to the breaker", field="clock")
        if store is None:
            store = InMemoryBreakerStore() if clock is None else InMemoryBreakerStore(clock=clock)
        self._name = name
        self._params = BreakerParams(failure_threshold, float(recovery_timeout), probe_timeout)
        self._excluded = excluded
        self._store = store
        self._slot = store.slot(name) if isinstance(store, InMemoryBreakerStore) else None
        self._lock = threading.Lock()
        self._listeners: tuple[StateListener, ...] = tuple(listeners)

    @property
    def name(self) -> str:
        """The breaker's name."""
        return self._name

    @property
    def params(self) -> BreakerParams:
        """The thresholds: failure threshold, recovery timeout and probe lease."""
        return self._params

    @property
    def store(self) -> BreakerStore:
        """Where the state lives."""
        return self._store

    @property
    def state(self) -> CircuitState:
        """The current state (``open`` stays ``open`` until a call asks after the timeout)."""
        if self._slot is not None:
            return self._slot.state
        return self._store.snapshot(self._name).state

    @property
    def is_open(self) -> bool:
        """Whether the breaker is ``open`` (calls fail fast)."""
        return self.state is CircuitState.OPEN

    def snapshot(self) -> BreakerSnapshot:
        """Return the stored state (state, failures, opened_at, generation, probe).

        Returns:
            A snapshot.
        """
        return self._store.snapshot(self._name)

    def __repr__(self) -> str:
        return f"CircuitBreaker({self._name!r}, state={self.state.value!r})"

    def add_listener(self, listener: StateListener) -> None:
        """Add a state-change listener.

        Args:
            listener: Receives a :class:`StateChange` after each transition.
        """
        with self._lock:
            self._listeners = (*self._listeners, listener)

    def remove_listener(self, listener: StateListener) -> None:
        """Remove a listener added before (no error if absent).

        Args:
            listener: The listener.
        """
        with self._lock:
            self._listeners = tuple(x for x in self._listeners if x != listener)

    def reset(self) -> None:
        """Force ``closed`` with no failures counted (an operator's override)."""
        self._notify(self._store.reset(self._name))

    def force_open(self) -> None:
        """Force ``open`` now; a probe may run after the recovery timeout."""
        self._notify(self._store.force_open(self._name))

    def call(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run ``fn(*args, **kwargs)`` through the breaker.

        Args:
            fn: The protected function.
            *args: Its positional arguments.
            **kwargs: Its keyword arguments.

        Returns:
            What ``fn`` returned.

        Raises:
            CircuitOpenError: If the breaker refused the call (``fn`` did not run).
            Exception: Whatever ``fn`` raised, unchanged.
        """
        slot = self._slot
        if slot is not None:
            generation = slot.generation
            if slot.state is _CLOSED:
                try:
                    result = fn(*args, **kwargs)
                except Exception as exc:
                    self._failed(exc, generation)
                    raise
                if slot.failures:
                    self._succeeded(generation)
                return result
        return self._guarded(fn, args, kwargs)

    def _guarded(self, fn: Callable[..., R], args: tuple[Any, ...], kwargs: dict[str, Any]) -> R:
        admission = self._admit(self._store.admit(self._name, self._params))
        generation = admission.generation
        try:
            result = fn(*args, **kwargs)
        except Exception as exc:
            self._failed(exc, generation)
            raise
        except BaseException:
            if admission.probe:
                self._store.release_probe(self._name, generation)
            raise
        if admission.probe or admission.failures:
            self._succeeded(generation)
        return result

    async def acall(self, fn: Callable[P, Awaitable[R]], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Await ``fn(*args, **kwargs)`` through the breaker (same state as :meth:`call`).

        Args:
            fn: The protected coroutine function.
            *args: Its positional arguments.
            **kwargs: Its keyword arguments.

        Returns:
            What ``fn`` returned.

        Raises:
            CircuitOpenError: If the breaker refused the call (``fn`` did not run).
            BaseException: Whatever ``fn`` raised, unchanged.
        """
        slot = self._slot
        if slot is not None:
            generation = slot.generation
            if slot.state is _CLOSED:
                try:
                    result = await fn(*args, **kwargs)
                except Exception as exc:
                    self._failed(exc, generation)
                    raise
                if slot.failures:
                    self._succeeded(generation)
                return result
        return await self._aguarded(fn, args, kwargs)

    async def _aguarded(
        self, fn: Callable[..., Awaitable[R]], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> R:
        store, name, params = self._store, self._name, self._params
        admission = self._admit(await offload(store, store.admit, name, params))
        generation = admission.generation
        try:
            result = await fn(*args, **kwargs)
        except Exception as exc:
            if isinstance(exc, self._excluded):
                self._notify(await offload(store, store.record_success, name, params, generation))
            else:
                self._notify(await offload(store, store.record_failure, name, params, generation))
            raise
        except BaseException:
            if admission.probe:
                store.release_probe(name, generation)  # cancelled: no await, one quick call
            raise
        if admission.probe or admission.failures:
            self._notify(await offload(store, store.record_success, name, params, generation))
        return result

    def __call__(self, fn: Callable[P, R]) -> Callable[P, R]:
        """Decorate a function or coroutine function so every call goes through the breaker.

        Args:
            fn: The function to protect.

        Returns:
            A function with the same signature.

        Raises:
            ValidationError: For a generator function (its calls only create generators).
        """
        if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
            raise ValidationError("a circuit breaker cannot guard a generator function")
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                return await self.acall(fn, *args, **kwargs)

            return async_wrapper  # type: ignore[return-value]  # same signature as fn
        return self._wrap_sync(fn)

    def _wrap_sync(self, fn: Callable[P, R]) -> Callable[P, R]:
        # The fast path of call() inlined: one frame less per call of a decorated function.
        slot = self._slot

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if slot is not None:
                generation = slot.generation
                if slot.state is _CLOSED:
                    try:
                        result = fn(*args, **kwargs)
                    except Exception as exc:
                        self._failed(exc, generation)
                        raise
                    if slot.failures:
                        self._succeeded(generation)
                    return result
            return self._guarded(fn, args, kwargs)

        return wrapper

    # -- outcome reporting ------------------------------------------------------------

    def _admit(self, admission: Admission) -> Admission:
        self._notify(admission.transition)
        if not admission.allowed:
            raise CircuitOpenError(
                self._name, remaining=max(admission.remaining, 0.0), state=admission.state.value
            )
        return admission

    def _failed(self, exc: Exception, generation: int) -> None:
        if isinstance(exc, self._excluded):
            self._succeeded(generation)
            return
        self._notify(self._store.record_failure(self._name, self._params, generation))

    def _succeeded(self, generation: int) -> None:
        self._notify(self._store.record_success(self._name, self._params, generation))

    def _notify(self, transition: Transition | None) -> None:
        if transition is None:
            return
        event = StateChange(self._name, transition.old, transition.new)
        level = logging.WARNING if event.new is CircuitState.OPEN else logging.INFO
        _LOG.log(
            level, "circuit breaker %r: %s -> %s", self._name, event.old.value, event.new.value
        )
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:
                _LOG.exception("circuit breaker %r: a state listener failed", self._name)
