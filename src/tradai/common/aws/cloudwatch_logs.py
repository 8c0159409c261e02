"""CloudWatch Logs retrieval: read a stream, filter a group, follow (tail) a stream.

* :meth:`CloudWatchLogsReader.get_events` pages through ``GetLogEvents`` oldest first and
  stops when the forward token comes back unchanged (the API's end-of-stream mark; an
  empty page alone is not one, AWS may return empty pages mid-stream).
* :meth:`CloudWatchLogsReader.filter_events` pages through ``FilterLogEvents``.
* :func:`tail` (and :func:`atail` for aiobotocore clients) polls a stream for new events
  with exponential backoff (:class:`PollPolicy`) until ``stop()`` holds or the deadline
  passes; the clock and the sleep function are injectable.

Decisions where the specification is silent:

* Time windows are half-open ``[start, end)`` and are also enforced on the events returned
  (the APIs disagree on whether ``endTime`` is inclusive, and emulators differ again), so
  results are the same everywhere. Datetimes must be timezone-aware.
* Log group names follow AWS (``[.-_/#A-Za-z0-9]``, 1-512) but may not start with ``-``.
  Stream names are 1-512 ASCII letters, digits and ``. _ / # = + @ [ ] -`` (plus Lambda's
  literal ``[$LATEST]``), not starting with ``-``, ``=``, ``+``, ``@`` or a bracket.
  Filter patterns may hold any printable character (JSON patterns use ``$ { "``), at most
  1024, no control characters.
* A stream that does not exist yet makes :func:`tail` wait (an ECS task creates its stream
  when its container starts); ``get_events`` raises ``NotFoundError`` instead. When the
  deadline passes, :func:`tail` ends quietly; once ``stop()`` is true it drains what is
  left and ends. Errors are translated by :func:`~tradai.common.aws.errors.translate_aws_error`.

Example:
    >>> from datetime import datetime, timezone
    >>> event = LogEvent(timestamp=datetime(2024, 1, 1, tzinfo=timezone.utc), message="hi")
    >>> event.message, PollPolicy(timeout=30).next_interval(1.0, progressed=False)
    ('hi', 2.0)
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tradai.common.aws._cw_logs_core import (
    Cursor,
    LogEvent,
    check_page_size,
    filter_params,
    in_window,
    is_missing,
    time_window,
    validate_log_group_name,
    validate_log_stream_name,
)
from tradai.common.aws._polling import PollPolicy
from tradai.common.aws.errors import translate_aws_error

if TYPE_CHECKING:
    from tradai.common.aws._client_factory import ClientFactory

__all__ = [
    "CloudWatchLogsReader",
    "LogEvent",
    "LogReader",
    "PollPolicy",
    "atail",
    "tail",
    "validate_log_group_name",
    "validate_log_stream_name",
]

_SERVICE = "logs"
#: The tails' default: a 10-minute deadline, waits from 1 s growing to 10 s.
_DEFAULT_POLICY = PollPolicy()


@runtime_checkable
class LogReader(Protocol):
    """The log-reading port: what services need from CloudWatch Logs."""

    def get_events(
        self,
        log_group: str,
        log_stream: str,
        *,
        start: datetime | None = ...,
        end: datetime | None = ...,
    ) -> Iterator[LogEvent]:
        """Yield a stream's events oldest first within ``[start, end)``."""
        ...

    def filter_events(
        self,
        log_group: str,
        *,
        pattern: str | None = ...,
        start: datetime | None = ...,
        end: datetime | None = ...,
        log_stream_names: Sequence[str] | None = ...,
        log_stream_prefix: str | None = ...,
    ) -> Iterator[LogEvent]:
        """Yield a group's events matching a filter pattern within ``[start, end)``."""
        ...


def tail(
    log_group: str,
    log_stream: str,
    *,
    client: Any = None,
    start: datetime | None = None,
    stop: Callable[[], bool] | None = None,
    policy: PollPolicy = _DEFAULT_POLICY,
    page_size: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[LogEvent]:
    """Follow a log stream: yield its events as they arrive, polling with backoff.

    Each poll drains the stream (pages until the forward token repeats). The wait between
    polls follows ``policy``: it grows after polls that found nothing and resets on events.

    Args:
        log_group: The log group.
        log_stream: The stream to follow; it may not exist yet.
        client: A boto3 ``logs`` client (default: the library's cached client).
        start: Only events at or after this aware datetime.
        stop: Called before each poll; once true, the stream is drained a last time.
        policy: Deadline (``policy.timeout`` seconds from now) and backoff.
        page_size: Events per request (at most 10,000).
        clock: Monotonic clock in seconds.
        sleep: Function that waits the given seconds.

    Returns:
        A generator of the events, oldest first.

    Raises:
        ValidationError: If a name, datetime or number is invalid (before any call).
        TradAIError: The translated AWS error of a failed call (while iterating).
    """
    cursor = Cursor.build(log_group, log_stream, start, None, page_size)
    logs = client if client is not None else _default_client()
    return _follow(logs, cursor=cursor, policy=policy, stop=stop, clock=clock, sleep=sleep)


def _follow(
    logs: Any,
    *,
    cursor: Cursor,
    policy: PollPolicy,
    stop: Callable[[], bool] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
) -> Iterator[LogEvent]:
    deadline, interval = clock() + policy.timeout, policy.interval
    while True:
        stopping = stop is not None and stop()
        got = False
        while clock() < deadline or stopping:
            try:
                response = logs.get_log_events(**cursor.request())
            except Exception as exc:
                if is_missing(exc):
                    break
                raise cursor.error(exc) from exc
            events, at_end = cursor.absorb(response)
            got = got or bool(events)
            yield from events
            if at_end:
                break
        remaining = deadline - clock()
        if stopping or remaining <= 0:
            return
        interval = policy.next_interval(interval, progressed=got)
        sleep(min(interval, remaining))


def atail(
    log_group: str,
    log_stream: str,
    *,
    client: Any,
    start: datetime | None = None,
    stop: Callable[[], Awaitable[bool]] | None = None,
    policy: PollPolicy = _DEFAULT_POLICY,
    page_size: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> AsyncIterator[LogEvent]:
    """Follow a log stream with an aiobotocore client: the async twin of :func:`tail`.

    Args:
        log_group: The log group.
        log_stream: The stream to follow; it may not exist yet.
        client: An open aiobotocore ``logs`` client (see ``AsyncClientFactory``).
        start: Only events at or after this aware datetime.
        stop: Awaited before each poll; once true, the stream is drained a last time.
        policy: Deadline and backoff.
        page_size: Events per request (at most 10,000).
        clock: Monotonic clock in seconds.
        sleep: Coroutine function that waits the given seconds.

    Returns:
        An async generator of the events, oldest first.

    Raises:
        ValidationError: If a name, datetime or number is invalid (before any call).
        TradAIError: The translated AWS error of a failed call (while iterating).
    """
    cursor = Cursor.build(log_group, log_stream, start, None, page_size)
    return _afollow(client, cursor=cursor, policy=policy, stop=stop, clock=clock, sleep=sleep)


async def _afollow(
    logs: Any,
    *,
    cursor: Cursor,
    policy: PollPolicy,
    stop: Callable[[], Awaitable[bool]] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[None]],
) -> AsyncIterator[LogEvent]:
    deadline, interval = clock() + policy.timeout, policy.interval
    while True:
        stopping = stop is not None and await stop()
        got = False
        while clock() < deadline or stopping:
            try:
                response = await logs.get_log_events(**cursor.request())
            except Exception as exc:
                if is_missing(exc):
                    break
                raise cursor.error(exc) from exc
            events, at_end = cursor.absorb(response)
            got = got or bool(events)
            for event in events:
                yield event
            if at_end:
                break
        remaining = deadline - clock()
        if stopping or remaining <= 0:
            return
        interval = policy.next_interval(interval, progressed=got)
        await sleep(min(interval, remaining))


def _default_client(factory: ClientFactory | None = None) -> Any:
    if factory is not None:
        return factory.client(_SERVICE)
    from tradai.common.aws._client_factory import get_logs_client

    return get_logs_client()


class CloudWatchLogsReader:
    """Reads CloudWatch Logs through a boto3 client (the :class:`LogReader` adapter).

    Args:
        client: A boto3 ``logs`` client; taken from ``factory`` (or the library's cached
            clients) on first use when omitted.
        factory: The client factory to use when no client is given.
        page_size: Events per request (at most 10,000; the API's default when omitted).

    Example:
        >>> isinstance(CloudWatchLogsReader(page_size=100), LogReader)
        True
    """

    def __init__(
        self,
        *,
        client: Any = None,
        factory: ClientFactory | None = None,
        page_size: int | None = None,
    ) -> None:
        self._client = client
        self._factory = factory
        self._page_size = check_page_size(page_size)

    @property
    def client(self) -> Any:
        """The boto3 ``logs`` client (taken from the factory on first use)."""
        if self._client is None:
            self._client = _default_client(self._factory)
        return self._client

    def get_events(
        self,
        log_group: str,
        log_stream: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> Iterator[LogEvent]:
        """Yield a stream's events oldest first within ``[start, end)``.

        Args:
            log_group: The log group.
            log_stream: The log stream.
            start: Aware datetime; earlier events are skipped.
            end: Aware datetime; events at or after it are skipped.

        Returns:
            A generator of the events; paging ends when the forward token repeats.

        Raises:
            ValidationError: For a bad name or window (before any call).
            NotFoundError: If the group or stream does not exist (while iterating).
            TradAIError: The translated AWS error of another failed call.
        """
        return self._pages(Cursor.build(log_group, log_stream, start, end, self._page_size))

    def _pages(self, cursor: Cursor) -> Iterator[LogEvent]:
        while True:
            try:
                response = self.client.get_log_events(**cursor.request())
            except Exception as exc:
                raise cursor.error(exc) from exc
            events, at_end = cursor.absorb(response)
            yield from events
            if at_end:
                return

    def filter_events(
        self,
        log_group: str,
        *,
        pattern: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        log_stream_names: Sequence[str] | None = None,
        log_stream_prefix: str | None = None,
    ) -> Iterator[LogEvent]:
        """Yield a group's events matching ``pattern`` within ``[start, end)``.

        Args:
            log_group: The log group.
            pattern: A CloudWatch filter pattern (``"ERROR"``); every event when omitted.
            start: Aware datetime; earlier events are skipped.
            end: Aware datetime; events at or after it are skipped.
            log_stream_names: Only these streams (1-100).
            log_stream_prefix: Only streams with this prefix (not with ``log_stream_names``).

        Returns:
            A generator of the events, each with its stream name and event id.

        Raises:
            ValidationError: For bad arguments (before any call).
            NotFoundError: If the group does not exist (while iterating).
            TradAIError: The translated AWS error of another failed call.
        """
        params = filter_params(log_group, pattern, log_stream_names, log_stream_prefix)
        start_ms, end_ms = time_window(start, end)
        optional = {"startTime": start_ms, "endTime": end_ms, "limit": self._page_size}
        params.update({key: value for key, value in optional.items() if value is not None})
        return self._filtered(params, start_ms, end_ms)

    def _filtered(
        self, params: dict[str, Any], start_ms: int | None, end_ms: int | None
    ) -> Iterator[LogEvent]:
        while True:
            try:
                response = self.client.filter_log_events(**params)
            except Exception as exc:
                group = params["logGroupName"]
                raise translate_aws_error(exc, service=_SERVICE, resource=group) from exc
            for raw in response.get("events", []):
                if in_window(raw, start_ms, end_ms):
                    yield LogEvent.from_api(raw)
            token = response.get("nextToken")
            if not token or token == params.get("nextToken"):
                return
            params["nextToken"] = token
