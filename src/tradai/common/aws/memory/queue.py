"""In-memory twins of the queue and topic ports, for tests and local runs.

:class:`InMemoryQueue` implements :class:`~tradai.common.aws.sqs.MessageQueue` with SQS's
semantics: visibility timeouts driven by an injectable clock, receive counts, a fresh
receipt handle per receive, FIFO ordering per message group (a group is held back while one
of its messages is in flight), five-minute deduplication, per-message delays and batch
operations. :class:`InMemoryTopic` implements :class:`~tradai.common.aws.sns.Notifier` and
fans each message out to its subscribed in-memory queues, raw or in SNS's JSON envelope.

Both run the same input checks as the AWS adapters, and report service-side refusals with
the exceptions the adapters raise: the error is built from the AWS error code and
translated by :func:`~tradai.common.aws.errors.translate_aws_error`, so the twins follow the
one translation table.

Decisions where the spec is silent:

* Visibility and delays follow the injected ``clock`` (seconds, ``time.time`` by default);
  a long-poll ``receive`` on an empty queue blocks for up to ``wait_seconds`` of real time,
  waking when a message is sent.
* As on AWS (and unlike moto), changing the visibility of a message that is not in flight
  is refused (``MessageNotInflight``); deleting an already deleted message is not an error.
* Dead-letter redrive and queue attributes are not modelled.
* A delivery a subscribed queue refuses is logged and skipped, as SNS does; publishing
  never fails because of one subscriber. (:class:`InMemoryTopic` lives in a private module
  and is re-exported here.)

Example:
    >>> queue = InMemoryQueue("jobs")
    >>> _ = queue.send("hello", attributes={"attempt": 1})
    >>> [(m.body, dict(m.attributes), m.receive_count) for m in queue.receive(wait_seconds=0)]
    [('hello', {'attempt': 1}, 1)]
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tradai.common.aws._batch import BatchFailure, BatchResult, BatchSuccess, prepare_batch
from tradai.common.aws._messaging import (
    AttributeValue,
    OutgoingMessage,
    QueueMessage,
    decode_message_attributes,
    validate_queue_name,
)
from tradai.common.aws._visibility import (
    validate_receipt_handle,
    validate_receive_options,
    validate_visibility_timeout,
)
from tradai.common.aws.constants import SQS_MAX_VISIBILITY_TIMEOUT, SQS_MAX_WAIT_SECONDS
from tradai.common.aws.memory._topic import InMemoryTopic, service_refusal

__all__ = ["InMemoryQueue", "InMemoryTopic"]

_DEDUP_WINDOW = 300.0
_POLL_SLICE = 0.05
_BAD_HANDLE = ("ReceiptHandleIsInvalid", "The input receipt handle is invalid.")
_NO_DEDUP = (
    "InvalidParameterValue",
    "The queue should either have ContentBasedDeduplication enabled or "
    "MessageDeduplicationId provided explicitly",
)


@dataclass(slots=True)
class _Stored:
    message_id: str
    message: OutgoingMessage
    sent_at: float
    visible_at: float
    received_at: float | None = None
    receive_count: int = 0
    handles: set[str] = field(default_factory=set)


class InMemoryQueue:
    """A queue held in memory, with SQS's visibility, FIFO and batch semantics.

    Args:
        name: The queue name (``.fifo`` suffix makes it FIFO).
        visibility_timeout: Default seconds a received message stays hidden.
        content_based_deduplication: FIFO only: deduplicate by body hash when no
            deduplication id is given.
        clock: Seconds since the epoch; inject a fake one to move time in tests.

    Raises:
        ValidationError: On a bad name or timeout.
    """

    def __init__(
        self,
        name: str,
        *,
        visibility_timeout: int = 30,
        content_based_deduplication: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._name = validate_queue_name(name)
        self._visibility = validate_visibility_timeout(
            visibility_timeout, field="visibility_timeout"
        )
        self._content_dedup = content_based_deduplication
        self._clock = clock
        self._cond = threading.Condition()
        self._stored: list[_Stored] = []
        self._deleted: set[str] = set()
        self._dedup: dict[str, tuple[float, str]] = {}

    def __repr__(self) -> str:
        return f"InMemoryQueue(name={self._name!r})"

    def __len__(self) -> int:
        with self._cond:
            return len(self._stored)

    @property
    def name(self) -> str:
        """The queue's name."""
        return self._name

    @property
    def is_fifo(self) -> bool:
        """Whether the queue is FIFO (its name ends in ``.fifo``)."""
        return self._name.endswith(".fifo")

    def _dedup_key(self, message: OutgoingMessage, operation: str) -> str | None:
        if not self.is_fifo:
            return None
        if message.dedup_id is not None:
            return message.dedup_id
        if self._content_dedup:
            return hashlib.sha256(message.body.encode()).hexdigest()
        raise service_refusal("sqs", operation, self._name, *_NO_DEDUP)

    def _enqueue(self, message: OutgoingMessage, key: str | None, now: float) -> str:
        self._dedup = {k: v for k, v in self._dedup.items() if now - v[0] < _DEDUP_WINDOW}
        if key is not None and key in self._dedup:
            return self._dedup[key][1]
        message_id = str(uuid.uuid4())
        if key is not None:
            self._dedup[key] = (now, message_id)
        self._stored.append(_Stored(message_id, message, now, now + message.delay_seconds))
        self._cond.notify_all()
        return message_id

    def send(
        self,
        body: str,
        *,
        attributes: Mapping[str, AttributeValue] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
        delay_seconds: int = 0,
    ) -> str:
        """Send one message (see :meth:`tradai.common.aws.sqs.SQSQueue.send`).

        Args:
            body: The text.
            attributes: Typed message attributes.
            group_id: FIFO group id.
            dedup_id: FIFO deduplication id.
            delay_seconds: Delay before delivery (standard queues).

        Returns:
            The message id (a duplicate within five minutes gets the original's).

        Raises:
            ValidationError: On bad input, or a FIFO message with no way to deduplicate.
        """
        message = OutgoingMessage(body, attributes or {}, group_id, dedup_id, delay_seconds)
        message.check_for_queue(fifo=self.is_fifo)
        key = self._dedup_key(message, "SendMessage")
        with self._cond:
            return self._enqueue(message, key, self._clock())

    def send_batch(self, messages: Sequence[OutgoingMessage | str]) -> BatchResult:
        """Send messages; every entry is checked before any is queued.

        Args:
            messages: Messages or plain bodies.

        Returns:
            Per-entry results, by input index.

        Raises:
            ValidationError: If any entry is bad (nothing is sent).
        """
        prepared = prepare_batch(messages, fifo=self.is_fifo)
        keys = [self._dedup_key(m, "SendMessageBatch") for m in prepared]
        with self._cond:
            now = self._clock()
            ids = [self._enqueue(m, k, now) for m, k in zip(prepared, keys, strict=True)]
        return BatchResult(succeeded=tuple(BatchSuccess(i, mid) for i, mid in enumerate(ids)))

    def _take(self, max_messages: int, visibility: int) -> list[QueueMessage]:
        now = self._clock()
        busy = {s.message.group_id for s in self._stored if s.receive_count and s.visible_at > now}
        taken: list[QueueMessage] = []
        for stored in self._stored:
            if len(taken) >= max_messages:
                break
            if stored.visible_at > now or (self.is_fifo and stored.message.group_id in busy):
                continue
            handle = f"{uuid.uuid4().hex}{uuid.uuid4().hex}"
            stored.handles.add(handle)
            stored.receive_count += 1
            stored.received_at, stored.visible_at = now, now + visibility
            taken.append(self._to_message(stored, handle))
        return taken

    @staticmethod
    def _to_message(stored: _Stored, handle: str) -> QueueMessage:
        message = stored.message
        return QueueMessage(
            body=message.body,
            receipt_handle=handle,
            message_id=stored.message_id,
            attributes=decode_message_attributes(message.encoded_attributes()),
            receive_count=stored.receive_count,
            group_id=message.group_id,
            dedup_id=message.dedup_id,
            sent_at=datetime.fromtimestamp(stored.sent_at, tz=UTC),
        )

    def receive(
        self,
        *,
        max_messages: int = 10,
        wait_seconds: int = SQS_MAX_WAIT_SECONDS,
        visibility_timeout: int | None = None,
    ) -> list[QueueMessage]:
        """Receive visible messages, waiting up to ``wait_seconds`` (real time) for one.

        Args:
            max_messages: 1-10.
            wait_seconds: 0-20.
            visibility_timeout: Seconds the messages stay hidden; the queue default if omitted.

        Returns:
            The messages (possibly none).

        Raises:
            ValidationError: On an out-of-range argument.
        """
        validate_receive_options(max_messages, wait_seconds, visibility_timeout)
        visibility = self._visibility if visibility_timeout is None else visibility_timeout
        deadline = time.monotonic() + wait_seconds
        with self._cond:
            while True:
                taken = self._take(max_messages, visibility)
                remaining = deadline - time.monotonic()
                if taken or remaining <= 0:
                    return taken
                self._cond.wait(min(remaining, _POLL_SLICE))

    def _find(self, handle: str) -> _Stored | None:
        return next((s for s in self._stored if handle in s.handles), None)

    def _delete(self, handle: str) -> bool:
        stored = self._find(handle)
        if stored is not None:
            self._stored.remove(stored)
            self._deleted.update(stored.handles)
        return stored is not None or handle in self._deleted

    def delete(self, receipt_handle: str) -> None:
        """Delete a received message (again: no error).

        Args:
            receipt_handle: From the received message.

        Raises:
            ValidationError: If it cannot be a receipt handle.
            ExternalServiceError: ``ReceiptHandleIsInvalid`` for a handle never given out.
        """
        validate_receipt_handle(receipt_handle)
        with self._cond:
            if not self._delete(receipt_handle):
                raise service_refusal("sqs", "DeleteMessage", self._name, *_BAD_HANDLE)

    def delete_batch(self, receipt_handles: Sequence[str]) -> BatchResult:
        """Delete received messages; unknown handles are reported per entry.

        Args:
            receipt_handles: From the received messages.

        Returns:
            Per-entry results, by input index.

        Raises:
            ValidationError: If any entry cannot be a receipt handle (nothing is deleted).
        """
        handles = [validate_receipt_handle(h) for h in receipt_handles]
        succeeded: list[BatchSuccess] = []
        failed: list[BatchFailure] = []
        with self._cond:
            for index, handle in enumerate(handles):
                if self._delete(handle):
                    succeeded.append(BatchSuccess(index))
                else:
                    failed.append(BatchFailure(index, *_BAD_HANDLE, sender_fault=True))
        return BatchResult(tuple(succeeded), tuple(failed))

    def change_visibility(self, receipt_handle: str, timeout_seconds: int) -> None:
        """Hide a received message for ``timeout_seconds`` from now.

        Args:
            receipt_handle: From the received message.
            timeout_seconds: 0-43,200.

        Raises:
            ValidationError: On bad input, or a total visibility beyond 12 hours.
            ExternalServiceError: An unknown handle, or a message not in flight.
        """
        validate_receipt_handle(receipt_handle)
        validate_visibility_timeout(timeout_seconds)
        op = "ChangeMessageVisibility"
        with self._cond:
            now = self._clock()
            stored = self._find(receipt_handle)
            if stored is None:
                raise service_refusal("sqs", op, self._name, *_BAD_HANDLE)
            if stored.visible_at <= now or stored.received_at is None:
                raise service_refusal("sqs", op, self._name, "MessageNotInflight", "not in flight")
            if now + timeout_seconds - stored.received_at > SQS_MAX_VISIBILITY_TIMEOUT:
                raise service_refusal(
                    "sqs", op, self._name, "InvalidParameterValue", "beyond 43200 seconds"
                )
            stored.visible_at = now + timeout_seconds
            self._cond.notify_all()
