"""HttpResponse and HttpHeaders: case-insensitive, immutable, JSON errors typed, safe repr."""

from __future__ import annotations

import pytest

from tradai.common.exceptions import ExternalServiceError
from tradai.common.http_client.client import HttpHeaders, HttpResponse


def response(body: bytes, content_type: str | None = None, status: int = 200) -> HttpResponse:
    headers = HttpHeaders([("Content-Type", content_type)] if content_type else [])
    return HttpResponse(status, headers, body, "GET", "http://h/x", service="svc")


def test_headers_ignore_case_and_join_repeated_names() -> None:
    headers = HttpHeaders([("Set-Cookie", "a=1"), ("set-cookie", "b=2"), ("X-Id", "7")])
    assert headers["SET-COOKIE"] == "a=1, b=2"
    assert list(headers) == ["Set-Cookie", "X-Id"]
    assert "x-id" in headers
    assert 42 not in headers
    assert headers.get("missing") is None
    assert repr(headers) == "HttpHeaders(['Set-Cookie', 'X-Id'])"


def test_json_parses_and_invalid_json_is_an_external_service_error() -> None:
    assert response(b"[1, 2]").json() == [1, 2]
    with pytest.raises(ExternalServiceError) as info:
        response(b"<html>oops</html>", status=200).json()
    assert info.value.error_code == "InvalidJson"
    assert "oops" not in str(info.value)


def test_text_uses_the_declared_charset_and_never_fails() -> None:
    assert response("é".encode("latin-1"), "text/plain; charset=latin-1").text == "é"
    assert response("é".encode(), "text/plain").text == "é"
    assert response(b"\xff", "text/plain").text == "\ufffd"
    assert response(b"abc", 'text/plain; charset="nope"').text == "abc"
    assert response(b"", "text/plain; charset=").encoding == "utf-8"


def test_ok_and_repr_never_show_headers_or_body() -> None:
    secret = HttpResponse(
        401, HttpHeaders([("Set-Cookie", "sid=SECRET")]), b"SECRET", "POST", "http://h/login"
    )
    assert not secret.ok
    assert repr(secret) == "HttpResponse(401, POST http://h/login, 6 bytes)"
    assert "SECRET" not in repr(secret)
