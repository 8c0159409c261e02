"""Small pieces of the circuit breaker: state-change events, argument checks, offloading.

Kept apart so :mod:`tradai.common.resilience.circuit_breaker` holds the state machine
only; the public names are re-exported from there.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tradai.common.exceptions import ValidationError
from tradai.common.resilience._breaker_store import BreakerStore, CircuitState

__all__ = ["StateChange", "StateListener", "check_excluded", "check_positive", "offload"]

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class StateChange:
    """What a listener receives after a transition.

    Args:
        breaker: The breaker's name.
        old: The state before.
        new: The state after.
    """

    breaker: str
    old: CircuitState
    new: CircuitState


StateListener = Callable[[StateChange], object]


def check_positive(name: str, value: float) -> None:
    """Raise ``ValidationError`` naming ``name`` unless ``value`` is a positive finite number."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise ValidationError(f"{name} must be a positive, finite number of seconds", field=name)


def check_excluded(excluded: tuple[type[BaseException], ...]) -> None:
    """Raise ``ValidationError`` unless ``excluded`` is a tuple of exception classes."""
    if not isinstance(excluded, tuple) or not all(
        isinstance(t, type) and issubclass(t, BaseException) for t in excluded
    ):
        raise ValidationError("excluded must be a tuple of exception classes", field="excluded")


async def offload(store: BreakerStore, op: Callable[..., R], *args: Any) -> R:
    """Run a store operation, in a worker thread when the store does I/O."""
    if not store.blocking:
        return op(*args)
    import asyncio

    return await asyncio.to_thread(op, *args)
