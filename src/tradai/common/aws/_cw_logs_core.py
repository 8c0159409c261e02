"""The I/O-free core of the CloudWatch Logs reads: names, time windows, paging, events.

Private module; :mod:`tradai.common.aws.cloudwatch_logs` re-exports :class:`LogEvent`,
:func:`validate_log_group_name` and :func:`validate_log_stream_name` (their public path;
its docstring states the rules). Everything a read decides *before* calling AWS lives here
(so bad input is refused before any call), plus the ``GetLogEvents`` cursor the reader and
both tails share.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tradai.common.aws.constants import CW_LOGS_MAX_EVENTS_PER_PAGE
from tradai.common.aws.errors import translate_aws_error
from tradai.common.exceptions import ValidationError
from tradai.common.utils.datetime import ensure_utc, from_epoch_ms, to_epoch_ms

__all__ = [
    "Cursor",
    "LogEvent",
    "check_page_size",
    "filter_params",
    "in_window",
    "is_missing",
    "time_window",
    "validate_log_group_name",
    "validate_log_stream_name",
]

_SERVICE = "logs"
_GROUP_RE = re.compile(r"[A-Za-z0-9._/#][A-Za-z0-9._/#-]{0,511}")
_STREAM_RE = re.compile(r"[A-Za-z0-9._/#][A-Za-z0-9._/#=+@\[\]-]{0,511}")
_PATTERN_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MAX_PATTERN = 1024
_MAX_NAMES = 100


def validate_log_group_name(value: str) -> str:
    """Validate a CloudWatch Logs group name.

    Args:
        value: The group name.

    Returns:
        The name unchanged.

    Raises:
        ValueError: If it is not a valid group name (or starts with ``-``).

    Example:
        >>> validate_log_group_name("/ecs/tradai-backtest")
        '/ecs/tradai-backtest'
    """
    if not isinstance(value, str) or not value.isascii() or not _GROUP_RE.fullmatch(value):
        raise ValueError(f"{value!r:.80} is not a log group name ([.-_/#A-Za-z0-9], 1-512)")
    return value


def validate_log_stream_name(value: str) -> str:
    """Validate a CloudWatch Logs stream name (the rule is in the module docstring).

    Args:
        value: The stream name.

    Returns:
        The name unchanged.

    Raises:
        ValueError: If it is not an accepted stream name.

    Example:
        >>> validate_log_stream_name("2024/01/01/[$LATEST]ab12")
        '2024/01/01/[$LATEST]ab12'
    """
    plain = value.replace("[$LATEST]", "[LATEST]") if isinstance(value, str) else ""
    if not plain.isascii() or not _STREAM_RE.fullmatch(plain):
        raise ValueError(f"{value!r:.80} is not an accepted log stream name")
    return value


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One log event.

    Attributes:
        timestamp: When the event happened (aware UTC, millisecond precision).
        message: The raw message.
        ingestion_time: When CloudWatch received it, if reported.
        log_stream: The stream it came from, if known.
        event_id: CloudWatch's event id, if reported (``FilterLogEvents``).
    """

    timestamp: datetime
    message: str
    ingestion_time: datetime | None = None
    log_stream: str | None = None
    event_id: str | None = None

    @classmethod
    def from_api(cls, raw: Mapping[str, Any], *, log_stream: str | None = None) -> LogEvent:
        """Build an event from one item of a ``GetLogEvents``/``FilterLogEvents`` answer.

        Args:
            raw: The event as boto3 returns it.
            log_stream: The stream name, when the answer does not carry it.

        Returns:
            The event.

        Example:
            >>> LogEvent.from_api({"timestamp": 0, "message": "x"}).timestamp.isoformat()
            '1970-01-01T00:00:00+00:00'
        """
        ingested = raw.get("ingestionTime")
        return cls(
            timestamp=from_epoch_ms(int(raw["timestamp"])),
            message=str(raw.get("message", "")),
            ingestion_time=from_epoch_ms(int(ingested)) if ingested is not None else None,
            log_stream=raw.get("logStreamName", log_stream),
            event_id=raw.get("eventId"),
        )


def _checked(validator: Callable[[str], str], value: str, name: str) -> str:
    try:
        return validator(value)
    except ValueError as exc:
        raise ValidationError(f"invalid {name}: {exc}", field=name) from exc


def _ms(value: datetime | None, name: str) -> int | None:
    """Milliseconds of the first whole millisecond not before ``value``."""
    if value is None:
        return None
    aware = ensure_utc(value, field=name)
    return to_epoch_ms(aware) + (1 if aware.microsecond % 1000 else 0)


def time_window(start: datetime | None, end: datetime | None) -> tuple[int | None, int | None]:
    """Return the half-open window ``[start, end)`` in epoch milliseconds.

    Args:
        start: Aware datetime, or ``None`` for no lower bound.
        end: Aware datetime, or ``None`` for no upper bound.

    Returns:
        ``(start_ms, end_ms)``, each rounded up to a whole millisecond.

    Raises:
        ValidationError: If a datetime is naive or ``start`` is after ``end``.
    """
    start_ms, end_ms = _ms(start, "start"), _ms(end, "end")
    if start_ms is not None and end_ms is not None and start_ms > end_ms:
        raise ValidationError("start must not be after end", field="start")
    return start_ms, end_ms


def check_page_size(value: int | None) -> int | None:
    """Check a page size and cap it at the API's 10,000 events.

    Args:
        value: Events per request, or ``None`` for the API's default.

    Returns:
        The size to send (``None`` stays ``None``).

    Raises:
        ValidationError: If it is not a positive int.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError("page_size must be a positive int", field="page_size")
    return min(value, CW_LOGS_MAX_EVENTS_PER_PAGE)


def in_window(raw: Mapping[str, Any], start_ms: int | None, end_ms: int | None) -> bool:
    """Tell whether a raw event falls within ``[start_ms, end_ms)``.

    Args:
        raw: The event as boto3 returns it.
        start_ms: Lower bound (inclusive), if any.
        end_ms: Upper bound (exclusive), if any.

    Returns:
        Whether the event is inside the window.
    """
    stamp = int(raw["timestamp"])
    return (start_ms is None or stamp >= start_ms) and (end_ms is None or stamp < end_ms)


def is_missing(exc: BaseException) -> bool:
    """Tell whether a botocore error says the group or stream does not exist.

    Args:
        exc: The error a call raised.

    Returns:
        Whether its code is ``ResourceNotFoundException``.
    """
    error = (getattr(exc, "response", None) or {}).get("Error", {}) or {}
    return error.get("Code") == "ResourceNotFoundException"


@dataclass(slots=True)
class Cursor:
    """``GetLogEvents`` request and token bookkeeping shared by reads and tails."""

    log_group: str
    log_stream: str
    start_ms: int | None = None
    end_ms: int | None = None
    limit: int | None = None
    token: str | None = None

    @classmethod
    def build(
        cls,
        group: str,
        stream: str,
        start: datetime | None,
        end: datetime | None,
        limit: int | None,
    ) -> Cursor:
        """Validate a read's arguments (before any call) and start a cursor.

        Args:
            group: The log group.
            stream: The log stream.
            start: Aware datetime; earlier events are skipped.
            end: Aware datetime; events at or after it are skipped.
            limit: Events per request.

        Returns:
            A cursor at the head of the stream.

        Raises:
            ValidationError: For a bad name, window or page size.
        """
        start_ms, end_ms = time_window(start, end)
        return cls(
            _checked(validate_log_group_name, group, "log_group"),
            _checked(validate_log_stream_name, stream, "log_stream"),
            start_ms,
            end_ms,
            check_page_size(limit),
        )

    def request(self) -> dict[str, Any]:
        """Return the keyword arguments of the next ``GetLogEvents`` call.

        Returns:
            The request parameters.
        """
        params: dict[str, Any] = {"logGroupName": self.log_group, "startFromHead": True}
        params["logStreamName"] = self.log_stream
        # The same window goes with every page: a token is only valid for its request.
        optional = {"nextToken": self.token, "startTime": self.start_ms, "endTime": self.end_ms}
        optional["limit"] = self.limit
        params.update({key: value for key, value in optional.items() if value is not None})
        return params

    def absorb(self, response: Mapping[str, Any]) -> tuple[list[LogEvent], bool]:
        """Take in one ``GetLogEvents`` answer.

        Args:
            response: The answer.

        Returns:
            The page's events within the window and whether the end of the stream was
            reached (the forward token came back unchanged).
        """
        sent, self.token = self.token, response.get("nextForwardToken") or self.token
        events = [
            LogEvent.from_api(raw, log_stream=self.log_stream)
            for raw in response.get("events", [])
            if in_window(raw, self.start_ms, self.end_ms)
        ]
        return events, self.token is None or self.token == sent

    def error(self, exc: BaseException) -> Exception:
        """Translate a failed call's error, naming ``group:stream`` as the resource.

        Args:
            exc: The botocore error.

        Returns:
            The tradai error to raise.
        """
        resource = f"{self.log_group}:{self.log_stream}"
        return translate_aws_error(exc, service=_SERVICE, resource=resource)


def filter_params(
    log_group: str,
    pattern: str | None,
    names: Sequence[str] | None,
    prefix: str | None,
) -> dict[str, Any]:
    """Validate a ``FilterLogEvents`` request's arguments and build its parameters.

    Args:
        log_group: The log group.
        pattern: A filter pattern (at most 1,024 printable characters), if any.
        names: Only these streams (1-100), if given.
        prefix: Only streams with this prefix (not with ``names``), if given.

    Returns:
        The request parameters (without the window, the page size and the token).

    Raises:
        ValidationError: For any bad argument.
    """
    params: dict[str, Any] = {
        "logGroupName": _checked(validate_log_group_name, log_group, "log_group")
    }
    if pattern is not None:
        if not isinstance(pattern, str) or len(pattern) > _MAX_PATTERN:
            raise ValidationError("pattern must be a string of at most 1024", field="pattern")
        if _PATTERN_FORBIDDEN.search(pattern):
            raise ValidationError("pattern must not hold control characters", field="pattern")
        params["filterPattern"] = pattern
    if names is not None and prefix is not None:
        raise ValidationError("give stream names or a stream prefix, not both", field="names")
    if names is not None:
        if isinstance(names, str) or not 0 < len(names) <= _MAX_NAMES:
            raise ValidationError("log_stream_names must list 1-100 names", field="names")
        params["logStreamNames"] = [
            _checked(validate_log_stream_name, name, "log_stream_names") for name in names
        ]
    if prefix is not None:
        params["logStreamNamePrefix"] = _checked(
            validate_log_stream_name, prefix, "log_stream_prefix"
        )
    return params
