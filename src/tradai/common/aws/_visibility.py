"""Receipt handles and visibility: their checks, and a heartbeat for long jobs.

Private module; :mod:`tradai.common.aws.sqs` re-exports :class:`VisibilityHeartbeat`.
:class:`VisibilityHeartbeat` works with any :class:`~tradai.common.aws.sqs.MessageQueue`
(SQS or the in-memory twin).

Decisions where the spec is silent: the heartbeat extends every third of the timeout by
default; a retryable failure (``TransientError``) is retried at the next beat, any other
failure stops it (``last_error`` tells which). A stopped heartbeat does not restart.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Protocol, Self

from tradai.common.aws._messaging import QueueMessage, check_int, invalid
from tradai.common.aws.constants import (
    SQS_BATCH_MAX,
    SQS_MAX_VISIBILITY_TIMEOUT,
    SQS_MAX_WAIT_SECONDS,
)

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "VisibilityHeartbeat",
    "validate_receipt_handle",
    "validate_receive_options",
    "validate_visibility_timeout",
]

_log = logging.getLogger(__name__)


class _Extendable(Protocol):
    @property
    def name(self) -> str: ...

    def change_visibility(self, receipt_handle: str, timeout_seconds: int) -> None: ...


def validate_visibility_timeout(value: int, *, field: str = "timeout_seconds") -> int:
    """Check a visibility timeout (0 to 43,200 seconds).

    Args:
        value: Seconds.
        field: The argument name to report.

    Returns:
        The value unchanged.

    Raises:
        ValidationError: If it is not an integer in range.
    """
    return check_int(value, 0, SQS_MAX_VISIBILITY_TIMEOUT, field)


def validate_receive_options(
    max_messages: int, wait_seconds: int, visibility_timeout: int | None
) -> None:
    """Check ``receive`` arguments: 1-10 messages, a 0-20 s wait, a valid visibility.

    Args:
        max_messages: Messages to return at most.
        wait_seconds: Long-poll wait.
        visibility_timeout: Visibility for the received messages, or ``None``.

    Raises:
        ValidationError: If one is out of range.
    """
    check_int(max_messages, 1, SQS_BATCH_MAX, "max_messages")
    check_int(wait_seconds, 0, SQS_MAX_WAIT_SECONDS, "wait_seconds")
    if visibility_timeout is not None:
        validate_visibility_timeout(visibility_timeout, field="visibility_timeout")


def validate_receipt_handle(value: str) -> str:
    """Check a receipt handle (1-1024 printable ASCII characters, no spaces).

    Args:
        value: The handle from a received message.

    Returns:
        The handle unchanged.

    Raises:
        ValidationError: If it cannot be a receipt handle.
    """
    if (
        not isinstance(value, str)
        or not 1 <= len(value) <= 1024
        or not value.isascii()
        or not value.isprintable()
        or " " in value
    ):
        raise invalid("receipt_handle is not a receipt handle", "receipt_handle")
    return value


class VisibilityHeartbeat:
    """Keep a received message hidden while a long job runs, until stopped.

    A daemon thread calls ``change_visibility(handle, timeout_seconds)`` every
    ``interval_seconds``. Use it as a context manager around the work.

    Args:
        queue: The queue the message came from.
        message: The received message, or its receipt handle.
        timeout_seconds: Visibility to set at each beat (1-43,200).
        interval_seconds: Time between beats (below the timeout; a third of it by default).

    Raises:
        ValidationError: On a bad handle, timeout or interval.

    Example:
        >>> from tradai.common.aws.memory.queue import InMemoryQueue
        >>> queue = InMemoryQueue("jobs")
        >>> _ = queue.send("work")
        >>> message = queue.receive(wait_seconds=0)[0]
        >>> with VisibilityHeartbeat(queue, message, timeout_seconds=60) as beat:
        ...     pass  # the long job
        >>> beat.running, beat.last_error
        (False, None)
    """

    def __init__(
        self,
        queue: _Extendable,
        message: QueueMessage | str,
        *,
        timeout_seconds: int,
        interval_seconds: float | None = None,
    ) -> None:
        handle = message.receipt_handle if isinstance(message, QueueMessage) else message
        self._handle = validate_receipt_handle(handle)
        self._timeout = validate_visibility_timeout(timeout_seconds)
        interval = timeout_seconds / 3 if interval_seconds is None else interval_seconds
        if (
            isinstance(interval, bool)
            or not isinstance(interval, int | float)
            or not 0 < interval < timeout_seconds
        ):
            raise invalid(
                "interval_seconds must be positive and below the timeout", "interval_seconds"
            )
        self._interval = float(interval)
        self._queue = queue
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._extensions = 0
        self._last_error: Exception | None = None

    @property
    def extensions(self) -> int:
        """How many times the visibility was extended."""
        return self._extensions

    @property
    def last_error(self) -> Exception | None:
        """The last failure of a beat, if any."""
        return self._last_error

    @property
    def running(self) -> bool:
        """Whether the beating thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Self:
        """Start beating (again calls are no-ops).

        Returns:
            The heartbeat itself.
        """
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"sqs-heartbeat-{self._queue.name}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop beating and wait for the thread to end.

        Args:
            timeout: Seconds to wait for the thread (``None``: as long as needed).
        """
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._queue.change_visibility(self._handle, self._timeout)
            except Exception as exc:  # the thread must record, not die silently
                self._last_error = exc
                retryable = bool(getattr(exc, "retryable", False))
                _log.warning(
                    "visibility heartbeat on queue %s failed: %s (%s)",
                    self._queue.name,
                    type(exc).__name__,
                    "will retry" if retryable else "stopping",
                )
                if not retryable:
                    return
            else:
                self._extensions += 1
