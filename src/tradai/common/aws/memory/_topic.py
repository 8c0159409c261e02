"""The in-memory SNS topic twin; re-exported by :mod:`tradai.common.aws.memory.queue`.

Private module. :class:`InMemoryTopic` fans each message out to the queues subscribed to it
(any :class:`~tradai.common.aws.sqs.MessageQueue`, usually in-memory ones), raw or wrapped in
SNS's JSON envelope. A delivery a queue refuses is logged and skipped, as SNS does:
publishing never fails because of one subscriber.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tradai.common.aws._batch import BatchFailure, BatchResult, BatchSuccess
from tradai.common.aws._messaging import AttributeValue, invalid
from tradai.common.aws.errors import translate_aws_error
from tradai.common.aws.sns import Notification, prepare_notifications, validate_topic_arn
from tradai.common.aws.sqs import MessageQueue
from tradai.common.exceptions import TradAIError

__all__ = ["InMemoryTopic", "service_refusal"]

_log = logging.getLogger(__name__)
_NO_TOPIC_DEDUP = (
    "InvalidParameter",
    "The topic should either have ContentBasedDeduplication enabled or "
    "MessageDeduplicationId provided explicitly",
)


class _ServiceRefusalError(Exception):
    """What botocore would raise for an AWS error response (fed to the translation table)."""

    def __init__(self, operation: str, code: str, message: str) -> None:
        super().__init__(message)
        self.operation_name = operation
        self.response = {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }


def service_refusal(
    service: str, operation: str, resource: str, code: str, message: str
) -> TradAIError:
    """Return the error an AWS adapter raises when the service answers ``code``.

    The twins build the botocore-shaped error and pass it through the one translation
    table, so they raise exactly what the adapters raise.

    Args:
        service: The AWS service (``"sqs"``, ``"sns"``).
        operation: The API operation.
        resource: The queue or topic.
        code: The AWS error code.
        message: The service's message.

    Returns:
        The translated error, for the caller to raise.

    Example:
        >>> err = service_refusal("sqs", "DeleteMessage", "jobs", "QueueDoesNotExist", "gone")
        >>> type(err).__name__
        'NotFoundError'
    """
    return translate_aws_error(
        _ServiceRefusalError(operation, code, message),
        service=service,
        operation=operation,
        resource=resource,
    )


@dataclass(frozen=True, slots=True)
class _Subscription:
    arn: str
    queue: MessageQueue
    raw: bool


class InMemoryTopic:
    """A topic held in memory that fans messages out to subscribed in-memory queues.

    Args:
        topic_arn: The topic ARN (``.fifo`` suffix makes it FIFO).
        content_based_deduplication: FIFO only: deduplicate by message hash when no
            deduplication id is given.
        clock: Seconds since the epoch (for envelope timestamps).

    Raises:
        ValidationError: On a bad ARN.

    Example:
        >>> from tradai.common.aws.memory.queue import InMemoryQueue
        >>> topic = InMemoryTopic("arn:aws:sns:us-east-1:123456789012:alerts")
        >>> queue = InMemoryQueue("alerts-inbox")
        >>> _ = topic.subscribe(queue, raw_message_delivery=True)
        >>> _ = topic.publish("disk full", attributes={"severity": "critical"})
        >>> [dict(m.attributes) for m in queue.receive(wait_seconds=0)]
        [{'severity': 'critical'}]
    """

    def __init__(
        self,
        topic_arn: str,
        *,
        content_based_deduplication: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._arn = validate_topic_arn(topic_arn)
        self._content_dedup = content_based_deduplication
        self._clock = clock
        self._lock = threading.Lock()
        self._subscriptions: list[_Subscription] = []
        self._published: list[Notification] = []

    def __repr__(self) -> str:
        return f"InMemoryTopic(topic_arn={self._arn!r})"

    @property
    def topic_arn(self) -> str:
        """The topic's ARN."""
        return self._arn

    @property
    def is_fifo(self) -> bool:
        """Whether the topic is FIFO."""
        return self._arn.endswith(".fifo")

    @property
    def published(self) -> tuple[Notification, ...]:
        """Every notification accepted so far, in order."""
        with self._lock:
            return tuple(self._published)

    def subscribe(self, queue: MessageQueue, *, raw_message_delivery: bool = False) -> str:
        """Deliver this topic's messages to ``queue`` from now on.

        Args:
            queue: The queue to deliver to.
            raw_message_delivery: Deliver the bare message with its attributes as message
                attributes, instead of SNS's JSON envelope.

        Returns:
            The subscription ARN.

        Raises:
            ValidationError: A FIFO queue subscribed to a standard topic.
        """
        if queue.is_fifo and not self.is_fifo:
            raise invalid("a standard topic cannot deliver to a FIFO queue", "queue")
        arn = f"{self._arn}:{uuid.uuid4()}"
        with self._lock:
            self._subscriptions.append(_Subscription(arn, queue, raw_message_delivery))
        return arn

    def unsubscribe(self, subscription_arn: str) -> None:
        """Stop delivering to a subscription (an unknown ARN is ignored, as SNS does).

        Args:
            subscription_arn: From :meth:`subscribe`.
        """
        with self._lock:
            self._subscriptions = [s for s in self._subscriptions if s.arn != subscription_arn]

    def _dedup_id(self, notification: Notification) -> tuple[bool, str | None]:
        if not self.is_fifo or notification.dedup_id is not None:
            return True, notification.dedup_id
        if self._content_dedup:
            return True, hashlib.sha256(notification.message.encode()).hexdigest()
        return False, None

    def _envelope(self, notification: Notification, message_id: str) -> str:
        envelope: dict[str, Any] = {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": self._arn,
            "Message": notification.message,
            "Timestamp": datetime.fromtimestamp(self._clock(), tz=UTC).isoformat(),
        }
        if notification.subject is not None:
            envelope["Subject"] = notification.subject
        if notification.attributes:
            envelope["MessageAttributes"] = {
                name: {
                    "Type": attr["DataType"],
                    "Value": base64.b64encode(attr["BinaryValue"]).decode()
                    if "BinaryValue" in attr
                    else attr["StringValue"],
                }
                for name, attr in notification.encoded_attributes().items()
            }
        return json.dumps(envelope, sort_keys=True)

    def _deliver(self, notification: Notification, dedup_id: str | None) -> str:
        message_id = str(uuid.uuid4())
        with self._lock:
            subscriptions = list(self._subscriptions)
            self._published.append(notification)
        for sub in subscriptions:
            fifo = sub.queue.is_fifo
            try:
                sub.queue.send(
                    notification.message if sub.raw else self._envelope(notification, message_id),
                    attributes=notification.attributes if sub.raw else None,
                    group_id=notification.group_id if fifo else None,
                    dedup_id=dedup_id if fifo else None,
                )
            except TradAIError as exc:
                _log.warning("delivery to queue %s skipped: %s", sub.queue.name, exc.message)
        return message_id

    def publish(
        self,
        message: str,
        *,
        subject: str | None = None,
        attributes: Mapping[str, AttributeValue] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
    ) -> str:
        """Publish one message to every subscribed queue.

        Args:
            message: The text.
            subject: Optional subject.
            attributes: Typed message attributes.
            group_id: FIFO group id.
            dedup_id: FIFO deduplication id.

        Returns:
            The message id.

        Raises:
            ValidationError: On bad input (see :meth:`tradai.common.aws.sns.SNSTopic.publish`).
            ExternalServiceError: A FIFO message with no way to deduplicate.
        """
        notification = Notification(message, subject, attributes or {}, group_id, dedup_id)
        notification.check_for_topic(fifo=self.is_fifo)
        ok, dedup_id = self._dedup_id(notification)
        if not ok:
            raise service_refusal("sns", "Publish", self._arn, *_NO_TOPIC_DEDUP)
        return self._deliver(notification, dedup_id)

    def publish_batch(self, notifications: Sequence[Notification | str]) -> BatchResult:
        """Publish messages; entries SNS would refuse one by one are reported per entry.

        Args:
            notifications: Notifications or plain message texts.

        Returns:
            Per-entry results, by input index.

        Raises:
            ValidationError: If any entry is bad (nothing is published).
        """
        prepared = prepare_notifications(notifications, fifo=self.is_fifo)
        succeeded: list[BatchSuccess] = []
        failed: list[BatchFailure] = []
        for index, notification in enumerate(prepared):
            ok, dedup_id = self._dedup_id(notification)
            if ok:
                succeeded.append(BatchSuccess(index, self._deliver(notification, dedup_id)))
            else:
                failed.append(BatchFailure(index, *_NO_TOPIC_DEDUP, sender_fault=True))
        return BatchResult(tuple(succeeded), tuple(failed))
