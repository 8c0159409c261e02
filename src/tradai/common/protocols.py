"""Small protocols shared across the library (ports, in the hexagonal sense).

* :class:`ModeHandler` / :data:`ModeHandlerFactory` — what a strategy entrypoint runs for a
  trading mode (see :mod:`tradai.common.entrypoint.base`).
* :class:`Clock` with :class:`SystemClock` (the real one) and :class:`ManualClock` (the
  in-memory twin for tests: time only moves when told).
* :class:`SecretsProvider` — where secrets come from.
* :class:`HealthCheckable` — a component that can say whether it is healthy.

Decisions where the specification is silent: every protocol is ``runtime_checkable`` so
``isinstance`` can check wiring at start-up (it checks method names only, not signatures);
a handler's constructor is not part of :class:`ModeHandler` (protocols cannot describe
constructors) but of :data:`ModeHandlerFactory`, which a handler *class* satisfies;
``Clock.now()`` returns a timezone-aware UTC datetime; ``SecretsProvider.get_secret`` raises
:class:`~tradai.common.exceptions.NotFoundError` for an unknown secret; ``health_check``
returns a bool and must not raise.

Example:
    >>> import datetime as dt
    >>> clock = ManualClock(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    >>> clock.advance(dt.timedelta(minutes=5)).isoformat()
    '2024-01-01T00:05:00+00:00'
    >>> isinstance(clock, Clock), isinstance(SystemClock(), Clock)
    (True, True)
"""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeAlias, runtime_checkable

if TYPE_CHECKING:
    from tradai.common.entrypoint.base import StrategyEntrypoint

__all__ = [
    "Clock",
    "HealthCheckable",
    "ManualClock",
    "ModeHandler",
    "ModeHandlerFactory",
    "SecretsProvider",
    "SystemClock",
]


@runtime_checkable
class ModeHandler(Protocol):
    """Runs one trading mode for a strategy entrypoint.

    A handler is built by its :data:`ModeHandlerFactory` (usually the handler class itself,
    whose constructor takes the entrypoint) and then run once.
    """

    def run(self) -> int:
        """Run the mode.

        Returns:
            The process exit code (``0`` for success).
        """
        ...


ModeHandlerFactory: TypeAlias = Callable[["StrategyEntrypoint"], ModeHandler]
"""Builds a :class:`ModeHandler` from the entrypoint (a handler class qualifies)."""


@runtime_checkable
class Clock(Protocol):
    """A source of the current time (inject it; never call ``datetime.now()`` directly)."""

    def now(self) -> _dt.datetime:
        """Return the current time.

        Returns:
            A timezone-aware UTC datetime.
        """
        ...


class SystemClock:
    """The real clock.

    Example:
        >>> SystemClock().now().tzinfo
        datetime.timezone.utc
    """

    __slots__ = ()

    def now(self) -> _dt.datetime:
        """Return the current time.

        Returns:
            ``datetime.now(UTC)``.
        """
        return _dt.datetime.now(_dt.UTC)


class ManualClock:
    """A clock that only moves when told to (thread-safe); the test twin of :class:`Clock`.

    Args:
        start: The initial time; must be timezone-aware (it is converted to UTC).

    Raises:
        ValueError: If ``start`` is naive.
    """

    def __init__(self, start: _dt.datetime) -> None:
        self._lock = threading.Lock()
        self._now = self._to_utc(start)

    @staticmethod
    def _to_utc(value: _dt.datetime) -> _dt.datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("ManualClock needs a timezone-aware datetime")
        return value.astimezone(_dt.UTC)

    def now(self) -> _dt.datetime:
        """Return the clock's current time.

        Returns:
            The time last set or advanced to, in UTC.
        """
        with self._lock:
            return self._now

    def advance(self, delta: _dt.timedelta | float) -> _dt.datetime:
        """Move the clock forward.

        Args:
            delta: A timedelta or a number of seconds; must not be negative.

        Returns:
            The new current time.

        Raises:
            ValueError: If ``delta`` is negative.
        """
        step = delta if isinstance(delta, _dt.timedelta) else _dt.timedelta(seconds=delta)
        if step < _dt.timedelta(0):
            raise ValueError("a clock cannot go backwards; use set() to rewind")
        with self._lock:
            self._now += step
            return self._now

    def set(self, value: _dt.datetime) -> None:
        """Jump to a given time (forwards or backwards).

        Args:
            value: The new time; must be timezone-aware.

        Raises:
            ValueError: If ``value`` is naive.
        """
        new = self._to_utc(value)
        with self._lock:
            self._now = new


@runtime_checkable
class SecretsProvider(Protocol):
    """Where secrets come from (AWS Secrets Manager, environment, a test dict...)."""

    def get_secret(self, name: str) -> str:
        """Return the secret's value.

        Args:
            name: The secret's name (from settings, never a literal).

        Returns:
            The secret value. Never log it.

        Raises:
            NotFoundError: If there is no such secret.
        """
        ...


@runtime_checkable
class HealthCheckable(Protocol):
    """A component that can report whether it is healthy."""

    def health_check(self) -> bool:
        """Check the component's health quickly (bounded by a timeout).

        Returns:
            ``True`` if healthy. Failures are reported as ``False``, never raised.
        """
        ...
