"""SQSQueue against the real moto server: round trips, faults, a stopped server, heartbeats."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service, start_moto_server
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.sqs import AttributeValue, SQSQueue, VisibilityHeartbeat
from tradai.common.exceptions import (
    AuthenticationError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
)

pytestmark = pytest.mark.integration


def _client(**config: Any) -> Any:
    return ClientFactory(config=ClientConfig(**config)).client("sqs")


def _create(client: Any, name: str, **attributes: str) -> str:
    return str(client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"])


def test_typed_attributes_survive_the_round_trip(aws: Service) -> None:
    client = _client()
    queue = SQSQueue(_create(client, "jobs"), client=client)
    attributes: dict[str, AttributeValue] = {
        "pair": "BTC/USDT",
        "attempt": 2,
        "ratio": Decimal("0.25"),
        "raw": b"\x00\x01",
    }
    message_id = queue.send('{"job": 1}', attributes=attributes)
    [message] = queue.receive(wait_seconds=0)
    assert (message.message_id, message.body) == (message_id, '{"job": 1}')
    assert dict(message.attributes) == attributes
    assert message.receive_count == 1
    assert message.sent_at is not None
    assert message.sent_at.tzinfo is not None
    queue.delete(message.receipt_handle)
    assert queue.receive(wait_seconds=0) == []


def test_a_queue_name_is_resolved_to_its_url_once(aws: Service) -> None:
    client = _client()
    url = _create(client, "by-name")
    calls: list[str] = []
    client.meta.events.register("before-call.sqs.GetQueueUrl", lambda **_: calls.append("x"))
    queue = SQSQueue("by-name", client=client)
    queue.send("one")
    queue.send("two")
    assert queue.url() == url
    assert calls == ["x"]


def test_clients_come_from_the_process_wide_or_a_given_factory(aws: Service) -> None:
    _create(_client(), "defaults")
    SQSQueue("defaults").send("from the default factory")
    factory = ClientFactory()
    queue = SQSQueue("defaults", factory=factory)
    assert sorted(m.body for m in queue.receive(wait_seconds=0)) == ["from the default factory"]
    assert queue.client is factory.client("sqs")


def test_a_missing_queue_is_not_found(aws: Service) -> None:
    with pytest.raises(NotFoundError) as info:
        SQSQueue("no-such-queue", client=_client()).send("x")
    assert info.value.context["resource"] == "no-such-queue"


def test_batches_over_ten_entries_and_256_kib_all_arrive(aws: Service) -> None:
    client = _client()
    queue = SQSQueue(_create(client, "bulk", VisibilityTimeout="60"), client=client)
    assert queue.send_batch([f"m{i}" for i in range(23)]).ok
    big = "x" * (120 * 1024)
    assert queue.send_batch([big, big, big]).ok  # one call would exceed 256 KiB
    received: list[str] = []
    while batch := queue.receive(wait_seconds=0):
        received += [m.body for m in batch]
        assert queue.delete_batch([m.receipt_handle for m in batch]).ok
    assert sorted(b for b in received if b != big) == sorted(f"m{i}" for i in range(23))
    assert received.count(big) == 3


def test_throttling_is_retried_then_surfaces_as_transient(aws: Service) -> None:
    client = _client(max_attempts=2)
    queue = SQSQueue(_create(client, "jobs"), client=client)
    with inject_aws_error(client, code="ThrottlingException", status=400) as record:
        with pytest.raises(TransientError) as info:
            queue.send("x")
    assert record.injected == 2
    assert info.value.context["operation"] == "SendMessage"
    assert info.value.context["resource"] == "jobs"
    assert info.value.retryable


def test_a_throttle_that_clears_is_absorbed(aws: Service) -> None:
    client = _client(max_attempts=2)
    queue = SQSQueue(_create(client, "jobs"), client=client)
    with inject_aws_error(client, code="RequestThrottled", status=400, times=1):
        assert queue.receive(wait_seconds=0) == []


def test_non_retryable_errors_surface_at_once(aws: Service) -> None:
    client = _client(max_attempts=2)
    queue = SQSQueue(_create(client, "jobs"), client=client)
    with inject_aws_error(client, code="AccessDeniedException", status=400) as record:
        with pytest.raises(AuthenticationError):
            queue.change_visibility("handle", 5)
    assert record.injected == 1


def test_a_stopped_server_fails_fast_instead_of_hanging() -> None:
    private = start_moto_server()
    try:
        factory = ClientFactory(
            config=ClientConfig(max_attempts=2, connect_timeout=0.5, read_timeout=1)
        )
        client = factory.client("sqs", endpoint_url=private.url)
        queue = SQSQueue(_create(client, "jobs"), client=client)
        queue.send("before")
        private.stop()
        started = time.monotonic()
        with pytest.raises(ExternalServiceError) as info:
            queue.receive(wait_seconds=0)
        assert time.monotonic() - started < 5
        assert isinstance(info.value, TransientError)
    finally:
        private.stop()


def test_the_heartbeat_keeps_a_message_hidden_on_sqs(aws: Service) -> None:
    client = _client()
    queue = SQSQueue(_create(client, "long-jobs", VisibilityTimeout="1"), client=client)
    queue.send("long job")
    [message] = queue.receive(wait_seconds=0)
    with VisibilityHeartbeat(queue, message, timeout_seconds=1, interval_seconds=0.3) as beat:
        time.sleep(1.6)
        assert queue.receive(wait_seconds=0) == []
    assert beat.extensions >= 3
    assert beat.last_error is None
    time.sleep(1.2)
    assert [m.receive_count for m in queue.receive(wait_seconds=0)] == [2]
