"""``HttpClientConfig`` and ``HttpRetryConfig`` (re-exported by ``http_client.client``).

Decisions where the specification is silent:

* Timeouts are always set: ``connect_timeout`` (default 3.05 s), ``read_timeout``
  (default 30 s, the longest wait for the next byte) and ``total_timeout`` (default 120 s,
  one attempt from sending to the last byte). None may be turned off.
* ``max_response_bytes`` (default 10 MiB) bounds every body, decompressed; a larger
  response is refused while it streams in.
* Header values that look secret (``Authorization``, ``Cookie``, ``X-API-Key``, any name
  with *token*, *secret*, *password*...) given in ``headers`` are moved to
  ``secret_headers`` as :class:`~pydantic.SecretStr`, so they never show in a repr, a
  dump, a log line or a validation error.
* Redirects are not followed by default (``follow_redirects=False``): an API client that
  silently follows a redirect to another host is a credential leak waiting to happen.
* Retries: 3 attempts within a 30 s deadline, full-jitter backoff from 0.2 s capped at
  5 s, on 429/500/502/503/504 and on connection failures and timeouts — for idempotent
  methods only (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) unless
  ``retry_non_idempotent=True`` (or a request says ``idempotent=True``). A ``Retry-After``
  header wins over the computed wait, capped at ``retry_after_max`` (60 s).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from typing import Any

from pydantic import ConfigDict, Field, SecretStr, field_validator, model_validator

from tradai.common._redaction import is_secret_key
from tradai.common.entities._base import FrozenModel
from tradai.common.validators import validate_identifier

__all__ = ["HttpClientConfig", "HttpRetryConfig"]

_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,128}")
_BAD_VALUE_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key"})
_MAX_HEADER_VALUE = 8192


def validate_header_name(name: str) -> str:
    """Validate an HTTP header name (an RFC 9110 token of at most 128 characters).

    Args:
        name: The header name.

    Returns:
        The name unchanged.

    Raises:
        ValueError: If it is not a token.
    """
    if not isinstance(name, str) or not name.isascii() or _TOKEN_RE.fullmatch(name) is None:
        raise ValueError(f"invalid HTTP header name {name!r}")
    return name


def validate_header_value(value: str, *, name: str) -> str:
    """Validate an HTTP header value: no CR, LF, NUL or other control characters.

    Args:
        value: The value.
        name: The header's name (for the message; the value is never echoed).

    Returns:
        The value unchanged.

    Raises:
        ValueError: If it holds a control character or is over 8 KiB.
    """
    if not isinstance(value, str) or _BAD_VALUE_RE.search(value) or len(value) > _MAX_HEADER_VALUE:
        raise ValueError(f"invalid value for HTTP header {name!r} (control character or too long)")
    return value


def is_secret_header(name: str) -> bool:
    """Return whether a header's value must be treated as a secret.

    Args:
        name: The header name.

    Returns:
        ``True`` for ``Authorization``, ``Cookie``, ``X-API-Key`` and secret-looking names.
    """
    return name.lower() in _SECRET_HEADERS or is_secret_key(name)


def _validate_base_url(value: str) -> str:
    if not isinstance(value, str) or not value.isascii() or _BAD_VALUE_RE.search(value):
        raise ValueError("base_url must be printable ASCII")
    if value != value.strip() or " " in value:
        raise ValueError("base_url must not contain spaces")
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("base_url must be an absolute http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise ValueError("base_url must not embed credentials; use secret_headers")
    if parts.query or parts.fragment:
        raise ValueError("base_url must not have a query or fragment")
    _ = parts.port  # raises ValueError for a malformed port
    return value.rstrip("/")


class HttpRetryConfig(FrozenModel):
    """How an :class:`~tradai.common.http_client.client.HttpClient` retries.

    Args:
        max_attempts: Total attempts per request, the first included (1-10).
        backoff_initial: Ceiling of the first jittered wait, in seconds.
        backoff_max: Largest ceiling of a computed wait, in seconds.
        backoff_base: Growth factor of the ceiling per retry.
        deadline: Seconds from the first failure after which no attempt starts.
        retryable_status_codes: Statuses retried (each 400-599).
        retry_non_idempotent: Also retry POST and PATCH (only if the server dedupes them).
        retry_after_max: Cap on a server's ``Retry-After``, in seconds.

    Example:
        >>> HttpRetryConfig().max_attempts, sorted(HttpRetryConfig().retryable_status_codes)
        (3, [429, 500, 502, 503, 504])
    """

    max_attempts: int = Field(default=3, ge=1, le=10)
    backoff_initial: float = Field(default=0.2, ge=0, le=60)
    backoff_max: float = Field(default=5.0, ge=0, le=300)
    backoff_base: float = Field(default=2.0, ge=1, le=10)
    deadline: float = Field(default=30.0, gt=0, le=3600)
    retryable_status_codes: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    retry_non_idempotent: bool = False
    retry_after_max: float = Field(default=60.0, ge=0, le=3600)

    @field_validator("retryable_status_codes")
    @classmethod
    def _error_statuses_only(cls, value: frozenset[int]) -> frozenset[int]:
        bad = sorted(code for code in value if not 400 <= code <= 599)
        if bad:
            raise ValueError(f"retryable_status_codes must be 400-599, got {bad}")
        return value


class HttpClientConfig(FrozenModel):
    """Where an HTTP client talks to and with which limits (see the module docs).

    Args:
        base_url: Absolute ``http(s)://`` URL without credentials, query or fragment;
            request paths are appended to it.
        connect_timeout: Seconds to establish a connection.
        read_timeout: Seconds to wait for the next byte of the response.
        total_timeout: Seconds one attempt may take from sending to the last byte.
        headers: Headers sent with every request (secret-looking ones are moved).
        secret_headers: Headers whose values are secrets (``Authorization``...).
        max_response_bytes: Largest body accepted (after decompression).
        verify: Verify TLS certificates (``True``), or the path of a CA bundle.
        follow_redirects: Whether to follow 3xx redirects.
        service: The dependency's name, used in errors and logs.
        correlation_header: The header carrying the current correlation id.
        retry: How to retry.

    Example:
        >>> config = HttpClientConfig(
        ...     base_url="https://mlflow.internal/",
        ...     headers={"Authorization": "Bearer abc", "Accept": "application/json"},
        ... )
        >>> config.base_url, dict(config.headers)
        ('https://mlflow.internal', {'Accept': 'application/json'})
        >>> config.secret_headers
        {'Authorization': SecretStr('**********')}
    """

    model_config = ConfigDict(hide_input_in_errors=True)

    base_url: str
    connect_timeout: float = Field(default=3.05, gt=0, le=120)
    read_timeout: float = Field(default=30.0, gt=0, le=3600)
    total_timeout: float = Field(default=120.0, gt=0, le=7200)
    headers: dict[str, str] = Field(default_factory=dict)
    secret_headers: dict[str, SecretStr] = Field(default_factory=dict)
    max_response_bytes: int = Field(default=10 * 1024 * 1024, gt=0, le=2**31)
    verify: bool | str = True
    follow_redirects: bool = False
    service: str = "http"
    correlation_header: str = "X-Correlation-ID"
    retry: HttpRetryConfig = Field(default_factory=HttpRetryConfig)

    @model_validator(mode="before")
    @classmethod
    def _move_secret_headers(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or not isinstance(data.get("headers"), Mapping):
            return data
        plain: dict[Any, Any] = {}
        secret: dict[Any, Any] = dict(data.get("secret_headers") or {})
        for name, value in data["headers"].items():
            if isinstance(name, str) and is_secret_header(name):
                if name in secret:
                    raise ValueError(f"header {name!r} is given twice")
                secret[name] = value
            else:
                plain[name] = value
        return {**data, "headers": plain, "secret_headers": secret}

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return _validate_base_url(value)

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, header in value.items():
            validate_header_value(header, name=validate_header_name(name))
        return value

    @field_validator("secret_headers")
    @classmethod
    def _secret_headers(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name, header in value.items():
            validate_header_value(header.get_secret_value(), name=validate_header_name(name))
        return value

    @field_validator("correlation_header")
    @classmethod
    def _correlation_header(cls, value: str) -> str:
        return validate_header_name(value)

    @field_validator("service")
    @classmethod
    def _service(cls, value: str) -> str:
        return validate_identifier(value)

    @field_validator("verify")
    @classmethod
    def _verify(cls, value: bool | str) -> bool | str:
        if isinstance(value, str) and (not value or "\x00" in value or value != value.strip()):
            raise ValueError("verify must be a boolean or the path of a CA bundle")
        return value
