"""``HttpClient``: a requests-based client with timeouts, retries, a breaker and safe logs.

How a request runs::

    plan (validate method, path, headers; build the query and body)
      → ResiliencePolicy: breaker( retry( one attempt ) )
          one attempt = send with (connect, read) timeouts, stream the body within
          max_response_bytes and total_timeout, then sort the status:
            < 400                     → the response
            retryable status or 5xx   → raised inside (retried; counts in the breaker)
            other 4xx                 → handed out and raised after the policy
      → HttpResponse, or the mapped tradai error (see ``http_client.errors``)

* Only idempotent methods are retried unless ``retry_non_idempotent=True`` or the
  request says ``idempotent=True`` (e.g. a read-only POST search, or a POST with an
  idempotency key).
* ``Retry-After`` (seconds or HTTP date) replaces the computed backoff, capped.
* The current correlation id (``tradai.common.logger_mixin.get_correlation_id()``) is sent
  in ``config.correlation_header``.
* Logs and errors never hold credentials: headers are never logged, secret query values
  are redacted, response excerpts are scrubbed of the client's own secrets. urllib3 and
  httpx log request URLs themselves; the first client adds a redacting filter to their
  loggers (see :mod:`tradai.common.http_client._log_filter`).
* A breaker passed in is shared with whoever else holds it (e.g. an MLflow client and a
  health check), and its state can live in Redis
  (:class:`~tradai.common.resilience.redis_store.RedisBreakerStore`).

Example (not run: needs a server)::

    config = HttpClientConfig(base_url="https://mlflow.internal", read_timeout=10)
    with HttpClient(config, breaker=CircuitBreaker("mlflow")) as client:
        run = client.get("/api/2.0/mlflow/runs/get", params={"run_id": run_id}).json()
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from tradai.common._lazy import require
from tradai.common.exceptions import TradAIError, ValidationError
from tradai.common.http_client._common import BodyLimit, ClientCore, RequestPlan
from tradai.common.http_client._config import HttpClientConfig, HttpRetryConfig
from tradai.common.http_client._log_filter import install_transport_log_filters
from tradai.common.http_client._response import HttpHeaders, HttpResponse
from tradai.common.http_client.errors import (
    REQUESTS_ERROR_MAP,
    ResponseTooLargeError,
    translate_transport_error,
)
from tradai.common.resilience.circuit_breaker import CircuitBreaker
from tradai.common.resilience.policy import ResiliencePolicy

if TYPE_CHECKING:
    import requests

__all__ = ["HttpClient", "HttpClientConfig", "HttpHeaders", "HttpResponse", "HttpRetryConfig"]

_CHUNK = 64 * 1024


class HttpClient:
    """A requests-based HTTP client (see the module docs).

    Args:
        config: Base URL, timeouts, headers, limits and retry settings (required).
        breaker: A circuit breaker guarding every request, if any.
        session: A ``requests.Session`` to use (not closed by :meth:`close`).
        sleep: Sleeps between attempts (inject a fake in tests).
        clock: Monotonic seconds (timeouts, retry deadline).
        wall_clock: Seconds since the epoch (``Retry-After`` dates).
        rng: Random numbers in ``[0, 1)`` for the backoff jitter.

    Raises:
        ValidationError: If ``config`` is not an :class:`HttpClientConfig`.
        MissingDependencyError: If requests is not installed (extra ``api``).
    """

    def __init__(
        self,
        config: HttpClientConfig,
        *,
        breaker: CircuitBreaker | None = None,
        session: requests.Session | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not isinstance(config, HttpClientConfig):
            raise ValidationError("config must be an HttpClientConfig", field="config")
        self._requests: Any = require("requests", extra="api")
        self._core = ClientCore(config, clock=clock, wall_clock=wall_clock)
        install_transport_log_filters()
        self._owns_session = session is None
        self._session: requests.Session = session or self._requests.Session()
        retry = self._core.retry_config(sleep=sleep, async_sleep=None, rng=rng)
        self._breaker = breaker
        self._retrying = ResiliencePolicy(retry=retry, breaker=breaker, name=config.service)
        self._once = ResiliencePolicy(retry=None, breaker=breaker, name=config.service)

    @property
    def config(self) -> HttpClientConfig:
        """The client's configuration."""
        return self._core.config

    @property
    def breaker(self) -> CircuitBreaker | None:
        """The circuit breaker guarding the requests, if any."""
        return self._breaker

    def __repr__(self) -> str:
        return f"HttpClient({self.config.base_url!r}, service={self.config.service!r})"

    def __enter__(self) -> HttpClient:
        """Use the client in a ``with`` block; it is closed on exit.

        Returns:
            The client.
        """
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the client."""
        self.close()

    def close(self) -> None:
        """Close the session if this client created it."""
        if self._owns_session:
            self._session.close()

    def request(
        self,
        method: str,
        path: str = "",
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: bytes | str | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> HttpResponse:
        """Send a request and return its response (status below 400).

        Args:
            method: GET, HEAD, OPTIONS, PUT, DELETE, TRACE, POST or PATCH.
            path: Appended to ``base_url``: ASCII path characters, no query, no ``..``.
            params: Query parameters (lists repeat the name; ``None`` values are dropped).
            json: A body to send as JSON.
            data: A body to send as is (bytes, text, or a form mapping).
            headers: Extra headers for this request (they override the defaults).
            idempotent: Whether retrying is safe; default: by method and configuration.

        Returns:
            The response.

        Raises:
            ValidationError: For a malformed request (nothing was sent), or a 400/422...
            NotFoundError: For 404/410.
            AuthenticationError: For 401/403.
            ConflictError: For 409/412.
            TransientError: For 429/5xx or a connection failure/timeout, after retrying.
            ResponseTooLargeError: When the body exceeds ``max_response_bytes``.
            CircuitOpenError: When the breaker refused the request.
            ExternalServiceError: For any other failure of the dependency.
        """
        plan = self._core.plan(
            method,
            path,
            params=params,
            json=json,
            data=data,
            headers=headers,
            idempotent=idempotent,
        )
        policy = self._retrying if plan.retry else self._once
        outcome = policy.call(self._attempt, plan)
        if isinstance(outcome, HttpResponse):
            return outcome
        raise outcome

    def get(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a GET request (see :meth:`request` for the arguments and errors).

        Returns:
            The response.
        """
        return self.request("GET", path, **kwargs)

    def head(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a HEAD request (see :meth:`request`).

        Returns:
            The response (with an empty body).
        """
        return self.request("HEAD", path, **kwargs)

    def post(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a POST request (not retried unless ``idempotent=True`` or configured).

        Returns:
            The response.
        """
        return self.request("POST", path, **kwargs)

    def put(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a PUT request (see :meth:`request`).

        Returns:
            The response.
        """
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a PATCH request (not retried unless ``idempotent=True`` or configured).

        Returns:
            The response.
        """
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a DELETE request (see :meth:`request`).

        Returns:
            The response.
        """
        return self.request("DELETE", path, **kwargs)

    def _attempt(self, plan: RequestPlan) -> HttpResponse | TradAIError:
        config, core = self._core.config, self._core
        errors = self._requests.RequestException
        started = core.clock()
        try:
            raw = self._session.request(
                plan.method,
                plan.url,
                params=plan.params or None,
                data=plan.content,
                headers=plan.headers,
                timeout=(config.connect_timeout, config.read_timeout),
                verify=config.verify,
                allow_redirects=config.follow_redirects,
                stream=True,
            )
        except errors as exc:
            raise translate_transport_error(
                exc, REQUESTS_ERROR_MAP, service=config.service, operation=plan.operation
            ) from exc
        limit = BodyLimit(core, plan, raw.status_code, started)
        try:
            if plan.method != "HEAD":
                limit.check_length(raw.headers.get("Content-Length"))
            for chunk in _chunks(raw, self._requests):
                limit.add(chunk)
        except errors as exc:
            raise translate_transport_error(
                exc, REQUESTS_ERROR_MAP, service=config.service, operation=plan.operation
            ) from exc
        except ResponseTooLargeError as exc:
            return exc  # our own refusal: raised after the policy, not a dependency failure
        finally:
            raw.close()
        response = HttpResponse(
            status=raw.status_code,
            headers=HttpHeaders(raw.headers.items()),
            body=limit.body(),
            method=plan.method,
            url=plan.display_url,
            elapsed=core.clock() - started,
            service=config.service,
        )
        return core.outcome(plan, response)


def _chunks(raw: requests.Response, requests_module: Any) -> Iterator[bytes]:
    """Yield body bytes as soon as they arrive (decompressed).

    ``iter_content(n)`` waits until ``n`` bytes have arrived, so a server trickling a byte
    at a time could hold a read for ever without tripping the per-read timeout; ``read1``
    returns whatever one socket read brought, so ``total_timeout`` is checked between
    reads. urllib3's errors become the exceptions requests' ``iter_content`` would raise.
    """
    read1 = getattr(raw.raw, "read1", None)
    if read1 is None:  # pragma: no cover - urllib3 1.x only; the lock pins urllib3 2
        yield from raw.iter_content(_CHUNK)
        return
    from urllib3 import exceptions as u3

    rex = requests_module.exceptions
    try:
        while chunk := read1(_CHUNK, decode_content=True):
            yield chunk
    except u3.ReadTimeoutError as exc:
        raise rex.ReadTimeout(exc) from exc
    except u3.SSLError as exc:
        raise rex.SSLError(exc) from exc
    except u3.ProtocolError as exc:
        raise rex.ChunkedEncodingError(exc) from exc
    except u3.DecodeError as exc:
        raise rex.ContentDecodingError(exc) from exc
