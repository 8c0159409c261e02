"""AsyncHttpClient (httpx) follows the same rules as HttpClient, against the same server."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import httpx
import pytest

from support.http_server import LocalHttpServer
from support.services import free_port
from tradai.common.exceptions import NotFoundError, TransientError, ValidationError
from tradai.common.http_client.async_client import AsyncHttpClient
from tradai.common.http_client.client import HttpClientConfig
from tradai.common.http_client.errors import ResponseTooLargeError
from tradai.common.logger_mixin import correlation_context
from tradai.common.resilience.circuit_breaker import CircuitBreaker, CircuitOpenError

pytestmark = pytest.mark.integration


async def no_sleep(seconds: float) -> None:
    return None


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def make(url: str, **config: Any) -> AsyncHttpClient:
    return AsyncHttpClient(HttpClientConfig(base_url=url, **config), async_sleep=no_sleep)


def test_get_and_post_with_correlation_id(http_server: LocalHttpServer) -> None:
    async def main() -> tuple[Any, Any]:
        async with make(http_server.url) as client:
            with correlation_context("req-9"):
                got = (await client.get("/echo", params={"a": 1})).json()
            posted = (await client.post("/echo", json={"b": 2})).json()
            await client.put("/echo")
            await client.delete("/echo")
            assert (await client.head("/echo")).body == b""
            assert (await client.patch("/echo", data=b"p")).json()["body"] == "p"
            return got, posted

    got, posted = run(main())
    assert got["headers"]["X-Correlation-ID"] == "req-9"
    assert got["query"] == {"a": ["1"]}
    assert posted["body"] == '{"b":2}'


def test_retries_503_honouring_retry_after(http_server: LocalHttpServer) -> None:
    sleeps: list[float] = []

    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    async def main() -> Any:
        client = AsyncHttpClient(HttpClientConfig(base_url=http_server.url), async_sleep=record)
        try:
            return (await client.get("/flaky/a1", params={"fail": 2, "retry_after": 1})).json()
        finally:
            await client.aclose()

    assert run(main()) == {"hits": 3}
    assert sleeps == [1.0, 1.0]


def test_post_is_not_retried_and_errors_map(http_server: LocalHttpServer) -> None:
    async def main() -> None:
        async with make(http_server.url) as client:
            with pytest.raises(TransientError):
                await client.post("/flaky/apost", params={"fail": 1})
            with pytest.raises(NotFoundError):
                await client.get("/status/404")

    run(main())
    assert http_server.hits("/flaky/apost") == 1


def test_timeouts_broken_connections_and_refusals_are_transient(
    http_server: LocalHttpServer,
) -> None:
    async def main() -> list[str | None]:
        codes = []
        async with make(http_server.url, read_timeout=0.2, retry={"max_attempts": 2}) as client:
            for path, params in (("/slow", {"delay": 1}), ("/broken", {}), ("/reset", {})):
                with pytest.raises(TransientError) as info:
                    await client.get(path, params=params)
                codes.append(info.value.error_code)
        async with make(f"http://127.0.0.1:{free_port()}", retry={"max_attempts": 1}) as client:
            with pytest.raises(TransientError) as info:
                await client.get("/x")
            codes.append(info.value.error_code)
        return codes

    assert run(main()) == [
        "ReadTimeout",
        "RemoteProtocolError",
        "RemoteProtocolError",
        "ConnectError",
    ]
    assert http_server.wait_for_hits("/slow", 2) == 2


def test_a_trickling_body_is_cancelled_at_the_total_timeout(http_server: LocalHttpServer) -> None:
    async def main() -> str | None:
        async with make(
            http_server.url, read_timeout=5, total_timeout=0.3, retry={"max_attempts": 1}
        ) as client:
            with pytest.raises(TransientError) as info:
                await client.get("/trickle", params={"count": 100, "interval": 0.05})
            return info.value.error_code

    started = time.monotonic()
    assert run(main()) == "TotalTimeout"
    assert time.monotonic() - started < 1.5


def test_oversized_bodies_are_refused_while_streaming(http_server: LocalHttpServer) -> None:
    async def main() -> None:
        async with make(http_server.url, max_response_bytes=100_000) as client:
            with pytest.raises(ResponseTooLargeError):
                await client.get("/huge", params={"size": 10**9})
            with pytest.raises(ResponseTooLargeError):
                await client.get("/huge", params={"size": 10**8, "length": 0})
            with pytest.raises(ResponseTooLargeError):
                await client.get("/gzip", params={"size": 10**7})

    run(main())


def test_a_shared_breaker_trips_for_async_callers(http_server: LocalHttpServer) -> None:
    breaker = CircuitBreaker("async-api", failure_threshold=1)

    async def main() -> None:
        client = AsyncHttpClient(
            HttpClientConfig(base_url=http_server.url, retry={"max_attempts": 1}),
            breaker=breaker,
        )
        assert client.breaker is breaker
        with pytest.raises(TransientError):
            await client.get("/status/503")
        with pytest.raises(CircuitOpenError):
            await client.get("/echo")
        await client.aclose()

    run(main())


def test_a_mock_transport_or_caller_client_can_be_used(caplog: pytest.LogCaptureFixture) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"url": str(request.url)})

    async def main() -> Any:
        config = HttpClientConfig(base_url="https://api.example.com")
        mocked = AsyncHttpClient(config, transport=httpx.MockTransport(handler))
        with caplog.at_level(logging.INFO, logger="httpx"):
            body = (await mocked.get("/x", params={"token": "tok-SECRET"})).json()
        await mocked.aclose()
        own = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        borrowed = AsyncHttpClient(config, client=own)
        await borrowed.get("/y")
        await borrowed.aclose()
        assert not own.is_closed
        await own.aclose()
        assert repr(borrowed) == "AsyncHttpClient('https://api.example.com', service='http')"
        return body

    assert run(main())["url"] == "https://api.example.com/x?token=tok-SECRET"
    assert "tok-SECRET" not in caplog.text
    assert "token=**********" in caplog.text


def test_bad_construction_is_refused() -> None:
    config = HttpClientConfig(base_url="https://api.example.com")
    with pytest.raises(ValidationError):
        AsyncHttpClient({"base_url": "x"})  # type: ignore[arg-type]  # wrong type on purpose
    with pytest.raises(ValidationError):
        AsyncHttpClient(
            config,
            client=httpx.AsyncClient(),
            transport=httpx.MockTransport(lambda r: httpx.Response(200)),
        )
    verified = AsyncHttpClient(HttpClientConfig(base_url="https://a.example.com", verify=False))
    assert verified.config.verify is False
    run(verified.aclose())


def test_a_transport_timeout_error_is_transient_and_a_ca_bundle_path_is_accepted() -> None:
    import certifi

    def handler(request: httpx.Request) -> httpx.Response:
        raise TimeoutError("transport gave up")

    async def main() -> None:
        config = HttpClientConfig(
            base_url="https://api.example.com", verify=certifi.where(), retry={"max_attempts": 1}
        )
        AsyncHttpClient(config)  # builds an SSL context from the bundle
        client = AsyncHttpClient(config, transport=httpx.MockTransport(handler))
        with pytest.raises(TransientError):
            await client.get("/x")
        await client.aclose()

    run(main())
