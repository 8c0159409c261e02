"""The one error table: every entry maps, transports translate, Retry-After parses."""

from __future__ import annotations

import email.utils
import inspect
import pickle

import httpx
import pytest
import requests

from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    TransientError,
    ValidationError,
)
from tradai.common.http_client.errors import (
    HTTPX_ERROR_MAP,
    REQUESTS_ERROR_MAP,
    STATUS_ERROR_MAP,
    ResponseTooLargeError,
    error_class_for_status,
    error_for_status,
    parse_retry_after,
    translate_transport_error,
)


@pytest.mark.parametrize(("status", "cls"), sorted(STATUS_ERROR_MAP.items()))
def test_every_status_in_the_table_maps_to_its_class_with_context(
    status: int, cls: type[TradAIError]
) -> None:
    err = error_for_status(
        status, service="svc", operation="GET /x", retry_after=1.0, error_code="E", detail="d"
    )
    assert type(err) is cls
    assert err.context["status_code"] == status
    assert err.context["operation"] == "GET /x"
    assert err.context["detail"] == "d"
    assert "svc: GET /x returned HTTP" in err.message
    if isinstance(err, ExternalServiceError):
        assert (err.status_code, err.error_code, err.service) == (status, "E", "svc")
    if isinstance(err, TransientError):
        assert err.retry_after == 1.0
        assert err.retryable


def test_the_table_groups_statuses_by_what_the_caller_should_do() -> None:
    assert STATUS_ERROR_MAP[404] is NotFoundError
    assert STATUS_ERROR_MAP[401] is AuthenticationError
    assert STATUS_ERROR_MAP[403] is AuthenticationError
    assert STATUS_ERROR_MAP[400] is ValidationError
    assert STATUS_ERROR_MAP[422] is ValidationError
    assert STATUS_ERROR_MAP[409] is ConflictError
    assert {STATUS_ERROR_MAP[s] for s in (429, 500, 502, 503, 504)} == {TransientError}
    assert all(400 <= s <= 599 for s in STATUS_ERROR_MAP)


@pytest.mark.parametrize("status", [418, 451, 499, 506, 599])
def test_statuses_outside_the_table_are_external_service_errors(status: int) -> None:
    assert error_class_for_status(status) is ExternalServiceError
    assert not error_for_status(status, service="s", operation="GET /").retryable


@pytest.mark.parametrize(("name", "cls"), REQUESTS_ERROR_MAP)
def test_every_requests_entry_names_a_real_class_and_translates(
    name: str, cls: type[TradAIError]
) -> None:
    exc_type = getattr(requests.exceptions, name)
    err = translate_transport_error(
        exc_type("boom https://h/?token=leak"), REQUESTS_ERROR_MAP, service="s", operation="GET /"
    )
    assert type(err) is cls
    assert "leak" not in str(err)


@pytest.mark.parametrize(("name", "cls"), HTTPX_ERROR_MAP)
def test_every_httpx_entry_names_a_real_class_and_translates(
    name: str, cls: type[TradAIError]
) -> None:
    exc_type = getattr(httpx, name)
    err = translate_transport_error(
        exc_type("boom ?token=leak"), HTTPX_ERROR_MAP, service="s", operation="GET /"
    )
    assert type(err) is cls
    assert "leak" not in str(err)


def _exception_classes(module: object, root: type[BaseException]) -> list[type[BaseException]]:
    return [
        obj
        for _, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, root) and obj is not root
    ]


@pytest.mark.parametrize(
    ("module", "root", "table"),
    [
        (requests.exceptions, requests.RequestException, REQUESTS_ERROR_MAP),
        (httpx, httpx.HTTPError, HTTPX_ERROR_MAP),
    ],
)
def test_no_transport_exception_is_left_unmapped(
    module: object, root: type[BaseException], table: tuple[tuple[str, type[TradAIError]], ...]
) -> None:
    for exc_type in _exception_classes(module, root):
        try:
            instance = exc_type("x")
        except TypeError:
            continue  # classes needing more arguments are covered through their parents
        err = translate_transport_error(instance, table, service="s", operation="GET /")
        assert isinstance(err, TradAIError), exc_type


def test_retry_after_accepts_seconds_and_http_dates_and_caps() -> None:
    assert parse_retry_after("0", now=0, cap=60) == 0.0
    assert parse_retry_after(" 5 ", now=0, cap=60) == 5.0
    assert parse_retry_after("600", now=0, cap=60) == 60.0
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after(date, now=1_000_000, cap=60) == 30.0
    assert parse_retry_after(date, now=1_000_100, cap=60) == 0.0  # in the past
    assert parse_retry_after("Mon, 01 Jan 2024 00:00:00", now=1_704_067_190, cap=60) == 10.0


@pytest.mark.parametrize(
    "value", [None, "", "-1", "1.5e3", "soon", "٣", "５", "Thu, 99 Foo", "9" * 400]
)
def test_malformed_retry_after_is_ignored(value: str | None) -> None:
    assert parse_retry_after(value, now=0, cap=60) is None


def test_response_too_large_error_carries_its_limit_and_pickles() -> None:
    err = ResponseTooLargeError(1024, service="s", operation="GET /big", status_code=200)
    assert isinstance(err, ExternalServiceError)
    assert not err.retryable
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.limit, copy.operation, copy.status_code, str(copy)) == (
        1024,
        "GET /big",
        200,
        str(err),
    )
