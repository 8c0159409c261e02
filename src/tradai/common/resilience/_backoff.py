"""Retry configuration and the pure arithmetic of backoff (re-exported by ``retry``).

Decisions (the public module repeats them for users):

* **Full jitter.** The wait before retry number ``n`` (``n = 1`` after the first failure)
  is ``uniform(0, min(wait_max, wait_initial * wait_exp_base ** (n - 1)))`` — AWS's
  "full jitter", which spreads a herd of clients best.
* **Two bounds, both always on.** ``attempts`` (default 3) and ``deadline`` (default
  30 s). The deadline runs from the *first failure*: the success path reads no clock, and
  the first attempt is bounded by its own timeout. No sleep carries past the deadline (a
  computed wait is shortened to the time left), and no attempt starts after it.
* **Server-provided delays win.** When ``retry_after(exc)`` gives a number (by default
  the exception's ``retry_after`` attribute, which
  :class:`~tradai.common.exceptions.TransientError` has), that wait replaces the computed
  one, capped at ``retry_after_max``. If the server asks for more time than the deadline
  leaves, the retry gives up at once rather than call back too early.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from tradai.common.exceptions import ValidationError

__all__ = [
    "ExceptionPredicate",
    "RetryConfig",
    "RetryOn",
    "full_jitter_backoff",
    "next_delay",
    "retry_after_attribute",
]

ExceptionPredicate: TypeAlias = Callable[[BaseException], bool]
RetryOn: TypeAlias = type[BaseException] | tuple[type[BaseException], ...] | ExceptionPredicate


def retry_after_attribute(exc: BaseException) -> float | None:
    """Read a server-provided delay from an exception's ``retry_after`` attribute.

    Args:
        exc: The exception an attempt raised.

    Returns:
        The delay in seconds, or ``None`` when the attribute is missing, not a number,
        negative or not finite.

    Example:
        >>> from tradai.common.exceptions import TransientError
        >>> retry_after_attribute(TransientError("throttled", retry_after=2))
        2.0
        >>> retry_after_attribute(ValueError("no")) is None
        True
    """
    value = getattr(exc, "retry_after", None)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    seconds = float(value)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def full_jitter_backoff(
    retry_number: int, *, initial: float, cap: float, base: float, rand: float
) -> float:
    """Compute a full-jitter backoff: ``rand * min(cap, initial * base ** (retry_number - 1))``.

    Args:
        retry_number: 1 for the wait after the first failure, 2 after the second...
        initial: The ceiling of the first wait, in seconds.
        cap: The largest ceiling, in seconds.
        base: The exponential base (at least 1).
        rand: A random number in ``[0, 1)``.

    Returns:
        The wait in seconds, always within ``[0, cap]``.

    Example:
        >>> full_jitter_backoff(3, initial=0.1, cap=5.0, base=2.0, rand=0.5)
        0.2
        >>> full_jitter_backoff(60, initial=0.1, cap=5.0, base=2.0, rand=0.5)
        2.5
    """
    try:
        ceiling = min(cap, initial * base ** (retry_number - 1))
    except OverflowError:
        ceiling = cap
    return rand * ceiling


def _check_seconds(name: str, value: float, *, positive: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{name} must be a finite number of seconds", field=name)
    if value < 0 or (positive and value == 0):
        raise ValidationError(
            f"{name} must be {'positive' if positive else 'zero or more'}", field=name
        )


def _predicate(on: RetryOn) -> ExceptionPredicate:
    if isinstance(on, type) and issubclass(on, BaseException):
        return lambda exc: isinstance(exc, on)
    if isinstance(on, tuple) and on:
        if not all(isinstance(t, type) and issubclass(t, BaseException) for t in on):
            raise ValidationError("on must hold exception classes only", field="on")
        return lambda exc: isinstance(exc, on)
    if callable(on) and not isinstance(on, tuple | type):
        return on
    raise ValidationError(
        "on must be an exception class, a non-empty tuple of them, or a predicate", field="on"
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryConfig:
    """What to retry and how long to keep trying (immutable; share it freely).

    Args:
        on: What to retry: an exception class, a tuple of them, or a predicate taking the
            exception. Required — there is deliberately no "retry everything" default.
            Only :class:`Exception` subclasses are ever retried (never cancellation or
            ``KeyboardInterrupt``).
        attempts: Total attempts, the first included (at least 1).
        deadline: Seconds from the first failure after which no attempt starts.
        wait_initial: Ceiling of the first (jittered) wait, in seconds.
        wait_max: Largest ceiling of a computed wait, in seconds.
        wait_exp_base: Growth factor of the ceiling per retry (at least 1).
        retry_on_result: A predicate on a *returned* value; when it is true the call is
            retried like a failure. If every attempt returns such a value, the last one
            is returned.
        retry_after: Extracts a server-provided delay from an exception (``None`` to
            ignore such delays). Defaults to :func:`retry_after_attribute`.
        retry_after_max: Cap on a server-provided delay, in seconds.
        sleep: Sleeps between sync attempts (inject a fake in tests).
        async_sleep: Sleeps between async attempts (``asyncio.sleep`` when ``None``).
        clock: Monotonic seconds, for the deadline.
        rng: Random numbers in ``[0, 1)``, for the jitter.

    Raises:
        ValidationError: If a bound is missing, negative, not finite or out of range.

    Example:
        >>> config = RetryConfig(on=TimeoutError, attempts=5, deadline=10.0)
        >>> config.attempts, config.matches(TimeoutError()), config.matches(KeyError())
        (5, True, False)
    """

    on: RetryOn
    attempts: int = 3
    deadline: float = 30.0
    wait_initial: float = 0.1
    wait_max: float = 5.0
    wait_exp_base: float = 2.0
    retry_on_result: Callable[[Any], bool] | None = None
    retry_after: Callable[[BaseException], float | None] | None = retry_after_attribute
    retry_after_max: float = 60.0
    sleep: Callable[[float], object] = time.sleep
    async_sleep: Callable[[float], Awaitable[object]] | None = None
    clock: Callable[[], float] = time.monotonic
    rng: Callable[[], float] = random.random
    matches: ExceptionPredicate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        attempts = self.attempts
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise ValidationError("attempts must be a positive integer", field="attempts")
        _check_seconds("deadline", self.deadline, positive=True)
        _check_seconds("wait_initial", self.wait_initial)
        _check_seconds("wait_max", self.wait_max)
        _check_seconds("retry_after_max", self.retry_after_max)
        _check_seconds("wait_exp_base", self.wait_exp_base)
        if self.wait_exp_base < 1:
            raise ValidationError("wait_exp_base must be at least 1", field="wait_exp_base")
        object.__setattr__(self, "matches", _predicate(self.on))

    def server_delay(self, exc: BaseException | None) -> float | None:
        """Return the capped server-provided delay carried by ``exc``, if any.

        Args:
            exc: The exception of the failed attempt (``None`` for a retried result).

        Returns:
            Seconds to wait, within ``[0, retry_after_max]``, or ``None``.
        """
        if exc is None or self.retry_after is None:
            return None
        delay = self.retry_after(exc)
        if delay is None or not math.isfinite(delay) or delay < 0:
            return None
        return min(delay, self.retry_after_max)


def next_delay(
    config: RetryConfig, retry_number: int, exc: BaseException | None, elapsed: float
) -> float | None:
    """Plan the wait before retry number ``retry_number``, or decide to give up.

    Args:
        config: The retry configuration.
        retry_number: 1 for the wait after the first failure, 2 after the second...
        exc: The exception of the failed attempt (``None`` for a retried result).
        elapsed: Seconds since the first failure.

    Returns:
        The wait in seconds (never more than the time left before the deadline), or
        ``None`` to give up. The attempt budget is the caller's to check.

    Example:
        >>> config = RetryConfig(on=OSError, deadline=1.0, rng=lambda: 0.5)
        >>> next_delay(config, 1, OSError(), elapsed=0.0)
        0.05
        >>> next_delay(config, 1, OSError(), elapsed=2.0) is None
        True
    """
    remaining = config.deadline - elapsed
    if remaining <= 0:
        return None
    server = config.server_delay(exc)
    if server is not None:
        return server if server <= remaining else None
    wait = full_jitter_backoff(
        retry_number,
        initial=config.wait_initial,
        cap=config.wait_max,
        base=config.wait_exp_base,
        rand=config.rng(),
    )
    return min(wait, remaining)
