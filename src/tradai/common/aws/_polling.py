"""How long and how often to poll AWS: a deadline plus exponential backoff.

Private module; :class:`PollPolicy` is re-exported by
:mod:`tradai.common.aws.cloudwatch_logs` (its public path) and used by the log tail, the
ECS job managers and the ECS deployer.

Example:
    >>> policy = PollPolicy(timeout=30, interval=1.0, max_interval=4.0)
    >>> policy.next_interval(1.0, progressed=False), policy.next_interval(4.0, progressed=False)
    (2.0, 4.0)
    >>> policy.next_interval(4.0, progressed=True)
    1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tradai.common.exceptions import ValidationError

__all__ = ["PollPolicy"]


def _positive(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValidationError(f"{name} must be a positive number", field=name)
    if not math.isfinite(value):
        raise ValidationError(f"{name} must be finite", field=name)
    return float(value)


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """How long and how often to poll: a deadline and exponential backoff.

    Attributes:
        timeout: Seconds from the start until the deadline.
        interval: First wait between polls (seconds); used again after progress.
        max_interval: Longest wait between polls (seconds).
        factor: Multiplier applied to the wait after a poll without progress (>= 1).

    Raises:
        ValidationError: If a value is not a positive finite number, ``max_interval`` is
            below ``interval`` or ``factor`` is below 1.
    """

    timeout: float = 600.0
    interval: float = 1.0
    max_interval: float = 10.0
    factor: float = 2.0

    def __post_init__(self) -> None:
        for name in ("timeout", "interval", "max_interval", "factor"):
            _positive(getattr(self, name), name)
        if self.max_interval < self.interval:
            raise ValidationError("max_interval must be >= interval", field="max_interval")
        if self.factor < 1:
            raise ValidationError("factor must be >= 1", field="factor")

    def next_interval(self, current: float, *, progressed: bool) -> float:
        """Return the next wait: back to ``interval`` after progress, else grown.

        Args:
            current: The wait used last.
            progressed: Whether the last poll found something new.

        Returns:
            The next wait in seconds, at most ``max_interval``.
        """
        return self.interval if progressed else min(current * self.factor, self.max_interval)
