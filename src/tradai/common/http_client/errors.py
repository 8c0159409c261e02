"""THE tables translating HTTP failures into tradai exceptions (one place, tested entry by entry).

* :data:`STATUS_ERROR_MAP` — HTTP status → exception class. Statuses not in the table map
  by class: other 4xx → :class:`~tradai.common.exceptions.ExternalServiceError`, other
  5xx → :class:`~tradai.common.exceptions.ExternalServiceError`.
* :data:`REQUESTS_ERROR_MAP` / :data:`HTTPX_ERROR_MAP` — transport exceptions (by class
  name, checked in order, subclasses first) → exception class; anything else from the
  library maps to ``ExternalServiceError``.

Every error carries ``service``, ``operation`` (``"GET /path"``) and, for statuses,
``status_code``; :class:`~tradai.common.exceptions.TransientError` also carries the
server's ``Retry-After`` as ``retry_after`` (seconds, capped). Messages and context never
hold credentials: URLs are redacted before they get here.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import math
import types
from collections.abc import Mapping
from typing import Any, Final

from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    TransientError,
    ValidationError,
)

__all__ = [
    "HTTPX_ERROR_MAP",
    "REQUESTS_ERROR_MAP",
    "STATUS_ERROR_MAP",
    "ResponseTooLargeError",
    "error_class_for_status",
    "error_for_status",
    "parse_retry_after",
    "translate_transport_error",
]

#: HTTP status → the tradai exception raised for it.
STATUS_ERROR_MAP: Final[Mapping[int, type[TradAIError]]] = types.MappingProxyType(
    {
        400: ValidationError,
        401: AuthenticationError,
        403: AuthenticationError,
        404: NotFoundError,
        405: ValidationError,
        406: ValidationError,
        408: TransientError,
        409: ConflictError,
        410: NotFoundError,
        411: ValidationError,
        412: ConflictError,
        413: ValidationError,
        414: ValidationError,
        415: ValidationError,
        416: ValidationError,
        422: ValidationError,
        423: ConflictError,
        425: TransientError,
        428: ConflictError,
        429: TransientError,
        431: ValidationError,
        500: TransientError,
        501: ExternalServiceError,
        502: TransientError,
        503: TransientError,
        504: TransientError,
        505: ExternalServiceError,
        507: ExternalServiceError,
        511: AuthenticationError,
    }
)

#: requests exception class name → tradai exception (first match wins: subclasses first).
REQUESTS_ERROR_MAP: Final[tuple[tuple[str, type[TradAIError]], ...]] = (
    ("SSLError", ExternalServiceError),
    ("ProxyError", ExternalServiceError),
    ("ConnectTimeout", TransientError),
    ("ReadTimeout", TransientError),
    ("ChunkedEncodingError", TransientError),
    ("ConnectionError", TransientError),
    ("ContentDecodingError", ExternalServiceError),
    ("TooManyRedirects", ExternalServiceError),
    ("InvalidHeader", ValidationError),
    ("InvalidURL", ValidationError),
    ("MissingSchema", ValidationError),
    ("InvalidSchema", ValidationError),
    ("URLRequired", ValidationError),
)

#: httpx exception class name → tradai exception (first match wins: subclasses first).
HTTPX_ERROR_MAP: Final[tuple[tuple[str, type[TradAIError]], ...]] = (
    ("ConnectTimeout", TransientError),
    ("ReadTimeout", TransientError),
    ("WriteTimeout", TransientError),
    ("PoolTimeout", TransientError),
    ("ProxyError", ExternalServiceError),
    ("ConnectError", TransientError),
    ("ReadError", TransientError),
    ("WriteError", TransientError),
    ("RemoteProtocolError", TransientError),
    ("LocalProtocolError", ValidationError),
    ("UnsupportedProtocol", ValidationError),
    ("DecodingError", ExternalServiceError),
    ("TooManyRedirects", ExternalServiceError),
    ("InvalidURL", ValidationError),
)


class ResponseTooLargeError(ExternalServiceError):
    """A response body exceeded ``max_response_bytes`` and was refused while streaming.

    Args:
        limit: The configured limit, in bytes.
        service: The dependency's name.
        operation: The request (``"GET /path"``).
        status_code: The response's status.

    Attributes:
        limit: The configured limit, in bytes.
    """

    def __init__(
        self,
        limit: int,
        *,
        service: str | None = None,
        operation: str | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(
            f"response body exceeds the {limit}-byte limit",
            service=service,
            operation=operation,
            status_code=status_code,
            error_code="ResponseTooLarge",
            context={"limit": limit},
        )
        self.limit = limit

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild_too_large,
            (self.limit, self.service, self.operation, self.status_code),
        )


def _rebuild_too_large(
    limit: int, service: str | None, operation: str | None, status_code: int | None
) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        limit, service=service, operation=operation, status_code=status_code
    )


def error_class_for_status(status: int) -> type[TradAIError]:
    """Return the exception class for an HTTP error status.

    Args:
        status: An HTTP status of at least 400.

    Returns:
        The class from :data:`STATUS_ERROR_MAP`, else ``ExternalServiceError``.

    Example:
        >>> error_class_for_status(404).__name__, error_class_for_status(599).__name__
        ('NotFoundError', 'ExternalServiceError')
    """
    return STATUS_ERROR_MAP.get(status, ExternalServiceError)


def error_for_status(
    status: int,
    *,
    service: str,
    operation: str,
    retry_after: float | None = None,
    error_code: str | None = None,
    detail: str | None = None,
) -> TradAIError:
    """Build the exception for an HTTP error response.

    Args:
        status: The HTTP status (at least 400).
        service: The dependency's name.
        operation: The request, e.g. ``"GET /api/2.0/mlflow/runs/get"``.
        retry_after: The server's ``Retry-After`` in seconds (kept on ``TransientError``).
        error_code: The service's own error code, when the body had one.
        detail: A short, already redacted message from the body.

    Returns:
        An instance of :func:`error_class_for_status`'s class with the context set.

    Example:
        >>> err = error_for_status(503, service="mlflow", operation="GET /x", retry_after=2.0)
        >>> type(err).__name__, err.retry_after, err.status_code, err.retryable
        ('TransientError', 2.0, 503, True)
    """
    cls = error_class_for_status(status)
    message = f"{service}: {operation} returned HTTP {status}"
    context: dict[str, Any] = {"service": service, "operation": operation, "status_code": status}
    if detail:
        context["detail"] = detail
    if issubclass(cls, TransientError):
        return cls(
            message,
            retry_after=retry_after,
            service=service,
            operation=operation,
            status_code=status,
            error_code=error_code,
            context=context,
        )
    if issubclass(cls, ExternalServiceError):
        return cls(
            message,
            service=service,
            operation=operation,
            status_code=status,
            error_code=error_code,
            context=context,
        )
    if error_code:
        context["error_code"] = error_code
    return cls(message, context=context)


def translate_transport_error(
    exc: BaseException,
    table: tuple[tuple[str, type[TradAIError]], ...],
    *,
    service: str,
    operation: str,
) -> TradAIError:
    """Translate a transport exception (requests or httpx) through ``table``.

    Args:
        exc: The library's exception.
        table: :data:`REQUESTS_ERROR_MAP` or :data:`HTTPX_ERROR_MAP`.
        service: The dependency's name.
        operation: The request (``"GET /path"``).

    Returns:
        The tradai exception to raise ``from exc``. Its message names the failure's type,
        never the library's message (which may quote a URL with a query string).
    """
    names = {cls.__name__ for cls in type(exc).__mro__}
    target: type[TradAIError] = ExternalServiceError
    matched = type(exc).__name__
    for name, cls in table:
        if name in names:
            target, matched = cls, name
            break
    message = f"{service}: {operation} failed ({matched})"
    context = {"service": service, "operation": operation, "error": type(exc).__name__}
    if issubclass(target, ExternalServiceError):
        return target(message, service=service, operation=operation, error_code=matched)
    return target(message, context=context)


def parse_retry_after(value: str | None, *, now: float, cap: float) -> float | None:
    """Parse a ``Retry-After`` header: delay-seconds or an HTTP date.

    Args:
        value: The header's value (``None`` when absent).
        now: The current wall-clock time, in seconds since the epoch.
        cap: The largest delay to return, in seconds.

    Returns:
        Seconds to wait (within ``[0, cap]``; a date in the past gives 0), or ``None``
        when the header is absent or malformed.

    Example:
        >>> parse_retry_after("120", now=0, cap=60)
        60.0
        >>> parse_retry_after("Thu, 01 Jan 1970 00:00:30 GMT", now=10, cap=60)
        20.0
        >>> parse_retry_after("soon", now=0, cap=60) is None
        True
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        seconds = float(text)
    else:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.UTC)
        seconds = when.timestamp() - now
    if not math.isfinite(seconds):
        return None
    return float(min(max(seconds, 0.0), cap))
