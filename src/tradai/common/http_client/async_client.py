"""``AsyncHttpClient``: the httpx-based async twin of ``HttpClient``.

Same configuration, same rules, same errors (see :mod:`tradai.common.http_client.client`):
timeouts always set, bounded bodies refused while streaming, retries of idempotent
requests with ``Retry-After`` honoured, an optional breaker (shared with sync callers if
you pass the same one), correlation ids, no credentials in logs. In addition each attempt
runs under ``asyncio.timeout(total_timeout)``, so even a server that trickles bytes is cut
off in time.

An ``httpx.AsyncClient`` keeps connections bound to the event loop that opened them:
create one ``AsyncHttpClient`` per loop and close it with ``await client.aclose()`` (or
``async with``). Pass ``transport=httpx.MockTransport(handler)`` to test code that uses it
without a server.

Example (not run: needs a server)::

    async with AsyncHttpClient(HttpClientConfig(base_url="https://data.internal")) as client:
        candles = (await client.get("/candles", params={"pair": "BTC/USDT"})).json()
"""

from __future__ import annotations

import random
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from tradai.common._lazy import require
from tradai.common.exceptions import TradAIError, ValidationError
from tradai.common.http_client._common import BodyLimit, ClientCore, RequestPlan
from tradai.common.http_client._config import HttpClientConfig
from tradai.common.http_client._log_filter import install_transport_log_filters
from tradai.common.http_client._response import HttpHeaders, HttpResponse
from tradai.common.http_client.errors import (
    HTTPX_ERROR_MAP,
    ResponseTooLargeError,
    translate_transport_error,
)
from tradai.common.resilience.circuit_breaker import CircuitBreaker
from tradai.common.resilience.policy import ResiliencePolicy

if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncHttpClient"]

_CHUNK = 64 * 1024


class AsyncHttpClient:
    """An httpx-based async HTTP client (see the module docs).

    Args:
        config: Base URL, timeouts, headers, limits and retry settings (required).
        breaker: A circuit breaker guarding every request, if any.
        client: An ``httpx.AsyncClient`` to use (not closed by :meth:`aclose`).
        transport: An httpx transport for the client this object creates.
        async_sleep: Sleeps between attempts (``asyncio.sleep`` when ``None``).
        clock: Monotonic seconds (timeouts, retry deadline).
        wall_clock: Seconds since the epoch (``Retry-After`` dates).
        rng: Random numbers in ``[0, 1)`` for the backoff jitter.

    Raises:
        ValidationError: If ``config`` is not an :class:`HttpClientConfig`, or both
            ``client`` and ``transport`` are given.
        MissingDependencyError: If httpx is not installed (extra ``api``).
    """

    def __init__(
        self,
        config: HttpClientConfig,
        *,
        breaker: CircuitBreaker | None = None,
        client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        async_sleep: Callable[[float], Awaitable[object]] | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not isinstance(config, HttpClientConfig):
            raise ValidationError("config must be an HttpClientConfig", field="config")
        if client is not None and transport is not None:
            raise ValidationError("pass client= or transport=, not both", field="transport")
        self._httpx: Any = require("httpx", extra="api")
        self._core = ClientCore(config, clock=clock, wall_clock=wall_clock)
        install_transport_log_filters()
        self._timeout = self._httpx.Timeout(
            connect=config.connect_timeout,
            read=config.read_timeout,
            write=config.read_timeout,
            pool=config.connect_timeout,
        )
        self._owns_client = client is None
        self._client: httpx.AsyncClient = client or self._httpx.AsyncClient(
            timeout=self._timeout, verify=_ssl_verify(config.verify), transport=transport
        )
        self._errors = (self._httpx.HTTPError, self._httpx.InvalidURL)
        retry = self._core.retry_config(sleep=time.sleep, async_sleep=async_sleep, rng=rng)
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
        return f"AsyncHttpClient({self.config.base_url!r}, service={self.config.service!r})"

    async def __aenter__(self) -> AsyncHttpClient:
        """Use the client in an ``async with`` block; it is closed on exit.

        Returns:
            The client.
        """
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the client."""
        await self.aclose()

    async def aclose(self) -> None:
        """Close the httpx client if this object created it."""
        if self._owns_client:
            await self._client.aclose()

    async def request(
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

        Args, return value and errors are those of
        :meth:`tradai.common.http_client.client.HttpClient.request`.

        Args:
            method: GET, HEAD, OPTIONS, PUT, DELETE, TRACE, POST or PATCH.
            path: Appended to ``base_url``.
            params: Query parameters.
            json: A body to send as JSON.
            data: A body to send as is.
            headers: Extra headers for this request.
            idempotent: Whether retrying is safe; default: by method and configuration.

        Returns:
            The response.

        Raises:
            TradAIError: The mapped error (see ``http_client.errors``).
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
        outcome = await policy.acall(self._attempt, plan)
        if isinstance(outcome, HttpResponse):
            return outcome
        raise outcome

    async def get(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a GET request (see :meth:`request`).

        Returns:
            The response.
        """
        return await self.request("GET", path, **kwargs)

    async def head(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a HEAD request (see :meth:`request`).

        Returns:
            The response (with an empty body).
        """
        return await self.request("HEAD", path, **kwargs)

    async def patch(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a PATCH request (not retried unless ``idempotent=True`` or configured).

        Returns:
            The response.
        """
        return await self.request("PATCH", path, **kwargs)

    async def post(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a POST request (not retried unless ``idempotent=True`` or configured).

        Returns:
            The response.
        """
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a PUT request (see :meth:`request`).

        Returns:
            The response.
        """
        return await self.request("PUT", path, **kwargs)

    async def delete(self, path: str = "", **kwargs: Any) -> HttpResponse:
        """Send a DELETE request (see :meth:`request`).

        Returns:
            The response.
        """
        return await self.request("DELETE", path, **kwargs)

    async def _attempt(self, plan: RequestPlan) -> HttpResponse | TradAIError:
        import asyncio

        core, config = self._core, self._core.config
        started = core.clock()
        try:
            async with asyncio.timeout(config.total_timeout):
                status, headers, body = await self._exchange(plan, started)
        except TimeoutError as exc:  # ours (total_timeout) or a transport's own
            raise core.total_timeout_error(plan) from exc
        except self._errors as exc:
            raise translate_transport_error(
                exc, HTTPX_ERROR_MAP, service=config.service, operation=plan.operation
            ) from exc
        except ResponseTooLargeError as exc:
            return exc  # our own refusal: raised after the policy, not a dependency failure
        response = HttpResponse(
            status=status,
            headers=HttpHeaders(headers),
            body=body,
            method=plan.method,
            url=plan.display_url,
            elapsed=core.clock() - started,
            service=config.service,
        )
        return core.outcome(plan, response)

    async def _exchange(
        self, plan: RequestPlan, started: float
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        async with self._client.stream(
            plan.method,
            plan.url,
            params=list(plan.params) or None,
            content=plan.content,
            headers=plan.headers,
            timeout=self._timeout,
            follow_redirects=self._core.config.follow_redirects,
        ) as raw:
            limit = BodyLimit(self._core, plan, raw.status_code, started)
            if plan.method != "HEAD":
                limit.check_length(raw.headers.get("content-length"))
            async for chunk in raw.aiter_bytes(_CHUNK):
                limit.add(chunk)
            return raw.status_code, raw.headers.multi_items(), limit.body()


def _ssl_verify(verify: bool | str) -> bool | ssl.SSLContext:
    if isinstance(verify, bool):
        return verify
    return ssl.create_default_context(cafile=verify)
