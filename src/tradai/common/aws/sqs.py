"""SQS message queues: the :class:`MessageQueue` port, its SQS adapter and a heartbeat.

:class:`SQSQueue` sends one message or batches (split into calls of at most 10 entries and
256 KiB, with per-entry failures reported), receives with long polling, deletes one or in
batches, changes visibility, and supports FIFO queues (group and deduplication ids) and
typed message attributes. :class:`VisibilityHeartbeat` keeps a message hidden while a long
job runs. The in-memory twin is :class:`tradai.common.aws.memory.queue.InMemoryQueue`; both
refuse bad input with :class:`~tradai.common.exceptions.ValidationError` before any call.

Decisions where the spec is silent:

* The queue is given (from the caller's settings) as a URL,
  ``http(s)://<host>/<12-digit account>/<name>``, or as a name, resolved to its URL with
  one ``GetQueueUrl`` call on first use. It is FIFO when its name ends in
  ``.fifo``. A FIFO message needs a group id and takes no per-message delay; a standard
  queue takes neither a group nor a deduplication id.
* ``receive`` long-polls by default (10 messages, 20 s) and asks for every attribute; a
  wait at least as long as the client's read timeout is refused, as the call would time out.
* Message limits, attribute typing, batch planning and the heartbeat's policy are described
  in the private modules :mod:`~tradai.common.aws._messaging`,
  :mod:`~tradai.common.aws._batch` and :mod:`~tradai.common.aws._visibility`; their public
  names are re-exported here.

Example:
    >>> queue = SQSQueue("backtest-jobs.fifo")
    >>> queue.name, queue.is_fifo
    ('backtest-jobs.fifo', True)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from tradai.common.aws._batch import (
    BatchFailure,
    BatchResult,
    BatchSuccess,
    chunk_batch,
    prepare_batch,
    run_batches,
)
from tradai.common.aws._client_factory import default_factory
from tradai.common.aws._messaging import (
    AttributeValue,
    OutgoingMessage,
    QueueMessage,
    aws_boundary,
    decode_message_attributes,
    invalid,
    validate_queue_name,
)
from tradai.common.aws._visibility import (
    VisibilityHeartbeat,
    validate_receipt_handle,
    validate_receive_options,
    validate_visibility_timeout,
)
from tradai.common.aws.constants import SQS_MAX_WAIT_SECONDS

if TYPE_CHECKING:
    from tradai.common.aws._client_factory import ClientFactory

__all__ = [
    "AttributeValue",
    "BatchFailure",
    "BatchResult",
    "BatchSuccess",
    "MessageQueue",
    "OutgoingMessage",
    "QueueMessage",
    "SQSQueue",
    "VisibilityHeartbeat",
]

_UNSAFE_RE = re.compile(r"[\x00-\x20\x7f]")
_URL_PATH_RE = re.compile(r"/[0-9]{12}/([^/]+)")


@runtime_checkable
class MessageQueue(Protocol):
    """A message queue: SQS, or the in-memory twin."""

    @property
    def name(self) -> str:
        """The queue's name (``...fifo`` for FIFO queues)."""
        ...

    @property
    def is_fifo(self) -> bool:
        """Whether the queue is FIFO (ordered per group, deduplicated)."""
        ...

    def send(
        self,
        body: str,
        *,
        attributes: Mapping[str, AttributeValue] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
        delay_seconds: int = 0,
    ) -> str:
        """Send one message and return its message id (see :class:`OutgoingMessage`)."""
        ...

    def send_batch(self, messages: Sequence[OutgoingMessage | str]) -> BatchResult:
        """Send messages in as few calls as allowed; failures are reported per entry."""
        ...

    def receive(
        self,
        *,
        max_messages: int = 10,
        wait_seconds: int = SQS_MAX_WAIT_SECONDS,
        visibility_timeout: int | None = None,
    ) -> list[QueueMessage]:
        """Receive up to ``max_messages``, waiting up to ``wait_seconds`` for the first."""
        ...

    def delete(self, receipt_handle: str) -> None:
        """Delete a received message (deleting it twice is not an error)."""
        ...

    def delete_batch(self, receipt_handles: Sequence[str]) -> BatchResult:
        """Delete received messages; failures are reported per entry."""
        ...

    def change_visibility(self, receipt_handle: str, timeout_seconds: int) -> None:
        """Hide a received message for ``timeout_seconds`` from now (0 shows it again)."""
        ...


def _parse_queue(queue: str) -> tuple[str | None, str]:
    if not isinstance(queue, str) or not queue.isascii() or _UNSAFE_RE.search(queue):
        raise invalid("queue must be a queue URL or name (no spaces or control chars)", "queue")
    url, name = None, queue
    if "://" in queue:
        parts = urlsplit(queue)
        path = _URL_PATH_RE.fullmatch(parts.path)
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or "@" in parts.netloc
            or parts.query
            or parts.fragment
            or path is None
        ):
            raise invalid("queue URL must be http(s)://host/<account id>/<name>", "queue")
        url, name = queue, path.group(1)
    return url, validate_queue_name(name)


def _send_params(message: OutgoingMessage) -> dict[str, Any]:
    params: dict[str, Any] = {"MessageBody": message.body}
    attributes = message.encoded_attributes()
    if attributes:
        params["MessageAttributes"] = attributes
    if message.group_id is not None:
        params["MessageGroupId"] = message.group_id
    if message.dedup_id is not None:
        params["MessageDeduplicationId"] = message.dedup_id
    if message.delay_seconds:
        params["DelaySeconds"] = message.delay_seconds
    return params


def _to_message(raw: Mapping[str, Any]) -> QueueMessage:
    system = raw.get("Attributes") or {}
    sent = system.get("SentTimestamp")
    return QueueMessage(
        body=raw["Body"],
        receipt_handle=raw["ReceiptHandle"],
        message_id=raw["MessageId"],
        attributes=decode_message_attributes(raw.get("MessageAttributes") or {}),
        receive_count=int(system.get("ApproximateReceiveCount", 1)),
        group_id=system.get("MessageGroupId"),
        dedup_id=system.get("MessageDeduplicationId"),
        sent_at=datetime.fromtimestamp(int(sent) / 1000, tz=UTC) if sent else None,
    )


class SQSQueue:
    """An SQS queue (standard or FIFO), behind the :class:`MessageQueue` port.

    Args:
        queue: The queue URL, or its name (resolved once with ``GetQueueUrl``).
        client: A boto3 SQS client; the process-wide factory's when omitted.
        factory: The factory to get the client from when ``client`` is omitted.

    Raises:
        ValidationError: If ``queue`` is neither a queue URL nor a queue name.
    """

    def __init__(
        self, queue: str, *, client: Any = None, factory: ClientFactory | None = None
    ) -> None:
        self._url, self._name = _parse_queue(queue)
        self._client = client
        self._factory = factory

    def __repr__(self) -> str:
        return f"SQSQueue(name={self._name!r})"

    @property
    def name(self) -> str:
        """The queue's name."""
        return self._name

    @property
    def is_fifo(self) -> bool:
        """Whether the queue is FIFO (its name ends in ``.fifo``)."""
        return self._name.endswith(".fifo")

    @property
    def client(self) -> Any:
        """The boto3 SQS client (taken from the factory on first use)."""
        if self._client is None:
            self._client = (self._factory or default_factory()).client("sqs")
        return self._client

    def url(self) -> str:
        """Return the queue URL, asking SQS once when only a name was given.

        Returns:
            The URL.

        Raises:
            NotFoundError: If no queue has that name.
        """
        if self._url is None:
            self._url = str(self._call("get_queue_url", QueueName=self._name)["QueueUrl"])
        return self._url

    def _call(self, method: str, **params: Any) -> dict[str, Any]:
        if method != "get_queue_url":
            params["QueueUrl"] = self.url()
        operation = "".join(part.title() for part in method.split("_"))
        with aws_boundary("sqs", operation, self._name):
            return dict(getattr(self.client, method)(**params))

    def send(
        self,
        body: str,
        *,
        attributes: Mapping[str, AttributeValue] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
        delay_seconds: int = 0,
    ) -> str:
        """Send one message.

        Args:
            body: The text (non-empty; at most 256 KiB with its attributes).
            attributes: Typed message attributes (at most 10).
            group_id: FIFO group id (required on FIFO queues only).
            dedup_id: FIFO deduplication id (unless the queue deduplicates by content).
            delay_seconds: Delay before delivery, 0-900 (standard queues only).

        Returns:
            The message id.

        Raises:
            ValidationError: On bad input, before any call.
            TradAIError: The translated AWS error (``TransientError`` for throttling...).
        """
        message = OutgoingMessage(body, attributes or {}, group_id, dedup_id, delay_seconds)
        message.check_for_queue(fifo=self.is_fifo)
        return str(self._call("send_message", **_send_params(message))["MessageId"])

    def send_batch(self, messages: Sequence[OutgoingMessage | str]) -> BatchResult:
        """Send messages in calls of at most 10 entries and 256 KiB.

        Args:
            messages: Messages or plain bodies.

        Returns:
            Per-entry results, by input index.

        Raises:
            ValidationError: If any entry is bad (nothing is sent).
            TradAIError: A whole call failed (``context["completed_indexes"]``).
        """
        prepared = prepare_batch(messages, fifo=self.is_fifo)
        return run_batches(
            lambda entries: self._call("send_message_batch", Entries=entries),
            chunk_batch([m.size for m in prepared]),
            lambda i: {"Id": str(i), **_send_params(prepared[i])},
        )

    def receive(
        self,
        *,
        max_messages: int = 10,
        wait_seconds: int = SQS_MAX_WAIT_SECONDS,
        visibility_timeout: int | None = None,
    ) -> list[QueueMessage]:
        """Receive messages, long-polling up to ``wait_seconds`` when none is ready.

        Args:
            max_messages: 1-10.
            wait_seconds: 0-20; must be shorter than the client's read timeout.
            visibility_timeout: Seconds the messages stay hidden; the queue's default
                when omitted.

        Returns:
            The messages (possibly none).

        Raises:
            ValidationError: On an out-of-range argument, before any call.
            TradAIError: The translated AWS error.
        """
        validate_receive_options(max_messages, wait_seconds, visibility_timeout)
        config = getattr(getattr(self.client, "meta", None), "config", None)
        read_timeout = getattr(config, "read_timeout", None)
        if isinstance(read_timeout, int | float) and 0 < read_timeout <= wait_seconds:
            raise invalid(
                "wait_seconds must be shorter than the client read timeout", "wait_seconds"
            )
        params: dict[str, Any] = {
            "MaxNumberOfMessages": max_messages,
            "WaitTimeSeconds": wait_seconds,
            "MessageSystemAttributeNames": ["All"],
            "MessageAttributeNames": ["All"],
        }
        if visibility_timeout is not None:
            params["VisibilityTimeout"] = visibility_timeout
        response = self._call("receive_message", **params)
        return [_to_message(raw) for raw in response.get("Messages", ())]

    def delete(self, receipt_handle: str) -> None:
        """Delete a received message.

        Args:
            receipt_handle: From the received message.

        Raises:
            ValidationError: If it cannot be a receipt handle.
            TradAIError: The translated AWS error (an unknown handle included).
        """
        validate_receipt_handle(receipt_handle)
        self._call("delete_message", ReceiptHandle=receipt_handle)

    def delete_batch(self, receipt_handles: Sequence[str]) -> BatchResult:
        """Delete received messages in calls of at most 10.

        Args:
            receipt_handles: From the received messages.

        Returns:
            Per-entry results, by input index.

        Raises:
            ValidationError: If any entry cannot be a receipt handle (nothing is deleted).
            TradAIError: A whole call failed (``context["completed_indexes"]``).
        """
        handles = [validate_receipt_handle(h) for h in receipt_handles]
        return run_batches(
            lambda entries: self._call("delete_message_batch", Entries=entries),
            chunk_batch([0] * len(handles)),
            lambda i: {"Id": str(i), "ReceiptHandle": handles[i]},
        )

    def change_visibility(self, receipt_handle: str, timeout_seconds: int) -> None:
        """Hide a received message for ``timeout_seconds`` from now.

        Args:
            receipt_handle: From the received message.
            timeout_seconds: 0-43,200; 0 makes it visible again at once.

        Raises:
            ValidationError: On bad input, before any call.
            TradAIError: The translated AWS error.
        """
        validate_receipt_handle(receipt_handle)
        validate_visibility_timeout(timeout_seconds)
        self._call(
            "change_message_visibility",
            ReceiptHandle=receipt_handle,
            VisibilityTimeout=timeout_seconds,
        )
