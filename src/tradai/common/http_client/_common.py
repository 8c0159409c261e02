"""What the sync and async clients share: request plans, retry rules, redaction, errors.

A :class:`RequestPlan` is built (and validated) once per request, before any attempt.
:class:`ClientCore` turns a finished response into either the response (2xx/3xx), an
error raised *inside* the breaker and retry (a retryable status or any 5xx: the
dependency is unwell), or an error raised *outside* them (other 4xx: the request was
wrong, which says nothing about the dependency's health).
"""

from __future__ import annotations

import json as _json
import logging
import re
import urllib.parse
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tradai.common._correlation import get_correlation_id
from tradai.common._redaction import REDACTED, scrub_text
from tradai.common.exceptions import TradAIError, TransientError, ValidationError
from tradai.common.http_client._config import (
    HttpClientConfig,
    is_secret_header,
    validate_header_name,
    validate_header_value,
)
from tradai.common.http_client._log_filter import is_secret_param
from tradai.common.http_client._response import HttpResponse
from tradai.common.http_client.errors import (
    ResponseTooLargeError,
    error_for_status,
    parse_retry_after,
)
from tradai.common.resilience.retry import RetryConfig

__all__ = ["IDEMPOTENT_METHODS", "METHODS", "BodyLimit", "ClientCore", "RequestPlan"]

_LOG = logging.getLogger("tradai.common.http_client")

#: Methods retried by default (RFC 9110 idempotent methods).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
#: Every method the clients send.
METHODS = IDEMPOTENT_METHODS | {"POST", "PATCH"}

_PATH_RE = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*")
_DETAIL_MAX = 300
_CODE_RE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _secret_parts(value: str) -> tuple[str, ...]:
    # "Bearer abc123" leaks as "abc123" too; parts shorter than 4 would mask noise.
    return tuple(p for p in {value, value.partition(" ")[2]} if len(p) >= 4)


@dataclass(frozen=True, slots=True)
class RequestPlan:
    """One request, validated, ready to send (any number of attempts).

    Args:
        method: The upper-case method.
        url: The full URL without the query.
        params: Query parameters as ``(name, value)`` pairs.
        headers: Every header to send (secrets included: never log this).
        content: The body bytes, if any.
        retry: Whether the request may be retried.
        operation: ``"<METHOD> <path>"`` for errors and logs.
        display_url: The URL with the query, secret values redacted (safe to log).
        secrets: Secret values to scrub from any text taken from a response.
    """

    method: str
    url: str
    params: tuple[tuple[str, str], ...]
    headers: dict[str, str]
    content: bytes | None
    retry: bool
    operation: str
    display_url: str
    secrets: tuple[str, ...]


class BodyLimit:
    """Counts streamed bytes and refuses a body past the limit or past the total timeout.

    Args:
        core: The client core (limits, clock).
        plan: The request.
        status: The response's status.
        started: When the attempt started (the core's clock).
    """

    __slots__ = ("_chunks", "_core", "_plan", "_started", "_status", "_total")

    def __init__(self, core: ClientCore, plan: RequestPlan, status: int, started: float) -> None:
        self._core, self._plan, self._status, self._started = core, plan, status, started
        self._chunks: list[bytes] = []
        self._total = 0

    def check_length(self, header: str | None) -> None:
        """Refuse at once when ``Content-Length`` already exceeds the limit."""
        limit = self._core.config.max_response_bytes
        if header is not None and header.strip().isdigit() and int(header) > limit:
            raise self._too_large()

    def add(self, chunk: bytes) -> None:
        """Append a chunk; raise if the body grew past the limit or the attempt ran too long."""
        self._total += len(chunk)
        if self._total > self._core.config.max_response_bytes:
            raise self._too_large()
        if self._core.clock() - self._started > self._core.config.total_timeout:
            raise self._core.total_timeout_error(self._plan)
        self._chunks.append(chunk)

    def body(self) -> bytes:
        """Return the bytes collected."""
        return b"".join(self._chunks)

    def _too_large(self) -> ResponseTooLargeError:
        return ResponseTooLargeError(
            self._core.config.max_response_bytes,
            service=self._core.config.service,
            operation=self._plan.operation,
            status_code=self._status,
        )


class ClientCore:
    """Configuration-derived behaviour shared by :class:`HttpClient` and its async twin.

    Args:
        config: The client configuration.
        clock: Monotonic seconds (timeouts, retry deadline).
        wall_clock: Seconds since the epoch (``Retry-After`` dates).
    """

    def __init__(
        self,
        config: HttpClientConfig,
        *,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
    ) -> None:
        self.config = config
        self.clock = clock
        self.wall_clock = wall_clock
        self._retryable = config.retry.retryable_status_codes
        self._base_headers = {
            **config.headers,
            **{k: v.get_secret_value() for k, v in config.secret_headers.items()},
        }
        self._secrets = tuple(
            part
            for v in config.secret_headers.values()
            for part in _secret_parts(v.get_secret_value())
        )

    # -- building a request -------------------------------------------------------

    def plan(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        data: bytes | str | Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        idempotent: bool | None,
    ) -> RequestPlan:
        """Validate a request and build its plan.

        Raises:
            ValidationError: For an unknown method, a malformed path or header, or both
                ``json`` and ``data``.
        """
        verb = method.upper() if isinstance(method, str) else ""
        if verb not in METHODS:
            raise ValidationError(f"unsupported HTTP method {method!r}", field="method")
        clean_path = self._check_path(path)
        query = _query_pairs(params)
        content, content_type = _encode_body(json, data)
        sent = dict(self._base_headers)
        if content_type is not None:
            sent["Content-Type"] = content_type
        correlation_id = get_correlation_id()
        if correlation_id is not None:
            sent[self.config.correlation_header] = correlation_id
        secrets = list(self._secrets)
        for name, value in (headers or {}).items():
            try:
                sent[validate_header_name(name)] = validate_header_value(value, name=name)
            except ValueError as exc:
                raise ValidationError(str(exc), field="headers") from exc
            if is_secret_header(name):
                secrets.extend(_secret_parts(value))
        secrets.extend(part for k, v in query if is_secret_param(k) for part in _secret_parts(v))
        url = f"{self.config.base_url}/{clean_path}" if clean_path else self.config.base_url
        retry = (
            idempotent
            if idempotent is not None
            else (verb in IDEMPOTENT_METHODS or self.config.retry.retry_non_idempotent)
        )
        return RequestPlan(
            method=verb,
            url=url,
            params=query,
            headers=sent,
            content=content,
            retry=retry and self.config.retry.max_attempts > 1,
            operation=f"{verb} /{clean_path}",
            display_url=_display_url(url, query, secrets),
            secrets=tuple(secrets),
        )

    @staticmethod
    def _check_path(path: str) -> str:
        if not isinstance(path, str) or not path.isascii() or _PATH_RE.fullmatch(path) is None:
            raise ValidationError(
                "path must be ASCII URL path characters (percent-encode the rest; put the "
                "query in params=)",
                field="path",
            )
        if path.startswith("//") or "://" in path or ".." in path.split("/"):
            raise ValidationError("path must stay under base_url", field="path")
        return path.lstrip("/")

    # -- retry and errors ---------------------------------------------------------

    def retry_config(
        self,
        *,
        sleep: Callable[[float], object],
        async_sleep: Callable[[float], Awaitable[object]] | None,
        rng: Callable[[], float],
    ) -> RetryConfig:
        """Build the retry configuration: transport failures and retryable statuses."""
        retry = self.config.retry
        return RetryConfig(
            on=self.is_retryable,
            attempts=retry.max_attempts,
            deadline=retry.deadline,
            wait_initial=retry.backoff_initial,
            wait_max=retry.backoff_max,
            wait_exp_base=retry.backoff_base,
            retry_after_max=retry.retry_after_max,
            sleep=sleep,
            async_sleep=async_sleep,
            clock=self.clock,
            rng=rng,
        )

    def is_retryable(self, exc: BaseException) -> bool:
        """Whether an attempt's exception is worth another attempt."""
        if not isinstance(exc, TradAIError):
            return False
        status = exc.context.get("status_code")
        if status is None:
            return isinstance(exc, TransientError)
        return status in self._retryable

    def total_timeout_error(self, plan: RequestPlan) -> TransientError:
        """The error for an attempt that exceeded ``total_timeout``."""
        timeout = self.config.total_timeout
        return TransientError(
            f"{self.config.service}: {plan.operation} took longer than {timeout} s",
            service=self.config.service,
            operation=plan.operation,
            error_code="TotalTimeout",
        )

    def outcome(self, plan: RequestPlan, response: HttpResponse) -> HttpResponse | TradAIError:
        """Sort a response: return it, raise it inside the policy, or hand back an error.

        Returns:
            The response when its status is below 400, else the error to raise *after*
            the breaker and retry (a client error).

        Raises:
            TradAIError: For a retryable status or any 5xx (retried; counts in the breaker).
        """
        _LOG.debug(
            "%s %s -> %d (%.1f ms)",
            plan.method,
            plan.display_url,
            response.status,
            response.elapsed * 1000,
        )
        if response.status < 400:
            return response
        error = self._error(plan, response)
        if response.status in self._retryable or response.status >= 500:
            raise error
        return error

    def _error(self, plan: RequestPlan, response: HttpResponse) -> TradAIError:
        retry_after = parse_retry_after(
            response.headers.get("retry-after"),
            now=self.wall_clock(),
            cap=self.config.retry.retry_after_max,
        )
        code, detail = _error_details(response)
        if detail is not None:
            for secret in plan.secrets:
                detail = detail.replace(secret, REDACTED)
            detail = scrub_text(detail)
        error = error_for_status(
            response.status,
            service=self.config.service,
            operation=plan.operation,
            retry_after=retry_after,
            error_code=code,
            detail=detail,
        )
        error.context["url"] = plan.display_url
        return error


def _query_pairs(params: Mapping[str, Any] | None) -> tuple[tuple[str, str], ...]:
    if not params:
        return ()
    pairs: list[tuple[str, str]] = []
    for name, value in params.items():
        if not isinstance(name, str):
            raise ValidationError("query parameter names must be strings", field="params")
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None:
                continue
            text = str(item).lower() if isinstance(item, bool) else str(item)
            pairs.append((name, text))
    return tuple(pairs)


def _encode_body(
    json: Any, data: bytes | str | Mapping[str, Any] | None
) -> tuple[bytes | None, str | None]:
    if json is not None and data is not None:
        raise ValidationError("pass json= or data=, not both", field="json")
    if json is not None:
        try:
            text = _json.dumps(json, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValidationError("json= is not JSON-serialisable", field="json") from exc
        return text.encode(), "application/json"
    if data is None:
        return None, None
    if isinstance(data, bytes):
        return data, None
    if isinstance(data, str):
        return data.encode(), "text/plain; charset=utf-8"
    encoded = urllib.parse.urlencode(_query_pairs(data))
    return encoded.encode(), "application/x-www-form-urlencoded"


def _display_url(url: str, query: tuple[tuple[str, str], ...], secrets: list[str]) -> str:
    if not query:
        return url
    shown = [(k, REDACTED if is_secret_param(k) or v in secrets else v) for k, v in query]
    return f"{url}?{urllib.parse.urlencode(shown, safe='*')}"


def _error_details(response: HttpResponse) -> tuple[str | None, str | None]:
    content_type = response.headers.get("content-type", "").lower()
    if "json" not in content_type:
        if content_type.startswith("text/plain") and response.body:
            return None, response.text[:_DETAIL_MAX]
        return None, None
    try:
        payload = _json.loads(response.body)
    except ValueError:
        return None, None
    if not isinstance(payload, dict):
        return None, None
    code = next((v for k in ("error_code", "code") if isinstance(v := payload.get(k), str)), None)
    if code is not None and _CODE_RE.fullmatch(code) is None:
        code = None
    message = next(
        (v for k in ("message", "detail", "error") if isinstance(v := payload.get(k), str)), None
    )
    return code, None if message is None else message[:_DETAIL_MAX]
