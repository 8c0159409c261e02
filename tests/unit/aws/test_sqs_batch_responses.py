"""SQS batch answers no emulator produces, served through botocore's real parsing.

A ``before-send`` hook answers the requests (a fake transport, like httpx's
``MockTransport``): botocore still serialises, parses and retries, so these tests prove how
the adapter reads per-entry failures and a call failing in the middle of a batch.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.sqs import BatchFailure, SQSQueue
from tradai.common.exceptions import TransientError

URL = "http://127.0.0.1:9/123456789012/jobs"
Answer = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *_: Any) -> bytes:
        return self._data


@contextmanager
def fake_transport(client: Any, answer: Answer) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    seen: list[tuple[str, dict[str, Any]]] = []

    def handler(request: Any, **kwargs: Any) -> AWSResponse:
        operation = kwargs["event_name"].rsplit(".", 1)[-1]
        body = json.loads(request.body or b"{}")
        seen.append((operation, body))
        status, payload = answer(operation, body)
        headers = {"Content-Type": "application/x-amz-json-1.0"}
        if status >= 400:
            headers["x-amzn-ErrorType"] = payload["__type"]
        return AWSResponse(request.url, status, headers, _Body(json.dumps(payload).encode()))

    client.meta.events.register_first("before-send.*.*", handler)
    try:
        yield seen
    finally:
        client.meta.events.unregister("before-send.*.*", handler)


@pytest.fixture
def client() -> Any:
    factory = ClientFactory(config=ClientConfig(max_attempts=1))
    return factory.client("sqs", endpoint_url="http://127.0.0.1:9", region="us-east-1")


def _all_succeed(operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    entries = body["Entries"]
    return 200, {"Successful": [{"Id": e["Id"], "MessageId": f"m{e['Id']}"} for e in entries]}


def test_entries_refused_by_sqs_are_reported_by_input_index(client: Any) -> None:
    def answer(operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        ids = [e["Id"] for e in body["Entries"]]
        return 200, {
            "Successful": [{"Id": i, "MessageId": f"m{i}"} for i in ids if i != "1"],
            "Failed": [
                {"Id": "1", "Code": "InternalError", "Message": "retry me", "SenderFault": False}
            ],
        }

    with fake_transport(client, answer):
        result = SQSQueue(URL, client=client).send_batch(["a", "b", "c"])
    assert [(s.index, s.message_id) for s in result.succeeded] == [(0, "m0"), (2, "m2")]
    assert result.failed == (BatchFailure(1, "InternalError", "retry me", sender_fault=False),)
    assert not result.ok


def test_batches_are_sent_in_calls_of_ten_entries_and_256_kib(client: Any) -> None:
    with fake_transport(client, _all_succeed) as seen:
        queue = SQSQueue(URL, client=client)
        assert queue.send_batch([f"m{i}" for i in range(25)]).ok
        big = "x" * (100 * 1024)
        assert len(queue.send_batch([big, big, big]).succeeded) == 3
    sizes = [len(body["Entries"]) for _, body in seen]
    assert sizes == [10, 10, 5, 2, 1]
    first = seen[0][1]["Entries"][0]
    assert first == {"Id": "0", "MessageBody": "m0"}


def test_a_call_failing_mid_batch_names_the_entries_already_sent(client: Any) -> None:
    calls = 0

    def answer(operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        nonlocal calls
        calls += 1
        if calls == 2:
            return 503, {"__type": "ServiceUnavailable", "message": "down"}
        return _all_succeed(operation, body)

    with fake_transport(client, answer), pytest.raises(TransientError) as info:
        SQSQueue(URL, client=client).send_batch([f"m{i}" for i in range(15)])
    assert info.value.context["completed_indexes"] == list(range(10))
    assert info.value.context["operation"] == "SendMessageBatch"
    assert info.value.context["resource"] == "jobs"


def test_a_first_call_failing_raises_without_completed_entries(client: Any) -> None:
    def answer(operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return 400, {"__type": "ThrottlingException", "message": "slow down"}

    with fake_transport(client, answer), pytest.raises(TransientError) as info:
        SQSQueue(URL, client=client).delete_batch(["h1", "h2"])
    assert "completed_indexes" not in info.value.context


def test_receive_asks_for_every_attribute_and_reads_system_attributes(client: Any) -> None:
    def answer(operation: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        message = {
            "MessageId": "m1",
            "ReceiptHandle": "h1",
            "Body": "hi",
            "Attributes": {
                "ApproximateReceiveCount": "3",
                "SentTimestamp": "1767225600000",
                "MessageGroupId": "g",
                "MessageDeduplicationId": "d",
            },
        }
        return 200, {"Messages": [message]}

    with fake_transport(client, answer) as seen:
        [message] = SQSQueue(URL, client=client).receive(wait_seconds=1, visibility_timeout=7)
    request = seen[0][1]
    assert request["MessageSystemAttributeNames"] == ["All"]
    assert request["MessageAttributeNames"] == ["All"]
    assert (request["WaitTimeSeconds"], request["VisibilityTimeout"]) == (1, 7)
    assert (message.receive_count, message.group_id, message.dedup_id) == (3, "g", "d")
    assert message.sent_at is not None
    assert message.sent_at.isoformat() == ("2026-01-01T00:00:00+00:00")
