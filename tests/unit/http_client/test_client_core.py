"""ClientCore sorts responses into results, retried errors and client errors, with details."""

from __future__ import annotations

from typing import Any

import pytest

from tradai.common.exceptions import (
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)
from tradai.common.http_client._common import ClientCore, RequestPlan
from tradai.common.http_client.client import HttpClientConfig, HttpHeaders, HttpResponse


def core(**kwargs: Any) -> ClientCore:
    config = HttpClientConfig(
        base_url="https://api.example.com", headers={"Authorization": "Bearer tok-SECRET"}, **kwargs
    )
    return ClientCore(config, clock=lambda: 0.0, wall_clock=lambda: 0.0)


def plan_for(c: ClientCore) -> RequestPlan:
    return c.plan("GET", "/x", params=None, json=None, data=None, headers=None, idempotent=None)


def resp(status: int, body: bytes = b"", content_type: str | None = None) -> HttpResponse:
    headers = HttpHeaders([("Content-Type", content_type)] if content_type else [])
    return HttpResponse(status, headers, body, "GET", "https://api.example.com/x")


def test_success_and_redirect_statuses_are_returned() -> None:
    c = core()
    ok = resp(200, b"{}")
    assert c.outcome(plan_for(c), ok) is ok
    assert c.outcome(plan_for(c), resp(304)).status == 304


def test_client_errors_are_handed_back_and_server_errors_raised() -> None:
    c = core()
    handed = c.outcome(plan_for(c), resp(404, b'{"message": "no run"}', "application/json"))
    assert isinstance(handed, NotFoundError)
    assert handed.context["detail"] == "no run"
    with pytest.raises(TransientError):
        c.outcome(plan_for(c), resp(503))
    with pytest.raises(ExternalServiceError):
        c.outcome(plan_for(c), resp(501))


@pytest.mark.parametrize(
    ("body", "content_type", "code", "detail"),
    [
        (b"", "text/plain", None, None),
        (b"<html>oops</html>", "text/html", None, None),
        (b"not json", "application/json", None, None),
        (b"[1, 2]", "application/json", None, None),
        (b'{"code": "bad code with spaces", "error": "e"}', "application/json", None, "e"),
        (b'{"code": "INVALID", "detail": "d"}', "application/json", "INVALID", "d"),
        (b'{"error_code": 7}', "application/json", None, None),
    ],
)
def test_error_details_come_from_json_or_plain_text_bodies_only(
    body: bytes, content_type: str, code: str | None, detail: str | None
) -> None:
    c = core()
    err = c.outcome(plan_for(c), resp(400, body, content_type))
    assert isinstance(err, ValidationError)
    assert err.context.get("error_code") == code
    assert err.context.get("detail") == detail


def test_details_are_truncated_and_scrubbed_of_the_clients_secrets() -> None:
    c = core()
    body = b'{"message": "token tok-SECRET rejected; Basic dXNlcjpwYXNz' + b"x" * 400 + b'"}'
    err = c.outcome(plan_for(c), resp(400, body, "application/json"))
    assert isinstance(err, ValidationError)
    detail = err.context["detail"]
    assert "tok-SECRET" not in detail
    assert "dXNlcjpwYXNz" not in detail
    assert len(detail) <= 300


def test_only_tradai_errors_with_retryable_statuses_or_transport_failures_retry() -> None:
    c = core(retry={"retryable_status_codes": [503]})
    assert not c.is_retryable(ConnectionError())
    assert c.is_retryable(TransientError("reset"))
    assert not c.is_retryable(ExternalServiceError("tls"))
    assert c.is_retryable(TransientError("x", context={"status_code": 503}))
    assert not c.is_retryable(TransientError("x", context={"status_code": 502}))
