"""InMemoryQueue: SQS's visibility, FIFO, deduplication and batch semantics on a fake clock."""

from __future__ import annotations

import threading
import time

import pytest

from tradai.common.aws.memory.queue import InMemoryQueue
from tradai.common.aws.sqs import MessageQueue, OutgoingMessage
from tradai.common.exceptions import ValidationError


class FakeClock:
    """Seconds since the epoch that only move when told to."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_it_implements_the_message_queue_port(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", clock=clock)
    assert isinstance(queue, MessageQueue)
    assert repr(queue) == "InMemoryQueue(name='jobs')"
    assert not queue.is_fifo


def test_a_received_message_reappears_when_its_visibility_expires(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", visibility_timeout=30, clock=clock)
    queue.send("work")
    first = queue.receive(wait_seconds=0)
    assert [m.receive_count for m in first] == [1]
    clock.advance(29)
    assert queue.receive(wait_seconds=0) == []
    clock.advance(1)
    second = queue.receive(wait_seconds=0, visibility_timeout=5)
    assert [m.receive_count for m in second] == [2]
    assert second[0].receipt_handle != first[0].receipt_handle
    assert second[0].message_id == first[0].message_id
    assert second[0].sent_at is not None
    assert second[0].sent_at.tzinfo is not None


def test_change_visibility_extends_or_releases_a_message(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", visibility_timeout=10, clock=clock)
    queue.send("work")
    handle = queue.receive(wait_seconds=0)[0].receipt_handle
    clock.advance(9)
    queue.change_visibility(handle, 60)
    clock.advance(30)
    assert queue.receive(wait_seconds=0) == []
    queue.change_visibility(handle, 0)
    assert len(queue.receive(wait_seconds=0)) == 1


def test_change_visibility_refuses_unknown_idle_and_over_12_hour_messages(
    clock: FakeClock,
) -> None:
    queue = InMemoryQueue("jobs", visibility_timeout=10, clock=clock)
    queue.send("work")
    with pytest.raises(ValidationError) as unknown:
        queue.change_visibility("never-given-out", 5)
    assert unknown.value.context["error_code"] == "ReceiptHandleIsInvalid"
    handle = queue.receive(wait_seconds=0)[0].receipt_handle
    clock.advance(6 * 3600)
    with pytest.raises(ValidationError) as idle:
        queue.change_visibility(handle, 5)
    assert idle.value.context["error_code"] == "MessageNotInflight"
    handle = queue.receive(wait_seconds=0, visibility_timeout=7200)[0].receipt_handle
    clock.advance(3600)
    with pytest.raises(ValidationError, match="InvalidParameterValue"):
        queue.change_visibility(handle, 43_200)


def test_delete_removes_and_deleting_again_is_not_an_error(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", visibility_timeout=1, clock=clock)
    queue.send("work")
    handle = queue.receive(wait_seconds=0)[0].receipt_handle
    queue.delete(handle)
    queue.delete(handle)
    clock.advance(5)
    assert queue.receive(wait_seconds=0) == []
    assert len(queue) == 0
    with pytest.raises(ValidationError, match="ReceiptHandleIsInvalid"):
        queue.delete("never-given-out")


def test_an_older_receipt_handle_still_deletes_the_message(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", visibility_timeout=1, clock=clock)
    queue.send("work")
    old = queue.receive(wait_seconds=0)[0].receipt_handle
    clock.advance(2)
    queue.receive(wait_seconds=0)
    queue.delete(old)
    assert len(queue) == 0


def test_delayed_messages_become_visible_after_their_delay(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", visibility_timeout=300, clock=clock)
    queue.send("later", delay_seconds=60)
    queue.send("now")
    assert [m.body for m in queue.receive(wait_seconds=0)] == ["now"]
    clock.advance(60)
    assert [m.body for m in queue.receive(wait_seconds=0)] == ["later"]


def test_receive_returns_at_most_max_messages(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", clock=clock)
    assert queue.send_batch([f"m{i}" for i in range(15)]).ok
    assert len(queue.receive(max_messages=10, wait_seconds=0)) == 10
    assert len(queue.receive(max_messages=10, wait_seconds=0)) == 5


def test_fifo_holds_a_group_back_while_one_of_its_messages_is_in_flight(
    clock: FakeClock,
) -> None:
    queue = InMemoryQueue("fills.fifo", visibility_timeout=30, clock=clock)
    for body, group in [("a1", "A"), ("b1", "B"), ("a2", "A"), ("b2", "B")]:
        queue.send(body, group_id=group, dedup_id=body)
    first = queue.receive(max_messages=1, wait_seconds=0)
    assert [m.body for m in first] == ["a1"]
    assert [m.body for m in queue.receive(max_messages=10, wait_seconds=0)] == ["b1", "b2"]
    assert queue.receive(wait_seconds=0) == []
    queue.delete(first[0].receipt_handle)
    second = queue.receive(wait_seconds=0)
    assert [(m.body, m.group_id, m.dedup_id) for m in second] == [("a2", "A", "a2")]


def test_fifo_deduplicates_within_five_minutes(clock: FakeClock) -> None:
    queue = InMemoryQueue("fills.fifo", clock=clock)
    first = queue.send("x", group_id="g", dedup_id="d")
    assert queue.send("x", group_id="g", dedup_id="d") == first
    assert len(queue) == 1
    clock.advance(301)
    assert queue.send("x", group_id="g", dedup_id="d") != first
    assert len(queue) == 2


def test_fifo_content_based_deduplication_uses_the_body(clock: FakeClock) -> None:
    queue = InMemoryQueue("fills.fifo", content_based_deduplication=True, clock=clock)
    queue.send("same", group_id="g")
    queue.send("same", group_id="g")
    queue.send("other", group_id="g")
    assert len(queue) == 2


def test_fifo_without_any_deduplication_is_refused_like_sqs(clock: FakeClock) -> None:
    queue = InMemoryQueue("fills.fifo", clock=clock)
    with pytest.raises(ValidationError) as info:
        queue.send("x", group_id="g")
    assert info.value.context["error_code"] == "InvalidParameterValue"
    with pytest.raises(ValidationError):
        queue.send_batch([OutgoingMessage("ok", group_id="g", dedup_id="1"), "no-group"])
    assert len(queue) == 0


def test_delete_batch_reports_unknown_handles_per_entry(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", clock=clock)
    queue.send_batch(["a", "b"])
    handles = [m.receipt_handle for m in queue.receive(wait_seconds=0)]
    result = queue.delete_batch([handles[0], "never-given-out", handles[1]])
    assert [s.index for s in result.succeeded] == [0, 2]
    assert [(f.index, f.code, f.sender_fault) for f in result.failed] == [
        (1, "ReceiptHandleIsInvalid", True)
    ]


def test_bad_arguments_are_refused(clock: FakeClock) -> None:
    queue = InMemoryQueue("jobs", clock=clock)
    with pytest.raises(ValidationError):
        queue.receive(max_messages=11)
    with pytest.raises(ValidationError):
        queue.receive(wait_seconds=21)
    with pytest.raises(ValidationError):
        queue.delete_batch(["ok", ""])
    with pytest.raises(ValidationError):
        queue.change_visibility("handle", 43_201)
    with pytest.raises(ValidationError):
        InMemoryQueue("bad name")
    with pytest.raises(ValidationError):
        InMemoryQueue("jobs", visibility_timeout=-1)


def test_long_polling_wakes_up_when_a_message_is_sent() -> None:
    queue = InMemoryQueue("jobs")
    timer = threading.Timer(0.2, queue.send, args=("late",))
    started = time.monotonic()
    timer.start()
    try:
        messages = queue.receive(wait_seconds=5)
    finally:
        timer.cancel()
    assert [m.body for m in messages] == ["late"]
    assert time.monotonic() - started < 2


def test_long_polling_an_empty_queue_returns_nothing_after_the_wait() -> None:
    queue = InMemoryQueue("jobs")
    started = time.monotonic()
    assert queue.receive(wait_seconds=1) == []
    assert 0.9 < time.monotonic() - started < 2
