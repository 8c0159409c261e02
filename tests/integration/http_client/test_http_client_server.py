"""HttpClient against a real local HTTP server: requests, retries, idempotency, errors."""

from __future__ import annotations

import email.utils
from typing import Any

import pytest

from support.http_server import LocalHttpServer
from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)
from tradai.common.http_client.client import HttpClient, HttpClientConfig
from tradai.common.logger_mixin import correlation_context

pytestmark = pytest.mark.integration


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client(server: LocalHttpServer, sleeps: Sleeps | None = None, **config: Any) -> HttpClient:
    return HttpClient(
        HttpClientConfig(base_url=server.url, **config),
        sleep=sleeps if sleeps is not None else Sleeps(),
        wall_clock=lambda: 1_000_000.0,
    )


def test_get_sends_params_headers_and_the_correlation_id(http_server: LocalHttpServer) -> None:
    with client(http_server, headers={"Accept": "application/json"}) as c:
        with correlation_context("req-123"):
            response = c.get("/echo", params={"q": "btc", "n": [1, 2]})
    assert response.status == 200
    assert response.ok
    echo = response.json()
    assert echo["query"] == {"q": ["btc"], "n": ["1", "2"]}
    assert echo["headers"]["Accept"] == "application/json"
    assert echo["headers"]["X-Correlation-ID"] == "req-123"
    assert response.headers["content-type"] == "application/json"
    assert response.elapsed > 0


def test_every_method_reaches_the_server_with_its_body(http_server: LocalHttpServer) -> None:
    with client(http_server) as c:
        assert c.post("/echo", json={"a": 1}).json()["body"] == '{"a":1}'
        assert c.put("/echo", data="text").json()["method"] == "PUT"
        assert c.patch("/echo", data=b"raw").json()["body"] == "raw"
        assert c.delete("/echo").json()["method"] == "DELETE"
        assert c.request("OPTIONS", "/echo").json()["method"] == "OPTIONS"
        head = c.head("/echo")
    assert head.status == 200
    assert head.body == b""


def test_a_429_with_retry_after_seconds_is_retried_after_that_delay(
    http_server: LocalHttpServer,
) -> None:
    sleeps = Sleeps()
    with client(http_server, sleeps) as c:
        response = c.get("/flaky/a", params={"fail": 1, "code": 429, "retry_after": 2})
    assert response.json() == {"hits": 2}
    assert sleeps == [2.0]


def test_a_retry_after_http_date_is_honoured_and_capped(http_server: LocalHttpServer) -> None:
    sleeps = Sleeps()
    date = email.utils.formatdate(1_000_000 + 7, usegmt=True)
    far = email.utils.formatdate(1_000_000 + 3600, usegmt=True)
    with client(http_server, sleeps, retry={"retry_after_max": 20, "deadline": 60}) as c:
        c.get("/flaky/b", params={"fail": 1, "code": 503, "retry_after": date})
        c.get("/flaky/c", params={"fail": 1, "code": 503, "retry_after": far})
    assert sleeps == [7.0, 20.0]


def test_503s_are_retried_until_success_within_max_attempts(http_server: LocalHttpServer) -> None:
    sleeps = Sleeps()
    with client(http_server, sleeps, retry={"max_attempts": 3}) as c:
        assert c.get("/flaky/d", params={"fail": 2}).json() == {"hits": 3}
    assert len(sleeps) == 2
    assert all(0 <= s <= 0.4 for s in sleeps)  # full jitter under 0.2 * 2 ** (n - 1)


def test_persistent_503_surfaces_as_transient_error_after_the_last_attempt(
    http_server: LocalHttpServer,
) -> None:
    with client(http_server, retry={"max_attempts": 4}) as c, pytest.raises(TransientError) as info:
        c.get("/flaky/e", params={"fail": 99, "retry_after": 1})
    assert http_server.hits("/flaky/e") == 4
    err = info.value
    assert (err.status_code, err.retry_after, err.operation) == (503, 1.0, "GET /flaky/e")
    assert err.context["detail"] == "try again"


def test_a_non_idempotent_post_is_never_retried_unless_asked(http_server: LocalHttpServer) -> None:
    with client(http_server) as c:
        with pytest.raises(TransientError):
            c.post("/flaky/post", params={"fail": 1}, json={"order": 1})
        assert http_server.hits("/flaky/post") == 1
        with pytest.raises(TransientError):
            c.patch("/flaky/patch", params={"fail": 1})
        assert http_server.hits("/flaky/patch") == 1
        assert c.post("/flaky/asked", params={"fail": 1}, idempotent=True).json() == {"hits": 2}
    with client(http_server, retry={"retry_non_idempotent": True}) as c:
        assert c.post("/flaky/configured", params={"fail": 1}).json() == {"hits": 2}


def test_a_get_can_opt_out_of_retries(http_server: LocalHttpServer) -> None:
    with client(http_server) as c, pytest.raises(TransientError):
        c.get("/flaky/no-retry", params={"fail": 1}, idempotent=False)
    assert http_server.hits("/flaky/no-retry") == 1


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, ValidationError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, ValidationError),
        (501, ExternalServiceError),
    ],
)
def test_error_statuses_map_to_tradai_errors_without_retrying(
    http_server: LocalHttpServer, status: int, cls: type[Exception]
) -> None:
    with client(http_server) as c, pytest.raises(cls) as info:
        c.get(f"/status/{status}", params={"error_code": "RESOURCE_DOES_NOT_EXIST"})
    assert http_server.hits(f"/status/{status}") == 1
    context = info.value.context  # type: ignore[attr-defined]  # every TradAIError has it
    assert context["status_code"] == status
    assert context.get("error_code") == "RESOURCE_DOES_NOT_EXIST"


def test_a_status_retryable_by_configuration_is_retried(http_server: LocalHttpServer) -> None:
    retry = {"retryable_status_codes": [409]}
    with client(http_server, retry=retry) as c:
        assert c.get("/flaky/conflict", params={"fail": 1, "code": 409}).json() == {"hits": 2}
    with client(http_server, retry=retry) as c, pytest.raises(TransientError):
        c.get("/flaky/not-any-more", params={"fail": 1, "code": 503})
    assert http_server.hits("/flaky/not-any-more") == 1


def test_text_error_bodies_become_the_detail(http_server: LocalHttpServer) -> None:
    with client(http_server) as c, pytest.raises(ValidationError) as info:
        c.get("/status/400", params={"text": "bad pair"})
    assert info.value.context["detail"] == "bad pair"


def test_redirects_are_not_followed_unless_configured(http_server: LocalHttpServer) -> None:
    with client(http_server) as c:
        assert c.get("/redirect").status == 302
    with client(http_server, follow_redirects=True) as c:
        assert c.get("/redirect").json()["path"] == "/echo"


def test_a_caller_session_is_used_and_left_open(http_server: LocalHttpServer) -> None:
    import requests

    session = requests.Session()
    c = HttpClient(HttpClientConfig(base_url=http_server.url), session=session)
    assert c.get("/echo").ok
    c.close()
    assert session.get(f"{http_server.url}/echo", timeout=5).ok
    session.close()
    assert repr(c) == f"HttpClient({http_server.url!r}, service='http')"
    assert c.config.base_url == http_server.url
    assert c.breaker is None


def test_a_bad_config_object_is_refused() -> None:
    with pytest.raises(ValidationError):
        HttpClient({"base_url": "http://x"})  # type: ignore[arg-type]  # wrong type on purpose
