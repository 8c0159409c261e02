"""The block API of a retry: ``for attempt in retrying: with attempt: ...``.

:class:`Attempt` objects are handed out by :class:`~tradai.common.resilience.retry.
Retrying`; leaving the ``with`` block with a retryable exception swallows it when another
attempt will follow, and lets the original through on the last one.
"""

from __future__ import annotations

from tradai.common.resilience._backoff import RetryConfig
from tradai.common.resilience._engine import RetryState

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["Attempt", "AttemptLoop"]


class AttemptLoop:
    """State shared by the attempts of one ``for attempt in ...`` loop.

    Args:
        config: The retry configuration.
        name: A name for log messages.
    """

    __slots__ = ("config", "delay", "name", "state")

    def __init__(self, config: RetryConfig, name: str) -> None:
        self.config = config
        self.name = name
        self.state: RetryState | None = None
        self.delay: float | None = None

    def handle(self, exc: BaseException) -> bool:
        """Plan a retry after ``exc``; ``True`` when another attempt follows."""
        if not isinstance(exc, Exception) or not self.config.matches(exc):
            return False
        if self.state is None:
            self.state = RetryState(self.config, self.name)
        self.delay = self.state.plan(exc)
        return self.delay is not None

    def sleeps(self) -> bool:
        """Whether to really sleep between attempts (``False`` in test mode)."""
        return self.state is None or self.state.sleeps


class Attempt:
    """One attempt of a block retried with ``for attempt in retrying: with attempt: ...``.

    Leaving the ``with`` block with a retryable exception swallows it when another attempt
    will follow; on the last attempt the original exception propagates.

    Args:
        number: The attempt's number, from 1.
        loop: The loop's shared state (internal).
    """

    __slots__ = ("_loop", "_number")

    def __init__(self, number: int, loop: AttemptLoop) -> None:
        self._number = number
        self._loop = loop

    @property
    def number(self) -> int:
        """The attempt's number (1 for the first)."""
        return self._number

    def __repr__(self) -> str:
        return f"<Attempt {self._number}>"

    def __enter__(self) -> Attempt:
        """Start the attempt.

        Returns:
            The attempt itself.
        """
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        """End the attempt; swallow a retryable exception when another attempt follows.

        Returns:
            ``True`` to swallow the exception (a retry is due), else ``False``.
        """
        if exc is None:
            return False
        return self._loop.handle(exc)
