"""HttpClient with a circuit breaker: dependency failures trip it, client errors do not."""

from __future__ import annotations

import pytest

from support.http_server import LocalHttpServer
from tradai.common.exceptions import NotFoundError, TransientError
from tradai.common.http_client.client import HttpClient, HttpClientConfig
from tradai.common.http_client.errors import ResponseTooLargeError
from tradai.common.resilience.circuit_breaker import CircuitBreaker, CircuitOpenError, CircuitState

pytestmark = pytest.mark.integration


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make(
    server: LocalHttpServer, clock: Clock, **config: object
) -> tuple[HttpClient, CircuitBreaker]:
    breaker = CircuitBreaker("data-api", failure_threshold=2, recovery_timeout=30, clock=clock)
    client = HttpClient(
        HttpClientConfig(base_url=server.url, service="data-api", **config),  # type: ignore[arg-type]
        breaker=breaker,
        sleep=lambda s: None,
    )
    return client, breaker


def test_failing_requests_open_the_breaker_and_later_ones_fail_fast(
    http_server: LocalHttpServer,
) -> None:
    clock = Clock()
    client, breaker = make(http_server, clock, retry={"max_attempts": 2})
    for _ in range(2):
        with pytest.raises(TransientError):
            client.get("/flaky/down", params={"fail": 99})
    assert http_server.hits("/flaky/down") == 4  # two operations of two attempts each
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(CircuitOpenError) as info:
        client.get("/flaky/down", params={"fail": 99})
    assert info.value.breaker == "data-api"
    assert http_server.hits("/flaky/down") == 4  # refused without a request
    clock.now += 30
    assert client.get("/echo").ok  # the probe
    assert breaker.state is CircuitState.CLOSED


def test_client_errors_and_refusals_do_not_count_against_the_dependency(
    http_server: LocalHttpServer,
) -> None:
    client, breaker = make(http_server, Clock(), max_response_bytes=100)
    for _ in range(5):
        with pytest.raises(NotFoundError):
            client.get("/status/404")
        with pytest.raises(ResponseTooLargeError):
            client.get("/huge", params={"size": 10_000})
    assert breaker.state is CircuitState.CLOSED
    assert breaker.snapshot().failures == 0
    assert client.breaker is breaker


def test_retries_stop_when_another_caller_opens_the_breaker(http_server: LocalHttpServer) -> None:
    clock = Clock()
    client, breaker = make(http_server, clock, retry={"max_attempts": 5})
    original = client._attempt  # wrapped so that the breaker trips after the first attempt

    def attempt_then_trip(plan: object) -> object:
        try:
            return original(plan)  # type: ignore[arg-type]  # the plan passes through
        finally:
            breaker.force_open()

    client._attempt = attempt_then_trip  # type: ignore[method-assign]  # see above
    with pytest.raises(TransientError):
        client.get("/flaky/tripped", params={"fail": 99})
    assert http_server.hits("/flaky/tripped") == 1
