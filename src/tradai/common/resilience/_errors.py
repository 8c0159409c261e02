"""The errors the resilience patterns raise themselves (re-exported by the public modules).

Both extend the library's tree: :class:`CircuitOpenError` is an
:class:`~tradai.common.exceptions.ExternalServiceError` (a dependency is known to be
failing; retrying now will not help, so retries stop on it) and :class:`CallTimeoutError`
is a :class:`~tradai.common.exceptions.TransientError` (the next attempt may be faster).
"""

from __future__ import annotations

from tradai.common.exceptions import ExternalServiceError, TransientError

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from typing import Any

__all__ = ["CallTimeoutError", "CircuitOpenError"]


class CircuitOpenError(ExternalServiceError):
    """A circuit breaker refused a call without running it.

    Args:
        breaker: The breaker's name (also recorded as ``service``).
        remaining: Seconds until the breaker lets a probe call through (``0.0`` when one
            may go now; while a probe is in flight, the time until its lease runs out).
        state: The breaker's state when it refused (``"open"`` or ``"half_open"``).

    Attributes:
        breaker: The breaker's name.
        remaining: Seconds until a probe may run.
        state: The state that refused the call.

    Example:
        >>> err = CircuitOpenError("mlflow", remaining=2.5, state="open")
        >>> err.message
        "circuit breaker 'mlflow' is open; next probe in 2.500 s"
        >>> err.breaker, err.remaining, err.retryable
        ('mlflow', 2.5, False)
    """

    def __init__(self, breaker: str, *, remaining: float, state: str) -> None:
        super().__init__(
            f"circuit breaker {breaker!r} is {state.replace('_', '-')}; "
            f"next probe in {remaining:.3f} s",
            service=breaker,
            error_code="CircuitOpen",
            context={"remaining": round(remaining, 3), "state": state},
        )
        self.breaker = breaker
        self.remaining = remaining
        self.state = state

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions unpickle by calling ``cls(*args)``; this __init__ takes keywords.
        return (_rebuild_circuit_open, (self.breaker, self.remaining, self.state))


def _rebuild_circuit_open(breaker: str, remaining: float, state: str) -> CircuitOpenError:
    return CircuitOpenError(breaker, remaining=remaining, state=state)


class CallTimeoutError(TransientError):
    """One attempt ran longer than the policy's ``timeout``.

    Args:
        timeout: The limit that was exceeded, in seconds.
        service: The policy's (or dependency's) name, when known.

    Attributes:
        timeout: The limit that was exceeded, in seconds.

    Example:
        >>> str(CallTimeoutError(1.5, service="mlflow"))
        "call timed out after 1.500 s (error_code='Timeout', service='mlflow', timeout=1.5)"
    """

    def __init__(self, timeout: float, *, service: str | None = None) -> None:
        super().__init__(
            f"call timed out after {timeout:.3f} s",
            service=service,
            error_code="Timeout",
            context={"timeout": timeout},
        )
        self.timeout = timeout

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_call_timeout, (self.timeout, self.service))


def _rebuild_call_timeout(timeout: float, service: str | None) -> CallTimeoutError:
    return CallTimeoutError(timeout, service=service)
