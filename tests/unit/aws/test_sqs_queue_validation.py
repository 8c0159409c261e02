"""SQSQueue refuses bad input before any AWS call (the client would fail if it were used)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.sqs import MessageQueue, OutgoingMessage, SQSQueue
from tradai.common.exceptions import ValidationError


class Untouchable:
    """Stands in for a boto3 client: any use of it fails the test."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the client was used ({name}) before validation")


def _queue(queue: str = "jobs") -> SQSQueue:
    return SQSQueue(queue, client=Untouchable())


def test_a_url_or_a_name_identifies_the_queue() -> None:
    by_url = _queue("https://sqs.eu-west-1.amazonaws.com/123456789012/fills.fifo")
    assert (by_url.name, by_url.is_fifo) == ("fills.fifo", True)
    assert by_url.url() == "https://sqs.eu-west-1.amazonaws.com/123456789012/fills.fifo"
    assert _queue("http://127.0.0.1:5000/123456789012/jobs").name == "jobs"
    assert repr(_queue("jobs")) == "SQSQueue(name='jobs')"
    assert isinstance(_queue(), MessageQueue)


@pytest.mark.parametrize(
    "queue",
    [
        "",
        "jobs\n",
        " jobs",
        "jobs;rm",
        "jobsА",
        "-jobs",
        "ftp://host/1/jobs",
        "https:///1/jobs",
        "https://user:pw@host/1/jobs",
        "https://host/1/jobs?x=1",
        "https://host/1/jobs#frag",
        "https://host/1/bad name",
        "https://host/1/",
        "https://host/123456789012/jobs/",
        "https://host/jobs",
        "https://host/12345678901/jobs",
        "a" * 81,
    ],
)
def test_bad_queue_urls_and_names_are_refused(queue: str) -> None:
    with pytest.raises(ValidationError) as info:
        SQSQueue(queue)
    assert info.value.field == "queue"


def test_bad_sends_are_refused_before_any_call() -> None:
    queue = _queue()
    for kwargs in (
        {"body": ""},
        {"body": "x" * (256 * 1024 + 1)},
        {"body": "x", "group_id": "g"},
        {"body": "x", "attributes": {"k": True}},
        {"body": "x", "delay_seconds": 901},
    ):
        with pytest.raises(ValidationError):
            queue.send(**kwargs)  # type: ignore[arg-type,unused-ignore]  # bad on purpose
    with pytest.raises(ValidationError):
        _queue("jobs.fifo").send("x")
    with pytest.raises(ValidationError):
        queue.send_batch(["ok", OutgoingMessage("x", dedup_id="d")])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_messages": 0}, "max_messages"),
        ({"max_messages": 11}, "max_messages"),
        ({"wait_seconds": -1}, "wait_seconds"),
        ({"wait_seconds": 21}, "wait_seconds"),
        ({"visibility_timeout": 43_201}, "visibility_timeout"),
        ({"visibility_timeout": 1.5}, "visibility_timeout"),
    ],
)
def test_bad_receive_arguments_are_refused(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        _queue().receive(**kwargs)  # type: ignore[arg-type]  # bad on purpose
    assert info.value.field == field


def test_a_wait_longer_than_the_read_timeout_is_refused() -> None:
    client = ClientFactory(config=ClientConfig(read_timeout=5)).client("sqs")
    queue = SQSQueue("https://sqs.us-east-1.amazonaws.com/123456789012/jobs", client=client)
    with pytest.raises(ValidationError, match="read timeout") as info:
        queue.receive(wait_seconds=5)
    assert info.value.field == "wait_seconds"


def test_bad_handles_and_visibilities_are_refused_before_any_call() -> None:
    queue = _queue()
    for call in (
        lambda: queue.delete(""),
        lambda: queue.delete("with space"),
        lambda: queue.delete("x" * 1025),
        lambda: queue.delete("tab\there"),
        lambda: queue.delete_batch(["ok", "é"]),
        lambda: queue.change_visibility("h", -1),
        lambda: queue.change_visibility("h", 43_201),
        lambda: queue.change_visibility("h", True),  # bool is an int to mypy; refused anyway
    ):
        with pytest.raises(ValidationError):
            call()


def test_empty_batches_make_no_call() -> None:
    assert _queue().send_batch([]).ok
    assert _queue().delete_batch([]).succeeded == ()


def test_importing_the_adapters_does_not_import_boto3() -> None:
    code = (
        "import sys\n"
        "import tradai.common.aws.sqs, tradai.common.aws.sns, tradai.common.aws.step_functions\n"
        "import tradai.common.aws.memory.queue\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore')))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"
