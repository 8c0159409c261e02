"""Fault injection for boto3 and aiobotocore clients through the ``before-send`` event.

An injected response goes through the SDK's real parsing and retry logic (unlike
``Stubber``), so a test proves what callers see after the SDK retried: use it for
throttling and 5xx responses that no emulator produces on demand. aiobotocore awaits the
response body (``await response.content`` → ``await raw.read()``), so an async client is
answered with an ``AioAWSResponse`` over an awaitable body; :func:`inject_aws_error` picks
the right one from the client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, *_: Any) -> bytes:
        return self._body


class _AsyncRaw:
    """The body of an injected aiobotocore response: ``read()`` is awaited."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    async def read(self, *_: Any) -> bytes:
        return self._body


def _is_async(client: Any) -> bool:
    try:
        from aiobotocore.client import AioBaseClient
    except ImportError:
        return False
    return isinstance(client, AioBaseClient)


def _response(
    asynchronous: bool, url: str, status: int, headers: dict[str, str], body: bytes
) -> Any:
    if asynchronous:
        from aiobotocore.awsrequest import AioAWSResponse

        return AioAWSResponse(url, status, headers, _AsyncRaw(body))
    return AWSResponse(url, status, headers, _Raw(body))


def _error_body(protocol: str, code: str, message: str) -> tuple[bytes, dict[str, str]]:
    if protocol in ("json", "rest-json", "smithy-rpc-v2-cbor"):
        body = json.dumps({"__type": code, "message": message}).encode()
        return body, {"Content-Type": "application/x-amz-json-1.0", "x-amzn-ErrorType": code}
    if protocol == "rest-xml":
        xml = f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        return xml.encode(), {"Content-Type": "application/xml"}
    xml = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
        f"<Message>{message}</Message></Error><RequestId>x</RequestId></ErrorResponse>"
    )
    return xml.encode(), {"Content-Type": "text/xml"}


@dataclass
class Injection:
    """What was injected: how many requests were answered with the fault."""

    code: str
    status: int
    times: int | None
    operation: str | None
    injected: int = 0
    seen_operations: list[str] = field(default_factory=list)


@contextmanager
def inject_aws_error(
    client: Any,
    *,
    code: str,
    status: int,
    times: int | None = None,
    operation: str | None = None,
    retry_after: str | None = None,
) -> Iterator[Injection]:
    """Answer the client's requests with an AWS error instead of sending them.

    Args:
        client: A boto3 or aiobotocore client (an async client is answered with a
            response whose body aiobotocore can await).
        code: The AWS error code (``"ThrottlingException"``, ``"SlowDown"``...).
        status: The HTTP status (400 for throttling on JSON services, 503, 500...).
        times: Answer this many requests with the fault, then let requests through;
            ``None`` means every request.
        operation: Only requests for this operation name (``"PutItem"``).
        retry_after: A ``Retry-After`` header value to send.

    Yields:
        The :class:`Injection` record (``injected`` counts the faulted attempts).
    """
    protocol = client.meta.service_model.protocol
    record = Injection(code=code, status=status, times=times, operation=operation)
    asynchronous = _is_async(client)

    def handler(request: Any, **kwargs: Any) -> Any:
        name = kwargs.get("event_name", "").rsplit(".", 1)[-1]
        record.seen_operations.append(name)
        if operation is not None and name != operation:
            return None
        if times is not None and record.injected >= times:
            return None
        record.injected += 1
        body, headers = _error_body(protocol, code, "injected fault")
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        return _response(asynchronous, request.url, status, headers, body)

    client.meta.events.register_first("before-send.*.*", handler)
    try:
        yield record
    finally:
        client.meta.events.unregister("before-send.*.*", handler)
