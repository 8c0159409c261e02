"""One contract for the MessageQueue port: InMemoryQueue and SQSQueue (on moto) behave alike.

Time: the twin runs on a fake clock that the test moves; on moto the test sleeps, so the
visibility timeouts here are 1 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.memory.queue import InMemoryQueue
from tradai.common.aws.sqs import AttributeValue, MessageQueue, OutgoingMessage, SQSQueue
from tradai.common.exceptions import ValidationError


class FakeClock:
    """Seconds since the epoch that only move when told to."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Backend:
    """Makes queues of one implementation, and lets time pass for it."""

    make: Callable[..., MessageQueue]
    advance: Callable[[float], None]


def _memory() -> Backend:
    clock = FakeClock()

    def make(name: str, *, visibility: int = 30, content_dedup: bool = False) -> MessageQueue:
        return InMemoryQueue(
            name,
            visibility_timeout=visibility,
            content_based_deduplication=content_dedup,
            clock=clock,
        )

    return Backend(make, clock.advance)


def _sqs() -> Backend:
    client = ClientFactory().client("sqs")

    def make(name: str, *, visibility: int = 30, content_dedup: bool = False) -> MessageQueue:
        attributes = {"VisibilityTimeout": str(visibility)}
        if name.endswith(".fifo"):
            attributes["FifoQueue"] = "true"
            attributes["ContentBasedDeduplication"] = str(content_dedup).lower()
        url = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return SQSQueue(url, client=client)

    return Backend(make, time.sleep)


@pytest.fixture(params=["memory", pytest.param("sqs", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        return _memory()
    request.getfixturevalue("aws")
    return _sqs()


def _bodies(queue: MessageQueue, **kwargs: Any) -> list[str]:
    return [m.body for m in queue.receive(wait_seconds=0, **kwargs)]


def test_a_message_round_trips_with_typed_attributes(backend: Backend) -> None:
    queue = backend.make("jobs")
    attributes: dict[str, AttributeValue] = {
        "pair": "BTC/USDT",
        "n": 7,
        "ratio": Decimal("0.5"),
        "raw": b"\x00",
    }
    message_id = queue.send("hello", attributes=attributes)
    [message] = queue.receive(wait_seconds=0)
    assert (message.body, message.message_id, message.receive_count) == ("hello", message_id, 1)
    assert dict(message.attributes) == attributes
    assert (message.group_id, message.dedup_id) == (None, None)


def test_an_empty_queue_returns_nothing(backend: Backend) -> None:
    assert backend.make("jobs").receive(wait_seconds=0) == []


def test_an_undeleted_message_comes_back_after_its_visibility_timeout(backend: Backend) -> None:
    queue = backend.make("jobs", visibility=1)
    queue.send("work")
    first = queue.receive(wait_seconds=0)
    assert _bodies(queue) == []
    backend.advance(1.2)
    [again] = queue.receive(wait_seconds=0)
    assert again.receive_count == 2
    assert again.message_id == first[0].message_id
    assert again.receipt_handle != first[0].receipt_handle


def test_a_delayed_message_stays_invisible_until_its_delay_passes(backend: Backend) -> None:
    queue = backend.make("jobs")
    queue.send("later", delay_seconds=1)
    assert _bodies(queue) == []
    backend.advance(1.2)
    assert _bodies(queue) == ["later"]


def test_a_visibility_change_releases_or_extends_a_message(backend: Backend) -> None:
    queue = backend.make("jobs", visibility=1)
    queue.send("work")
    [message] = queue.receive(wait_seconds=0)
    queue.change_visibility(message.receipt_handle, 0)
    [message] = queue.receive(wait_seconds=0)
    queue.change_visibility(message.receipt_handle, 30)
    backend.advance(1.2)
    assert _bodies(queue) == []


def test_a_deleted_message_never_comes_back_and_deleting_twice_is_fine(
    backend: Backend,
) -> None:
    queue = backend.make("jobs", visibility=1)
    queue.send("work")
    [message] = queue.receive(wait_seconds=0)
    queue.delete(message.receipt_handle)
    queue.delete(message.receipt_handle)
    backend.advance(1.2)
    assert _bodies(queue) == []


def test_unknown_receipt_handles_fail_alike(backend: Backend) -> None:
    queue = backend.make("jobs")
    with pytest.raises(ValidationError) as info:
        queue.delete("never-given-out")
    assert info.value.context["error_code"] == "ReceiptHandleIsInvalid"
    with pytest.raises(ValidationError):
        queue.change_visibility("never-given-out", 5)


def test_batches_send_every_entry_and_report_bad_deletes_per_entry(backend: Backend) -> None:
    queue = backend.make("jobs", visibility=60)
    sent = queue.send_batch([f"m{i}" for i in range(12)])
    assert sent.ok
    assert [s.index for s in sent.succeeded] == list(range(12))
    assert all(s.message_id for s in sent.succeeded)
    received = queue.receive(max_messages=10, wait_seconds=0)
    assert len(received) == 10
    handles = [m.receipt_handle for m in received[:3]]
    result = queue.delete_batch([handles[0], "never-given-out", *handles[1:]])
    assert [s.index for s in result.succeeded] == [0, 2, 3]
    assert [(f.index, f.code, f.sender_fault) for f in result.failed] == [
        (1, "ReceiptHandleIsInvalid", True)
    ]


def test_fifo_keeps_group_order_and_holds_a_busy_group_back(backend: Backend) -> None:
    queue = backend.make("fills.fifo")
    assert queue.is_fifo
    for body, group in [("a1", "A"), ("b1", "B"), ("a2", "A")]:
        queue.send(body, group_id=group, dedup_id=body)
    [first] = queue.receive(max_messages=1, wait_seconds=0)
    assert (first.body, first.group_id) == ("a1", "A")
    assert _bodies(queue) == ["b1"]
    queue.delete(first.receipt_handle)
    assert _bodies(queue) == ["a2"]


def test_fifo_drops_duplicates(backend: Backend) -> None:
    queue = backend.make("fills.fifo", visibility=60)
    queue.send("x", group_id="g", dedup_id="same")
    queue.send("x", group_id="g", dedup_id="same")
    assert queue.send_batch([OutgoingMessage("y", group_id="g", dedup_id="other")]).ok
    assert _bodies(queue) == ["x", "y"]


def test_fifo_content_based_deduplication_uses_the_body(backend: Backend) -> None:
    queue = backend.make("fills.fifo", visibility=60, content_dedup=True)
    queue.send("same", group_id="g")
    queue.send("same", group_id="g")
    assert _bodies(queue) == ["same"]


def test_fifo_without_any_deduplication_is_refused_alike(backend: Backend) -> None:
    queue = backend.make("fills.fifo")
    with pytest.raises(ValidationError) as info:
        queue.send("x", group_id="g")
    assert info.value.context["error_code"] == "InvalidParameterValue"


def test_bad_input_is_refused_before_any_call_alike(backend: Backend) -> None:
    queue = backend.make("jobs")
    fifo = backend.make("fills.fifo")
    for call in (
        lambda: queue.send(""),
        lambda: queue.send("x" * (256 * 1024 + 1)),
        lambda: queue.send("x", group_id="g"),
        lambda: fifo.send("x"),
        lambda: queue.receive(max_messages=11),
        lambda: queue.receive(wait_seconds=21),
        lambda: queue.change_visibility("handle", 43_201),
        lambda: queue.delete(""),
    ):
        with pytest.raises(ValidationError) as info:
            call()
        assert "error_code" not in info.value.context  # refused by us, not by the service
