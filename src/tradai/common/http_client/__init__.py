"""HTTP clients with timeouts, retries, a circuit breaker and credential-free logs.

* :class:`HttpClient` (requests) and :class:`AsyncHttpClient` (httpx) share one
  configuration (:class:`HttpClientConfig`, :class:`HttpRetryConfig`), one response type
  (:class:`HttpResponse`) and one error table (:mod:`tradai.common.http_client.errors`).
* Retries and the breaker are :mod:`tradai.common.resilience`'s.

Importing this package imports neither requests nor httpx (nor pydantic); each name loads
on first use.

Example:
    >>> import tradai.common.http_client as http_client
    >>> sorted(http_client.STATUS_ERROR_MAP)[:3]
    [400, 401, 403]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradai.common._lazy import lazy_exports

if TYPE_CHECKING:
    from tradai.common.http_client.async_client import AsyncHttpClient
    from tradai.common.http_client.client import (
        HttpClient,
        HttpClientConfig,
        HttpHeaders,
        HttpResponse,
        HttpRetryConfig,
    )
    from tradai.common.http_client.errors import (
        STATUS_ERROR_MAP,
        ResponseTooLargeError,
        error_for_status,
        parse_retry_after,
    )

_CLIENT = "tradai.common.http_client.client"
_ERRORS = "tradai.common.http_client.errors"
_EXPORTS = {
    "AsyncHttpClient": "tradai.common.http_client.async_client",
    "HttpClient": _CLIENT,
    "HttpClientConfig": _CLIENT,
    "HttpHeaders": _CLIENT,
    "HttpResponse": _CLIENT,
    "HttpRetryConfig": _CLIENT,
    "STATUS_ERROR_MAP": _ERRORS,
    "ResponseTooLargeError": _ERRORS,
    "error_for_status": _ERRORS,
    "parse_retry_after": _ERRORS,
}

__all__ = [
    "STATUS_ERROR_MAP",
    "AsyncHttpClient",
    "HttpClient",
    "HttpClientConfig",
    "HttpHeaders",
    "HttpResponse",
    "HttpRetryConfig",
    "ResponseTooLargeError",
    "error_for_status",
    "parse_retry_after",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
