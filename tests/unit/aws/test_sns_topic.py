"""SNSTopic and Notification: topic ARNs, subjects and FIFO rules are checked before any call."""

from __future__ import annotations

import pytest

from tradai.common.aws.sns import (
    Notification,
    Notifier,
    SNSTopic,
    prepare_notifications,
    validate_topic_arn,
)
from tradai.common.exceptions import ValidationError

ARN = "arn:aws:sns:us-east-1:123456789012:alerts"
FIFO_ARN = "arn:aws:sns:us-east-1:123456789012:fills.fifo"


class Untouchable:
    """Stands in for a boto3 client: any use of it fails the test."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the client was used ({name}) before validation")


def test_the_topic_is_named_and_typed_by_its_arn() -> None:
    topic = SNSTopic(FIFO_ARN, client=Untouchable())
    assert (topic.topic_arn, topic.name, topic.is_fifo) == (FIFO_ARN, "fills.fifo", True)
    assert repr(topic) == f"SNSTopic(topic_arn={FIFO_ARN!r})"
    assert isinstance(topic, Notifier)


@pytest.mark.parametrize(
    "arn",
    [
        "",
        "alerts",
        ARN + "\n",
        " " + ARN,
        "arn:aws:sqs:us-east-1:123456789012:alerts",
        "arn:aws:sns:us-east-1:123456789012:alerts:4f1c0e3e-sub",
        "arn:aws:sns:us-east-1:123456789012:al;erts",
        "arn:aws:sns:us-east-1:123456789012:-alerts",
        "arn:aws:sns:us-east-1:123456789012:alertsА",
        "arn:aws:sns:us-east-1:12345678901:alerts",
        "arn:aws:sns:us-east-1:123456789012:" + "a" * 257,
    ],
)
def test_bad_topic_arns_are_refused(arn: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_topic_arn(arn)
    assert info.value.field == "topic_arn"


@pytest.mark.parametrize("subject", ["", " risk", "risk ", "ri\nsk", "rïsk", "x" * 101, "\x00"])
def test_bad_subjects_are_refused(subject: str) -> None:
    with pytest.raises(ValidationError) as info:
        Notification("body", subject=subject)
    assert info.value.field == "subject"


def test_subjects_of_up_to_100_printable_characters_are_accepted() -> None:
    assert Notification("body", subject="x" * 100).subject == "x" * 100
    assert Notification("body", subject="[ALERT] drawdown > 10%!").subject


def test_publish_parameters_carry_only_what_was_given() -> None:
    plain = Notification("hello").to_params()
    assert plain == {"Message": "hello"}
    full = Notification(
        "hello", subject="s", attributes={"n": 1}, group_id="g", dedup_id="d"
    ).to_params()
    assert full == {
        "Message": "hello",
        "Subject": "s",
        "MessageAttributes": {"n": {"DataType": "Number", "StringValue": "1"}},
        "MessageGroupId": "g",
        "MessageDeduplicationId": "d",
    }
    assert Notification("hé", attributes={"k": "v"}).size == 3 + 1 + len("String") + 1


def test_bad_publishes_are_refused_before_any_call() -> None:
    topic = SNSTopic(ARN, client=Untouchable())
    fifo = SNSTopic(FIFO_ARN, client=Untouchable())
    for call in (
        lambda: topic.publish(""),
        lambda: topic.publish("x" * (256 * 1024 + 1)),
        lambda: topic.publish("x", attributes={"AWS.x": "y"}),
        lambda: topic.publish("x", group_id="g"),
        lambda: topic.publish("x", dedup_id="d"),
        lambda: fifo.publish("x"),
        lambda: fifo.publish("x", group_id="g;x"),
        lambda: topic.publish_batch(["ok", ""]),
    ):
        with pytest.raises(ValidationError):
            call()
    assert topic.publish_batch([]).ok


def test_a_bad_batch_entry_is_named_by_its_index() -> None:
    with pytest.raises(ValidationError) as info:
        prepare_notifications([Notification("a", group_id="g"), "b"], fifo=True)
    assert info.value.context["index"] == 1
    assert info.value.message.startswith("notifications[1]")
