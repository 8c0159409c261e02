"""Requests are validated and planned before anything is sent."""

from __future__ import annotations

from typing import Any

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.http_client._common import ClientCore, RequestPlan
from tradai.common.http_client.client import HttpClientConfig
from tradai.common.logger_mixin import correlation_context


def core(**kwargs: Any) -> ClientCore:
    config = HttpClientConfig(base_url="https://api.example.com/v1", **kwargs)
    return ClientCore(config, clock=lambda: 0.0, wall_clock=lambda: 0.0)


def plan(method: str = "GET", path: str = "/x", **kwargs: Any) -> RequestPlan:
    options: dict[str, Any] = {
        "params": None,
        "json": None,
        "data": None,
        "headers": None,
        "idempotent": None,
    }
    options.update(kwargs)
    return core().plan(method, path, **options)


def test_paths_join_the_base_url_and_name_the_operation() -> None:
    p = plan("get", "/runs/get")
    assert (p.method, p.url, p.operation) == (
        "GET",
        "https://api.example.com/v1/runs/get",
        "GET /runs/get",
    )
    assert plan(path="").url == "https://api.example.com/v1"
    assert plan(path="a%20b").url.endswith("/a%20b")


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example.com/x",
        "https://evil.example.com/",
        "/a/../../admin",
        "/x?token=1",
        "/x#frag",
        "/x y",
        "/x\n",
        "/x\x00",
        "/ѕecret",
        "/１",
        None,
    ],
)
def test_paths_that_could_leave_the_base_url_or_smuggle_a_query_are_refused(path: Any) -> None:
    with pytest.raises(ValidationError) as info:
        plan(path=path)
    assert info.value.field == "path"


@pytest.mark.parametrize("method", ["CONNECT", "get ", "", None, "G\nET"])
def test_unknown_methods_are_refused(method: Any) -> None:
    with pytest.raises(ValidationError) as info:
        plan(method=method)
    assert info.value.field == "method"


def test_idempotent_methods_retry_and_others_only_when_asked() -> None:
    assert all(plan(m).retry for m in ("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"))
    assert not plan("POST").retry
    assert not plan("PATCH").retry
    assert plan("POST", idempotent=True).retry
    assert not plan("GET", idempotent=False).retry
    config_core = core(retry={"retry_non_idempotent": True})
    opts: dict[str, Any] = {"params": None, "json": None, "data": None, "headers": None}
    assert config_core.plan("POST", "/x", idempotent=None, **opts).retry
    single = core(retry={"max_attempts": 1})
    assert not single.plan("GET", "/x", idempotent=None, **opts).retry


def test_bodies_are_encoded_with_their_content_type() -> None:
    assert plan("POST", json={"a": 1}).content == b'{"a":1}'
    assert plan("POST", json={"a": 1}).headers["Content-Type"] == "application/json"
    assert plan("POST", data=b"\x00raw").content == b"\x00raw"
    assert plan("POST", data="text").headers["Content-Type"].startswith("text/plain")
    form = plan("POST", data={"a": "1", "b": [2, 3], "c": None})
    assert form.content == b"a=1&b=2&b=3"
    with pytest.raises(ValidationError):
        plan("POST", json={"a": 1}, data=b"x")
    with pytest.raises(ValidationError):
        plan("POST", json={"a": float("nan")})
    with pytest.raises(ValidationError):
        plan("POST", json={"a": object()})


def test_query_values_are_stringified_and_secret_ones_redacted_for_display() -> None:
    p = plan(params={"n": 1, "flag": True, "api_key": "k-123456", "sig": "s-123456", "skip": None})
    assert p.params == (("n", "1"), ("flag", "true"), ("api_key", "k-123456"), ("sig", "s-123456"))
    assert p.display_url.endswith("?n=1&flag=true&api_key=**********&sig=**********")
    assert {"k-123456", "s-123456"} <= set(p.secrets)
    with pytest.raises(ValidationError):
        plan(params={1: "x"})


def test_headers_merge_defaults_secrets_correlation_and_per_request_values() -> None:
    c = core(headers={"Accept": "application/json", "Authorization": "Bearer tok-123456"})
    opts: dict[str, Any] = {"params": None, "json": None, "data": None, "idempotent": None}
    with correlation_context("req-42"):
        p = c.plan("GET", "/x", headers={"X-Extra": "1", "Cookie": "sid=abcdef"}, **opts)
    assert p.headers["Accept"] == "application/json"
    assert p.headers["Authorization"] == "Bearer tok-123456"
    assert p.headers["X-Correlation-ID"] == "req-42"
    assert p.headers["X-Extra"] == "1"
    assert {"Bearer tok-123456", "tok-123456", "sid=abcdef"} <= set(p.secrets)
    no_cid = c.plan("GET", "/x", headers=None, **opts)
    assert "X-Correlation-ID" not in no_cid.headers


@pytest.mark.parametrize("headers", [{"X-A": "v\r\nX-B: 1"}, {"Bad Name": "v"}, {"X-A": "\x00"}])
def test_header_injection_is_refused(headers: dict[str, str]) -> None:
    with pytest.raises(ValidationError) as info:
        plan(headers=headers)
    assert info.value.field == "headers"
