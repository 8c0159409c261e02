"""The one process-wide resilience configuration object (test mode), behind a lock.

Like stamina's, the configuration is a single object with a lock; it is read only on the
*failure* path of a retry (the success path never looks at it), so test mode costs nothing
when calls succeed. :func:`set_testing` returns a context manager that restores the
previous mode, so a test cannot leak its mode into the next one.
"""

from __future__ import annotations

import threading

from tradai.common.exceptions import ValidationError

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["CONFIG", "RestoreTesting", "TestingMode", "is_testing", "reset_testing", "set_testing"]


class TestingMode:
    """Test-mode settings: how many attempts a retry makes and whether it sleeps.

    Args:
        attempts: The number of attempts every retry makes while test mode is on.
        sleep: Whether retries really sleep between attempts.
    """

    __test__ = False  # not a pytest test class, despite its name
    __slots__ = ("attempts", "sleep")

    def __init__(self, attempts: int, sleep: bool) -> None:
        self.attempts = attempts
        self.sleep = sleep

    def __repr__(self) -> str:
        return f"TestingMode(attempts={self.attempts}, sleep={self.sleep})"


class _ResilienceConfig:
    """Process-wide settings; every write holds the lock, reads are single attribute loads."""

    __slots__ = ("_lock", "_testing")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._testing: TestingMode | None = None

    @property
    def testing(self) -> TestingMode | None:
        """The active test mode, or ``None`` outside test mode."""
        return self._testing

    def swap_testing(self, value: TestingMode | None) -> TestingMode | None:
        """Install ``value`` as the test mode and return the previous one (atomically)."""
        with self._lock:
            old, self._testing = self._testing, value
            return old

    def reset(self) -> None:
        """Leave test mode."""
        self.swap_testing(None)


#: The process-wide configuration (private to the resilience package).
CONFIG = _ResilienceConfig()


class RestoreTesting:
    """Returned by :func:`set_testing`; on exit it restores the mode that was active before.

    Args:
        previous: The test mode to restore.
    """

    __slots__ = ("_previous",)

    def __init__(self, previous: TestingMode | None) -> None:
        self._previous = previous

    def __enter__(self) -> None:
        """Enter the block (test mode is already on)."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Restore the previous test mode."""
        CONFIG.swap_testing(self._previous)


def set_testing(testing: bool = True, *, attempts: int = 1, sleep: bool = False) -> RestoreTesting:
    """Switch test mode on (or off): fixed attempts and, by default, no sleeping.

    In test mode every retry makes exactly ``attempts`` attempts (whatever it was
    configured with) and does not sleep between them unless ``sleep=True``. The call
    takes effect at once; use the returned object as a context manager to restore the
    previous mode when the block ends.

    Args:
        testing: ``True`` to switch test mode on, ``False`` to switch it off.
        attempts: Attempts per retry while in test mode (at least 1).
        sleep: Whether to really sleep between attempts in test mode.

    Returns:
        A context manager that restores the previous mode on exit.

    Raises:
        ValidationError: If ``attempts`` is not a positive integer.

    Example:
        >>> with set_testing(attempts=2):
        ...     is_testing()
        True
        >>> is_testing()
        False
    """
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise ValidationError("attempts must be a positive integer", field="attempts")
    mode = TestingMode(attempts, bool(sleep)) if testing else None
    return RestoreTesting(CONFIG.swap_testing(mode))


def is_testing() -> bool:
    """Return whether test mode is on.

    Returns:
        ``True`` inside :func:`set_testing`.
    """
    return CONFIG.testing is not None


def reset_testing() -> None:
    """Leave test mode, whatever was set before (for test teardown)."""
    CONFIG.reset()
