"""VisibilityHeartbeat keeps a message hidden while work runs, and stops cleanly."""

from __future__ import annotations

import time

import pytest

from tradai.common.aws.memory.queue import InMemoryQueue
from tradai.common.aws.sqs import QueueMessage, VisibilityHeartbeat
from tradai.common.exceptions import TransientError, ValidationError


def _wait_for(predicate: object, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]  # a zero-argument callable
            return
        time.sleep(0.01)
    raise AssertionError("condition not met in time")


class FlakyQueue:
    """A queue whose visibility changes fail with the given errors, then succeed."""

    name = "flaky"

    def __init__(self, errors: list[Exception]) -> None:
        self.errors = errors
        self.calls: list[tuple[str, int]] = []

    def change_visibility(self, receipt_handle: str, timeout_seconds: int) -> None:
        self.calls.append((receipt_handle, timeout_seconds))
        if self.errors:
            raise self.errors.pop(0)


def test_the_heartbeat_keeps_extending_until_stopped() -> None:
    queue = InMemoryQueue("jobs", visibility_timeout=1)
    queue.send("long job")
    message = queue.receive(wait_seconds=0)[0]
    with VisibilityHeartbeat(queue, message, timeout_seconds=1, interval_seconds=0.1) as beat:
        time.sleep(1.5)  # longer than the visibility timeout
        assert queue.receive(wait_seconds=0) == []
        running_inside = beat.running
    assert running_inside
    assert not beat.running
    assert beat.extensions >= 5
    assert beat.last_error is None
    time.sleep(1.1)
    assert [m.receive_count for m in queue.receive(wait_seconds=0)] == [2]


def test_a_retryable_failure_is_retried_at_the_next_beat() -> None:
    queue = FlakyQueue([TransientError("throttled")])
    beat = VisibilityHeartbeat(queue, "handle", timeout_seconds=60, interval_seconds=0.02)
    beat.start()
    try:
        _wait_for(lambda: beat.extensions >= 2)
    finally:
        beat.stop()
    assert isinstance(beat.last_error, TransientError)
    assert queue.calls[0] == ("handle", 60)


def test_a_non_retryable_failure_stops_the_heartbeat() -> None:
    queue = FlakyQueue([ValueError("message is gone")])
    beat = VisibilityHeartbeat(queue, "handle", timeout_seconds=60, interval_seconds=0.02)
    beat.start()
    _wait_for(lambda: not beat.running)
    assert isinstance(beat.last_error, ValueError)
    assert beat.extensions == 0
    assert len(queue.calls) == 1
    beat.stop()


def test_start_twice_runs_one_thread_and_stop_before_start_is_harmless() -> None:
    queue = FlakyQueue([])
    beat = VisibilityHeartbeat(queue, QueueMessage("b", "h", "m"), timeout_seconds=9)
    beat.stop()
    beat = VisibilityHeartbeat(queue, "h", timeout_seconds=9, interval_seconds=5)
    assert beat.start() is beat.start()
    beat.stop()
    assert not beat.running


@pytest.mark.parametrize(
    ("handle", "timeout", "interval", "field"),
    [
        ("", 30, None, "receipt_handle"),
        ("h h", 30, None, "receipt_handle"),
        ("h", 43_201, None, "timeout_seconds"),
        ("h", 30, 30, "interval_seconds"),
        ("h", 30, 0, "interval_seconds"),
        ("h", 30, True, "interval_seconds"),
        ("h", 0, None, "interval_seconds"),
    ],
)
def test_bad_arguments_are_refused(
    handle: str, timeout: int, interval: float | None, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        VisibilityHeartbeat(
            FlakyQueue([]), handle, timeout_seconds=timeout, interval_seconds=interval
        )
    assert info.value.field == field
