"""SNSTopic against the real moto server: delivery to SQS with attributes, faults, batches.

moto 5.2.5 answers HTTP 500 when a *Binary* attribute goes to an SQS subscription with raw
delivery, so raw delivery is checked with String and Number attributes; Binary ones are
checked in the JSON envelope.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service, start_moto_server
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.sns import Notification, SNSTopic
from tradai.common.aws.sqs import SQSQueue
from tradai.common.exceptions import ExternalServiceError, NotFoundError, TransientError

pytestmark = pytest.mark.integration


def _clients(**config: Any) -> tuple[Any, Any]:
    factory = ClientFactory(config=ClientConfig(**config))
    return factory.client("sns"), factory.client("sqs")


def _subscribed_queue(sns: Any, sqs: Any, topic_arn: str, name: str, *, raw: bool) -> SQSQueue:
    attributes = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true" if raw else "false"},
    )
    return SQSQueue(url, client=sqs)


def test_raw_delivery_to_sqs_keeps_typed_attributes(aws: Service) -> None:
    sns, sqs = _clients()
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    queue = _subscribed_queue(sns, sqs, arn, "alerts-raw", raw=True)
    message_id = SNSTopic(arn, client=sns).publish(
        "drawdown above 10%", subject="risk", attributes={"severity": "critical", "level": 3}
    )
    assert message_id
    [message] = queue.receive(wait_seconds=0)
    assert message.body == "drawdown above 10%"
    assert dict(message.attributes) == {"severity": "critical", "level": 3}


def test_envelope_delivery_to_sqs_carries_subject_and_attributes(aws: Service) -> None:
    sns, sqs = _clients()
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    queue = _subscribed_queue(sns, sqs, arn, "alerts-envelope", raw=False)
    message_id = SNSTopic(arn, client=sns).publish(
        "fill", subject="orders", attributes={"pair": "ETH/USDT", "qty": 1.5, "sig": b"\x01\x02"}
    )
    [message] = queue.receive(wait_seconds=0)
    envelope = json.loads(message.body)
    assert (envelope["Type"], envelope["MessageId"]) == ("Notification", message_id)
    assert (envelope["Message"], envelope["Subject"], envelope["TopicArn"]) == (
        "fill",
        "orders",
        arn,
    )
    attributes = envelope["MessageAttributes"]
    assert attributes["pair"] == {"Type": "String", "Value": "ETH/USDT"}
    assert attributes["qty"] == {"Type": "Number", "Value": "1.5"}
    assert attributes["sig"]["Type"] == "Binary"
    assert base64.b64decode(attributes["sig"]["Value"]) == b"\x01\x02"


def test_fifo_topic_batches_report_entries_without_deduplication(aws: Service) -> None:
    sns, sqs = _clients()
    arn = sns.create_topic(Name="fills.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    queue = _subscribed_queue(sns, sqs, arn, "fills.fifo", raw=True)
    result = SNSTopic(arn, client=sns).publish_batch(
        [
            Notification("a1", group_id="A", dedup_id="a1"),
            Notification("a2", group_id="A"),
            Notification("a3", group_id="A", dedup_id="a3"),
        ]
    )
    assert [s.index for s in result.succeeded] == [0, 2]
    assert [(f.index, f.code, f.sender_fault) for f in result.failed] == [
        (1, "InvalidParameter", True)
    ]
    received = queue.receive(wait_seconds=0)
    assert [(m.body, m.group_id) for m in received] == [("a1", "A"), ("a3", "A")]


def test_batches_over_ten_entries_are_all_published(aws: Service) -> None:
    sns, sqs = _clients()
    arn = sns.create_topic(Name="bulk")["TopicArn"]
    queue = _subscribed_queue(sns, sqs, arn, "bulk-inbox", raw=True)
    result = SNSTopic(arn, client=sns).publish_batch([f"n{i}" for i in range(23)])
    assert result.ok
    assert len(result.succeeded) == 23
    bodies: list[str] = []
    while batch := queue.receive(wait_seconds=0, visibility_timeout=60):
        bodies += [m.body for m in batch]
    assert sorted(bodies) == sorted(f"n{i}" for i in range(23))


def test_clients_come_from_the_process_wide_or_a_given_factory(aws: Service) -> None:
    sns, _ = _clients()
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    assert SNSTopic(arn).publish("from the default factory")
    factory = ClientFactory()
    topic = SNSTopic(arn, factory=factory)
    assert topic.publish("from a given factory")
    assert topic.client is factory.client("sns")


def test_a_missing_topic_is_not_found(aws: Service) -> None:
    sns, _ = _clients()
    arn = "arn:aws:sns:us-east-1:123456789012:nobody-made-this"
    with pytest.raises(NotFoundError) as info:
        SNSTopic(arn, client=sns).publish("x")
    assert info.value.context["resource"] == arn


def test_throttling_is_retried_then_surfaces_as_transient(aws: Service) -> None:
    sns, _ = _clients(max_attempts=2)
    arn = sns.create_topic(Name="alerts")["TopicArn"]
    with inject_aws_error(sns, code="Throttling", status=400) as record:
        with pytest.raises(TransientError) as info:
            SNSTopic(arn, client=sns).publish("x")
    assert record.injected == 2
    assert (info.value.context["operation"], info.value.context["resource"]) == ("Publish", arn)


def test_a_stopped_server_fails_fast_instead_of_hanging() -> None:
    private = start_moto_server()
    try:
        factory = ClientFactory(
            config=ClientConfig(max_attempts=2, connect_timeout=0.5, read_timeout=1)
        )
        sns = factory.client("sns", endpoint_url=private.url)
        arn = sns.create_topic(Name="alerts")["TopicArn"]
        private.stop()
        started = time.monotonic()
        with pytest.raises(ExternalServiceError) as info:
            SNSTopic(arn, client=sns).publish_batch(["a", "b"])
        assert time.monotonic() - started < 5
        assert isinstance(info.value, TransientError)
    finally:
        private.stop()
