"""Message primitives shared by the SQS and SNS adapters and their in-memory twins.

Private module; :mod:`tradai.common.aws.sqs` re-exports its value objects. It holds the
validated value objects (:class:`OutgoingMessage`, :class:`QueueMessage`), the attribute
codec, the input checks every implementation runs before any call, and
:func:`aws_boundary`, which translates botocore errors at an adapter's edge.

Decisions where the spec is silent:

* A message (body plus attributes, counted as AWS counts them) is at most 256 KiB, and so
  is one batch call: the library keeps the long-standing limit even where AWS now accepts
  1 MiB, so a message fits every queue and SNS. Bodies must be non-empty and hold only the
  characters SQS accepts (no NUL or other control characters but tab, LF and CR).
* Attribute values are typed by their Python type: ``str`` -> ``String``, ``int``/``float``/
  ``Decimal`` -> ``Number``, ``bytes`` -> ``Binary`` (``bool`` is refused as ambiguous). A
  received ``Number`` comes back as ``int`` when integral, else as an exact ``Decimal``.
  Empty values are refused (SQS refuses them); names follow SQS's rules.
* FIFO group and deduplication ids are identifiers (letters, digits, ``_ . : / -``, see
  :func:`~tradai.common.validators.validate_identifier`) of at most 128 characters: stricter
  than AWS, which also allows punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from tradai.common._lazy import require
from tradai.common.aws.errors import translate_aws_error
from tradai.common.exceptions import ValidationError
from tradai.common.validators import validate_identifier

__all__ = [
    "MAX_MESSAGE_BYTES",
    "AttributeValue",
    "OutgoingMessage",
    "QueueMessage",
    "aws_boundary",
    "check_int",
    "decode_message_attributes",
    "encode_message_attributes",
    "invalid",
    "validate_fifo_id",
    "validate_message_body",
    "validate_queue_name",
]

AttributeValue = str | int | float | Decimal | bytes
"""A message attribute value; its Python type picks the SQS/SNS data type."""

#: Largest message (body and attributes) and largest batch call, in bytes.
MAX_MESSAGE_BYTES = 256 * 1024
_MAX_ATTRIBUTES = 10
_MAX_DELAY = 900
_BAD_CHARS = re.compile(r"[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ATTR_NAME_RE = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,254}[A-Za-z0-9_-])?")
_INTEGER_RE = re.compile(r"-?[0-9]+")
_QUEUE_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,79}")


def invalid(message: str, field_name: str) -> ValidationError:
    """Build the :class:`ValidationError` for a refused argument.

    Args:
        message: What is wrong.
        field_name: The argument's name.

    Returns:
        The error, for the caller to raise.
    """
    return ValidationError(message, field=field_name)


@contextmanager
def aws_boundary(service: str, operation: str, resource: str | None) -> Iterator[None]:
    """Translate botocore errors raised inside the block (``raise ... from exc``).

    Args:
        service: The AWS service (``"sqs"``...).
        operation: The API operation (``"SendMessage"``...).
        resource: The queue, topic or ARN the call is about.

    Yields:
        Nothing; the block runs the call.

    Raises:
        TradAIError: The translated error (see :func:`translate_aws_error`).
    """
    exceptions = require("botocore.exceptions", extra="aws")
    try:
        yield
    except (exceptions.BotoCoreError, exceptions.ClientError) as exc:
        raise translate_aws_error(
            exc, service=service, operation=operation, resource=resource
        ) from exc


def _number_text(name: str, value: int | float | Decimal) -> str:
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    # Significant digits without context rounding (normalize() would round to 28).
    digits = len("".join(map(str, number.as_tuple().digits)).strip("0"))
    if not number.is_finite() or digits > 38 or not -128 <= number.adjusted() <= 126:
        raise invalid(
            f"attribute {name!r} must be a finite number of at most 38 digits", "attributes"
        )
    return format(number, "f")


def _encode_value(name: str, value: object) -> dict[str, Any]:
    if isinstance(value, bool):
        raise invalid(f"attribute {name!r}: bool is ambiguous, send 'true'/1", "attributes")
    if isinstance(value, str):
        if not value or _BAD_CHARS.search(value):
            raise invalid(f"attribute {name!r} must be non-empty valid text", "attributes")
        return {"DataType": "String", "StringValue": value}
    if isinstance(value, bytes | bytearray):
        if not value:
            raise invalid(f"attribute {name!r} must not be empty", "attributes")
        return {"DataType": "Binary", "BinaryValue": bytes(value)}
    if isinstance(value, int | float | Decimal):
        return {"DataType": "Number", "StringValue": _number_text(name, value)}
    raise invalid(f"attribute {name!r} must be str, int, float, Decimal or bytes", "attributes")


def encode_message_attributes(
    attributes: Mapping[str, AttributeValue] | None,
) -> dict[str, dict[str, Any]]:
    """Validate message attributes and encode them the way SQS and SNS expect.

    Args:
        attributes: Attribute names and values (at most 10).

    Returns:
        ``{name: {"DataType": ..., "StringValue"|"BinaryValue": ...}}``.

    Raises:
        ValidationError: On a bad name (``AWS.``/``Amazon.`` prefixes, ``..``, other
            characters than letters, digits, ``_ . -``), value or count.

    Example:
        >>> encode_message_attributes({"attempt": 2})
        {'attempt': {'DataType': 'Number', 'StringValue': '2'}}
    """
    if not attributes:
        return {}
    if len(attributes) > _MAX_ATTRIBUTES:
        raise invalid(f"at most {_MAX_ATTRIBUTES} message attributes", "attributes")
    encoded: dict[str, dict[str, Any]] = {}
    for name, value in attributes.items():
        lowered = name.lower() if isinstance(name, str) else ""
        if (
            not isinstance(name, str)
            or _ATTR_NAME_RE.fullmatch(name) is None
            or ".." in name
            or lowered.startswith(("aws.", "amazon."))
        ):
            raise invalid(f"invalid message attribute name {name!r}", "attributes")
        encoded[name] = _encode_value(name, value)
    return encoded


def decode_message_attributes(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, AttributeValue]:
    """Decode attributes as SQS returns them (the inverse of :func:`encode_message_attributes`).

    Args:
        raw: ``MessageAttributes`` of a received message.

    Returns:
        Names mapped to ``str``, ``int``/``Decimal`` or ``bytes``.

    Example:
        >>> decode_message_attributes({"n": {"DataType": "Number", "StringValue": "1.50"}})
        {'n': Decimal('1.50')}
    """
    decoded: dict[str, AttributeValue] = {}
    for name, attr in raw.items():
        kind = str(attr.get("DataType", "String")).split(".", 1)[0]
        if kind == "Binary":
            decoded[name] = bytes(attr.get("BinaryValue", b""))
        elif kind == "Number":
            text = str(attr.get("StringValue", "0"))
            decoded[name] = int(text) if _INTEGER_RE.fullmatch(text) else Decimal(text)
        else:
            decoded[name] = str(attr.get("StringValue", ""))
    return decoded


def validate_message_body(
    body: str,
    encoded_attributes: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    field: str = "body",
) -> int:
    """Check a message body and return the message size as AWS counts it.

    Args:
        body: The text to send.
        encoded_attributes: Attributes from :func:`encode_message_attributes`; their names,
            types and values count towards the size.
        field: The argument name to report.

    Returns:
        The size in bytes (at most 256 KiB).

    Raises:
        ValidationError: If the body is empty, holds characters SQS refuses, or is too big.

    Example:
        >>> validate_message_body("héllo")
        6
    """
    if not isinstance(body, str) or not body:
        raise invalid(f"{field} must be a non-empty string", field)
    if _BAD_CHARS.search(body):
        raise invalid(f"{field} holds a character SQS refuses (control or surrogate)", field)
    size = len(body.encode())
    for name, attr in (encoded_attributes or {}).items():
        value = attr.get("BinaryValue", attr.get("StringValue", ""))
        raw = value if isinstance(value, bytes) else str(value).encode()
        size += len(name.encode()) + len(str(attr["DataType"]).encode()) + len(raw)
    if size > MAX_MESSAGE_BYTES:
        raise invalid(
            f"{field} is {size} bytes with its attributes; at most {MAX_MESSAGE_BYTES}", field
        )
    return size


def validate_queue_name(value: str) -> str:
    """Check a queue name: 1-80 letters, digits, ``-`` and ``_`` (``.fifo`` suffix allowed).

    Args:
        value: The name.

    Returns:
        The name unchanged.

    Raises:
        ValidationError: If it is not a queue name.

    Example:
        >>> validate_queue_name("jobs.fifo")
        'jobs.fifo'
    """
    if (
        not isinstance(value, str)
        or len(value) > 80
        or _QUEUE_NAME_RE.fullmatch(value.removesuffix(".fifo")) is None
    ):
        raise invalid(f"{str(value)[:90]!r} is not a queue name", "queue")
    return value


def validate_fifo_id(value: str | None, *, field: str) -> str | None:
    """Check a FIFO group or deduplication id (an identifier of at most 128 characters).

    Args:
        value: The id, or ``None``.
        field: The argument name to report.

    Returns:
        The id unchanged.

    Raises:
        ValidationError: If it is not an identifier or is longer than 128 characters.
    """
    if value is None:
        return None
    try:
        validate_identifier(value)
    except ValueError as exc:
        raise invalid(f"{field}: {exc}", field) from None
    if len(value) > 128:
        raise invalid(f"{field} must be at most 128 characters", field)
    return value


def check_int(value: object, low: int, high: int, field_name: str) -> int:
    """Check an integer argument (``bool`` refused) is within ``[low, high]``.

    Args:
        value: The argument.
        low: Smallest allowed value.
        high: Largest allowed value.
        field_name: The argument's name.

    Returns:
        The value unchanged.

    Raises:
        ValidationError: If it is not an integer in range.
    """
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid(f"{field_name} must be an integer from {low} to {high}", field_name)
    return value


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """A message to send, validated when built.

    Attributes:
        body: The text (1 byte to 256 KiB with its attributes).
        attributes: Typed message attributes (see :data:`AttributeValue`).
        group_id: FIFO message group id (required on FIFO queues).
        dedup_id: FIFO deduplication id (unless the queue deduplicates by content).
        delay_seconds: Delay before the message can be received (standard queues, 0-900).

    Example:
        >>> OutgoingMessage("run", attributes={"pair": "BTC/USDT"}).size
        21
    """

    body: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    group_id: str | None = None
    dedup_id: str | None = None
    delay_seconds: int = 0

    def __post_init__(self) -> None:
        validate_message_body(self.body, encode_message_attributes(self.attributes))
        validate_fifo_id(self.group_id, field="group_id")
        validate_fifo_id(self.dedup_id, field="dedup_id")
        check_int(self.delay_seconds, 0, _MAX_DELAY, "delay_seconds")
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))

    @property
    def size(self) -> int:
        """The size AWS counts: body, attribute names, types and values, in bytes."""
        return validate_message_body(self.body, self.encoded_attributes())

    def encoded_attributes(self) -> dict[str, dict[str, Any]]:
        """Return the attributes in the SQS/SNS wire format."""
        return encode_message_attributes(self.attributes)

    def check_for_queue(self, *, fifo: bool) -> None:
        """Check the FIFO rules of the queue the message is going to.

        Args:
            fifo: Whether the queue is a FIFO queue.

        Raises:
            ValidationError: A FIFO message without a group id or with a delay, or a
                standard-queue message with a group or deduplication id.
        """
        if fifo and self.group_id is None:
            raise invalid("a FIFO queue needs a group_id", "group_id")
        if fifo and self.delay_seconds:
            raise invalid("a FIFO queue takes no per-message delay", "delay_seconds")
        if not fifo and (self.group_id is not None or self.dedup_id is not None):
            raise invalid("group_id/dedup_id are for FIFO queues only", "group_id")


@dataclass(frozen=True, slots=True)
class QueueMessage:
    """A received message.

    Attributes:
        body: The message text.
        receipt_handle: What :meth:`MessageQueue.delete` and visibility changes need.
        message_id: The id the queue gave the message.
        attributes: Decoded message attributes.
        receive_count: How many times the message was received (this time included).
        group_id: FIFO group id, if any.
        dedup_id: FIFO deduplication id, if any.
        sent_at: When the queue accepted it (UTC), when known.
    """

    body: str
    receipt_handle: str
    message_id: str
    attributes: Mapping[str, AttributeValue] = field(default_factory=dict)
    receive_count: int = 1
    group_id: str | None = None
    dedup_id: str | None = None
    sent_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", MappingProxyType(dict(self.attributes)))
