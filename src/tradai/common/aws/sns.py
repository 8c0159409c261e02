"""SNS topics: the :class:`Notifier` port and its SNS adapter, :class:`SNSTopic`.

:class:`SNSTopic` publishes one message (with a subject and typed message attributes) or
batches (split into calls of at most 10 entries and 256 KiB, failures reported per entry),
to standard or FIFO topics. The in-memory twin, which fans out to subscribed in-memory
queues, is :class:`tradai.common.aws.memory.queue.InMemoryTopic`. Both refuse bad input with
:class:`~tradai.common.exceptions.ValidationError` before any call.

Decisions where the spec is silent:

* The topic ARN comes from the caller (settings); it is checked with
  :func:`~tradai.common.validators.validate_arn` (service ``sns``) and its resource must be
  a topic name (1-256 letters, digits, ``-``, ``_``, optional ``.fifo``). The topic is FIFO
  when its name ends in ``.fifo``: a FIFO message needs a group id, and a standard topic
  takes neither a group nor a deduplication id.
* A subject is 1-100 printable ASCII characters with no surrounding spaces.
* Message size, attribute typing and batch reporting are those of :mod:`tradai.common.aws.sqs`.

Example:
    >>> topic = SNSTopic("arn:aws:sns:us-east-1:123456789012:alerts")
    >>> topic.name, topic.is_fifo
    ('alerts', False)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tradai.common.aws._batch import BatchResult, chunk_batch, run_batches
from tradai.common.aws._client_factory import default_factory
from tradai.common.aws._messaging import (
    AttributeValue,
    aws_boundary,
    encode_message_attributes,
    invalid,
    validate_fifo_id,
    validate_message_body,
)
from tradai.common.aws.constants import SNS_PUBLISH_BATCH_MAX
from tradai.common.exceptions import ValidationError
from tradai.common.validators import validate_arn

if TYPE_CHECKING:
    from tradai.common.aws._client_factory import ClientFactory

__all__ = [
    "Notification",
    "Notifier",
    "SNSTopic",
    "prepare_notifications",
    "validate_topic_arn",
]

_TOPIC_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,255}")
_SUBJECT_RE = re.compile(r"[!-~](?:[ -~]{0,98}[!-~])?")


def validate_topic_arn(value: str) -> str:
    """Check an SNS topic ARN.

    Args:
        value: ``arn:<partition>:sns:<region>:<account>:<topic name>``.

    Returns:
        The ARN unchanged.

    Raises:
        ValidationError: If it is not an SNS topic ARN.

    Example:
        >>> validate_topic_arn("arn:aws:sns:eu-west-1:123456789012:fills.fifo")
        'arn:aws:sns:eu-west-1:123456789012:fills.fifo'
    """
    try:
        validate_arn(value, service="sns")
    except ValueError as exc:
        raise invalid(f"topic_arn: {exc}", "topic_arn") from None
    name = value.split(":", 5)[5]
    if len(name) > 256 or _TOPIC_NAME_RE.fullmatch(name.removesuffix(".fifo")) is None:
        raise invalid("topic_arn must end in a topic name", "topic_arn")
    return value


@dataclass(frozen=True, slots=True)
class Notification:
    """A message to publish, validated when built.

    Attributes:
        message: The text (1 byte to 256 KiB with its attributes).
        subject: An optional subject (e-mail subscriptions show it).
        attributes: Typed message attributes (see :data:`~tradai.common.aws.sqs.AttributeValue`).
        group_id: FIFO message group id (required on FIFO topics).
        dedup_id: FIFO deduplication id (unless the topic deduplicates by content).

    Example:
        >>> Notification("drawdown above 10%", subject="risk").subject
        'risk'
    """

    message: str
    subject: str | None = None
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    group_id: str | None = None
    dedup_id: str | None = None

    def __post_init__(self) -> None:
        validate_message_body(
            self.message, encode_message_attributes(self.attributes), field="message"
        )
        if self.subject is not None and (
            not isinstance(self.subject, str) or _SUBJECT_RE.fullmatch(self.subject) is None
        ):
            raise invalid("subject must be 1-100 printable ASCII characters", "subject")
        validate_fifo_id(self.group_id, field="group_id")
        validate_fifo_id(self.dedup_id, field="dedup_id")
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))

    @property
    def size(self) -> int:
        """The size AWS counts: message, attribute names, types and values, in bytes."""
        return validate_message_body(self.message, self.encoded_attributes(), field="message")

    def encoded_attributes(self) -> dict[str, dict[str, Any]]:
        """Return the attributes in the SNS wire format."""
        return encode_message_attributes(self.attributes)

    def check_for_topic(self, *, fifo: bool) -> None:
        """Check the FIFO rules of the topic the message goes to.

        Args:
            fifo: Whether the topic is a FIFO topic.

        Raises:
            ValidationError: A FIFO message without a group id, or a standard-topic
                message with a group or deduplication id.
        """
        if fifo and self.group_id is None:
            raise invalid("a FIFO topic needs a group_id", "group_id")
        if not fifo and (self.group_id is not None or self.dedup_id is not None):
            raise invalid("group_id/dedup_id are for FIFO topics only", "group_id")

    def to_params(self) -> dict[str, Any]:
        """Return the ``Publish`` parameters for this message (without ``TopicArn``)."""
        params: dict[str, Any] = {"Message": self.message}
        for key, value in (
            ("Subject", self.subject),
            ("MessageAttributes", self.encoded_attributes() or None),
            ("MessageGroupId", self.group_id),
            ("MessageDeduplicationId", self.dedup_id),
        ):
            if value is not None:
                params[key] = value
        return params


def prepare_notifications(
    notifications: Sequence[Notification | str], *, fifo: bool
) -> list[Notification]:
    """Turn texts into notifications and check each for the topic, naming the bad index.

    Args:
        notifications: Notifications or plain message texts.
        fifo: Whether the topic is a FIFO topic.

    Returns:
        The notifications, in input order.

    Raises:
        ValidationError: For the first bad entry (``context["index"]`` says which).
    """
    prepared: list[Notification] = []
    for index, item in enumerate(notifications):
        try:
            notification = item if isinstance(item, Notification) else Notification(item)
            notification.check_for_topic(fifo=fifo)
        except ValidationError as exc:
            raise ValidationError(
                f"notifications[{index}]: {exc.message}",
                field=exc.field,
                context={"index": index},
            ) from exc
        prepared.append(notification)
    return prepared


@runtime_checkable
class Notifier(Protocol):
    """Something that publishes notifications: an SNS topic, or the in-memory twin."""

    @property
    def topic_arn(self) -> str:
        """The topic's ARN."""
        ...

    @property
    def is_fifo(self) -> bool:
        """Whether the topic is FIFO."""
        ...

    def publish(
        self,
        message: str,
        *,
        subject: str | None = None,
        attributes: Mapping[str, AttributeValue] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
    ) -> str:
        """Publish one message and return its message id (see :class:`Notification`)."""
        ...

    def publish_batch(self, notifications: Sequence[Notification | str]) -> BatchResult:
        """Publish messages in as few calls as allowed; failures are reported per entry."""
        ...


class SNSTopic:
    """An SNS topic (standard or FIFO), behind the :class:`Notifier` port.

    Args:
        topic_arn: The topic's ARN (from settings).
        client: A boto3 SNS client; the process-wide factory's when omitted.
        factory: The factory to get the client from when ``client`` is omitted.

    Raises:
        ValidationError: If ``topic_arn`` is not an SNS topic ARN.
    """

    def __init__(
        self, topic_arn: str, *, client: Any = None, factory: ClientFactory | None = None
    ) -> None:
        self._arn = validate_topic_arn(topic_arn)
        self._client = client
        self._factory = factory

    def __repr__(self) -> str:
        return f"SNSTopic(topic_arn={self._arn!r})"

    @property
    def topic_arn(self) -> str:
        """The topic's ARN."""
        return self._arn

    @property
    def name(self) -> str:
        """The topic's name (the last part of its ARN)."""
        return self._arn.rsplit(":", 1)[1]

    @property
    def is_fifo(self) -> bool:
        """Whether the topic is FIFO (its name ends in ``.fifo``)."""
        return self._arn.endswith(".fifo")

    @property
    def client(self) -> Any:
        """The boto3 SNS client (taken from the factory on first use)."""
        if self._client is None:
            self._client = (self._factory or default_factory()).client("sns")
        return self._client

    def publish(
        self,
        message: str,
        *,
        subject: str | None = None,
        attributes: Mapping[str, AttributeValue] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
    ) -> str:
        """Publish one message.

        Args:
            message: The text (non-empty; at most 256 KiB with its attributes).
            subject: Optional subject, 1-100 printable ASCII characters.
            attributes: Typed message attributes (at most 10).
            group_id: FIFO group id (required on FIFO topics only).
            dedup_id: FIFO deduplication id (unless the topic deduplicates by content).

        Returns:
            The message id.

        Raises:
            ValidationError: On bad input, before any call.
            TradAIError: The translated AWS error (``TransientError`` for throttling...).
        """
        notification = Notification(message, subject, attributes or {}, group_id, dedup_id)
        notification.check_for_topic(fifo=self.is_fifo)
        with aws_boundary("sns", "Publish", self._arn):
            response = self.client.publish(TopicArn=self._arn, **notification.to_params())
        return str(response["MessageId"])

    def publish_batch(self, notifications: Sequence[Notification | str]) -> BatchResult:
        """Publish messages in calls of at most 10 entries and 256 KiB.

        Args:
            notifications: Notifications or plain message texts.

        Returns:
            Per-entry results, by input index.

        Raises:
            ValidationError: If any entry is bad (nothing is published).
            TradAIError: A whole call failed (``context["completed_indexes"]``).
        """
        prepared = prepare_notifications(notifications, fifo=self.is_fifo)

        def call(entries: list[dict[str, Any]]) -> Mapping[str, Any]:
            with aws_boundary("sns", "PublishBatch", self._arn):
                return dict(
                    self.client.publish_batch(
                        TopicArn=self._arn, PublishBatchRequestEntries=entries
                    )
                )

        return run_batches(
            call,
            chunk_batch([n.size for n in prepared], max_entries=SNS_PUBLISH_BATCH_MAX),
            lambda i: {"Id": str(i), **prepared[i].to_params()},
        )
