"""InMemoryTopic fans messages out to subscribed in-memory queues, raw or in SNS's envelope."""

from __future__ import annotations

import base64
import json

import pytest

from tradai.common.aws.memory.queue import InMemoryQueue, InMemoryTopic
from tradai.common.aws.sns import Notification, Notifier
from tradai.common.exceptions import ValidationError

ARN = "arn:aws:sns:us-east-1:123456789012:alerts"
FIFO_ARN = "arn:aws:sns:us-east-1:123456789012:fills.fifo"


def test_raw_delivery_carries_the_message_and_typed_attributes() -> None:
    topic = InMemoryTopic(ARN)
    queue = InMemoryQueue("inbox")
    topic.subscribe(queue, raw_message_delivery=True)
    topic.publish("disk full", subject="ops", attributes={"severity": "critical", "level": 3})
    [message] = queue.receive(wait_seconds=0)
    assert message.body == "disk full"
    assert dict(message.attributes) == {"severity": "critical", "level": 3}
    assert isinstance(topic, Notifier)
    assert repr(topic) == f"InMemoryTopic(topic_arn={ARN!r})"


def test_envelope_delivery_wraps_subject_and_attributes_like_sns() -> None:
    topic = InMemoryTopic(ARN, clock=lambda: 0.0)
    queue = InMemoryQueue("inbox")
    topic.subscribe(queue)
    message_id = topic.publish("hi", subject="greeting", attributes={"n": 2, "b": b"\x01"})
    [message] = queue.receive(wait_seconds=0)
    envelope = json.loads(message.body)
    assert envelope["Type"] == "Notification"
    assert envelope["MessageId"] == message_id
    assert envelope["TopicArn"] == ARN
    assert (envelope["Message"], envelope["Subject"]) == ("hi", "greeting")
    assert envelope["Timestamp"].startswith("1970-01-01T00:00:00")
    assert envelope["MessageAttributes"] == {
        "n": {"Type": "Number", "Value": "2"},
        "b": {"Type": "Binary", "Value": base64.b64encode(b"\x01").decode()},
    }
    assert dict(message.attributes) == {}


def test_every_subscriber_gets_a_copy_until_it_unsubscribes() -> None:
    topic = InMemoryTopic(ARN)
    first, second = InMemoryQueue("first"), InMemoryQueue("second")
    subscription = topic.subscribe(first, raw_message_delivery=True)
    topic.subscribe(second, raw_message_delivery=True)
    topic.publish("one")
    topic.unsubscribe(subscription)
    topic.unsubscribe("arn:aws:sns:us-east-1:123456789012:alerts:unknown")
    topic.publish("two")
    assert [m.body for m in first.receive(wait_seconds=0)] == ["one"]
    assert [m.body for m in second.receive(wait_seconds=0)] == ["one", "two"]
    assert [n.message for n in topic.published] == ["one", "two"]


def test_fifo_topics_forward_group_and_deduplication_to_fifo_queues() -> None:
    topic = InMemoryTopic(FIFO_ARN)
    queue = InMemoryQueue("fills.fifo")
    topic.subscribe(queue, raw_message_delivery=True)
    topic.publish("a1", group_id="A", dedup_id="a1")
    topic.publish("a1 again", group_id="A", dedup_id="a1")
    [message] = queue.receive(wait_seconds=0)
    assert (message.body, message.group_id, message.dedup_id) == ("a1", "A", "a1")


def test_fifo_topics_without_deduplication_are_refused_like_sns() -> None:
    topic = InMemoryTopic(FIFO_ARN)
    with pytest.raises(ValidationError) as info:
        topic.publish("x", group_id="g")
    assert info.value.context["error_code"] == "InvalidParameter"
    content = InMemoryTopic(FIFO_ARN, content_based_deduplication=True)
    queue = InMemoryQueue("fills.fifo")
    content.subscribe(queue, raw_message_delivery=True)
    content.publish("same", group_id="g")
    content.publish("same", group_id="g")
    assert len(queue) == 1


def test_publish_batch_reports_entries_sns_would_refuse_one_by_one() -> None:
    topic = InMemoryTopic(FIFO_ARN)
    result = topic.publish_batch(
        [Notification("a", group_id="g", dedup_id="1"), Notification("b", group_id="g")]
    )
    assert [s.index for s in result.succeeded] == [0]
    assert result.succeeded[0].message_id
    assert [(f.index, f.code, f.sender_fault) for f in result.failed] == [
        (1, "InvalidParameter", True)
    ]


def test_a_subscriber_that_refuses_a_delivery_does_not_fail_the_publish() -> None:
    topic = InMemoryTopic(ARN)
    queue = InMemoryQueue("inbox")
    topic.subscribe(queue)  # the JSON envelope will be too big for the queue
    topic.publish("x" * (256 * 1024 - 100))
    assert len(queue) == 0
    assert len(topic.published) == 1


def test_standard_topics_cannot_feed_fifo_queues_and_bad_input_is_refused() -> None:
    with pytest.raises(ValidationError):
        InMemoryTopic(ARN).subscribe(InMemoryQueue("fills.fifo"))
    with pytest.raises(ValidationError):
        InMemoryTopic("arn:aws:sqs:us-east-1:123456789012:alerts")
    with pytest.raises(ValidationError):
        InMemoryTopic(ARN).publish("x", group_id="g")
    with pytest.raises(ValidationError):
        InMemoryTopic(FIFO_ARN).publish_batch(["no group"])
