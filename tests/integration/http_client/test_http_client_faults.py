"""Timeouts, broken connections and oversized bodies against a real local server."""

from __future__ import annotations

import time
from typing import Any

import pytest

from support.http_server import LocalHttpServer
from support.services import free_port
from tradai.common.exceptions import TransientError
from tradai.common.http_client.client import HttpClient, HttpClientConfig
from tradai.common.http_client.errors import ResponseTooLargeError

pytestmark = pytest.mark.integration


def client(url: str, **config: Any) -> HttpClient:
    return HttpClient(HttpClientConfig(base_url=url, **config), sleep=lambda s: None)


def test_a_response_slower_than_the_read_timeout_fails_and_is_retried(
    http_server: LocalHttpServer,
) -> None:
    c = client(http_server.url, read_timeout=0.2, retry={"max_attempts": 2})
    started = time.monotonic()
    with pytest.raises(TransientError) as info:
        c.get("/slow", params={"delay": 1})
    assert time.monotonic() - started < 1.5
    assert info.value.error_code == "ReadTimeout"
    assert http_server.wait_for_hits("/slow", 2) == 2


def test_a_body_stalling_past_the_read_timeout_fails(http_server: LocalHttpServer) -> None:
    c = client(http_server.url, read_timeout=0.2, retry={"max_attempts": 1})
    with pytest.raises(TransientError):
        c.get("/slow-body", params={"delay": 1})


def test_a_trickling_body_is_cut_off_by_the_total_timeout(http_server: LocalHttpServer) -> None:
    c = client(http_server.url, read_timeout=1, total_timeout=0.3, retry={"max_attempts": 1})
    started = time.monotonic()
    with pytest.raises(TransientError) as info:
        c.get("/trickle", params={"count": 50, "interval": 0.05})
    assert info.value.error_code == "TotalTimeout"
    assert time.monotonic() - started < 1.0


def test_a_connection_closed_mid_response_is_transient_and_retried(
    http_server: LocalHttpServer,
) -> None:
    c = client(http_server.url, retry={"max_attempts": 3})
    with pytest.raises(TransientError) as info:
        c.get("/broken", params={"length": 1000, "send": 10})
    assert info.value.error_code == "ChunkedEncodingError"
    assert http_server.hits("/broken") == 3


def test_a_connection_reset_without_answer_is_transient(http_server: LocalHttpServer) -> None:
    with pytest.raises(TransientError) as info:
        client(http_server.url, retry={"max_attempts": 2}).get("/reset")
    assert info.value.error_code == "ConnectionError"
    assert http_server.hits("/reset") == 2


def test_a_refused_connection_is_transient_and_fails_fast() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(TransientError):
        client(url, connect_timeout=0.5, retry={"max_attempts": 2}).get("/x")
    assert time.monotonic() - started < 2


def test_an_announced_oversized_body_is_refused_before_reading_it(
    http_server: LocalHttpServer,
) -> None:
    c = client(http_server.url, max_response_bytes=1000)
    with pytest.raises(ResponseTooLargeError) as info:
        c.get("/huge", params={"size": 10**9})
    assert (info.value.limit, info.value.status_code) == (1000, 200)
    assert http_server.hits("/huge") == 1  # a refusal is not retried


def test_an_unannounced_oversized_body_is_refused_while_streaming(
    http_server: LocalHttpServer,
) -> None:
    limit = 1_000_000
    total = 500_000_000
    c = client(http_server.url, max_response_bytes=limit)
    started = time.monotonic()
    with pytest.raises(ResponseTooLargeError):
        c.get("/huge", params={"size": total, "length": 0})
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 5
    while "huge" not in http_server.sent and time.monotonic() < deadline:
        time.sleep(0.02)
    assert http_server.sent["huge"] < total // 10  # the client hung up long before the end


def test_a_compressed_body_is_limited_after_decompression(http_server: LocalHttpServer) -> None:
    c = client(http_server.url, max_response_bytes=1_000_000)
    with pytest.raises(ResponseTooLargeError):
        c.get("/gzip", params={"size": 50_000_000})
    assert client(http_server.url).get("/gzip", params={"size": 1000}).body == b"\0" * 1000


def test_a_head_request_ignores_the_announced_length(http_server: LocalHttpServer) -> None:
    response = client(http_server.url, max_response_bytes=10).head("/echo")
    assert response.status == 200


def test_a_body_that_fails_to_decompress_is_an_external_service_error(
    http_server: LocalHttpServer,
) -> None:
    from tradai.common.exceptions import ExternalServiceError

    with pytest.raises(ExternalServiceError) as info:
        client(http_server.url).get("/bad-gzip")
    assert not isinstance(info.value, TransientError)
    assert info.value.error_code == "ContentDecodingError"
