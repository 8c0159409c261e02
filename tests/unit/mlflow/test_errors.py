"""The one MLflow error table: every code maps, connection failures are transient."""

from __future__ import annotations

import pytest
import requests
from mlflow.exceptions import MlflowException, RestException

from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    TransientError,
    ValidationError,
)
from tradai.common.mlflow.errors import (
    CONNECTION_ERROR,
    ERROR_CODE_MAP,
    kind_for_status,
    make_error,
    translate_mlflow_error,
)


@pytest.mark.parametrize(("code", "cls"), sorted(ERROR_CODE_MAP.items()))
def test_every_code_in_the_table_builds_its_exception(code: str, cls: type[TradAIError]) -> None:
    error = make_error(code, "boom", operation="op", resource="r", status_code=418)
    assert type(error) is cls
    assert error.context["error_code"] == code
    assert error.context["operation"] == "op"
    assert error.context["service"] == "mlflow"


def test_unknown_codes_are_external_service_errors() -> None:
    error = make_error("SOMETHING_NEW", "boom", operation="op")
    assert type(error) is ExternalServiceError
    assert not error.retryable


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "BAD_REQUEST"),
        (401, "UNAUTHENTICATED"),
        (403, "PERMISSION_DENIED"),
        (404, "RESOURCE_DOES_NOT_EXIST"),
        (409, "RESOURCE_CONFLICT"),
        (418, "BAD_REQUEST"),
        (429, "REQUEST_LIMIT_EXCEEDED"),
        (500, "INTERNAL_ERROR"),
        (503, "TEMPORARILY_UNAVAILABLE"),
    ],
)
def test_http_statuses_map_to_codes(status: int, code: str) -> None:
    assert kind_for_status(status) == code


@pytest.mark.parametrize(
    ("body", "cls"),
    [
        ({"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no"}, NotFoundError),
        ({"error_code": "RESOURCE_ALREADY_EXISTS", "message": "dup"}, ConflictError),
        ({"error_code": "INVALID_PARAMETER_VALUE", "message": "bad"}, ValidationError),
        ({"error_code": "PERMISSION_DENIED", "message": "no"}, AuthenticationError),
        ({"error_code": "TEMPORARILY_UNAVAILABLE", "message": "later"}, TransientError),
    ],
)
def test_sdk_rest_exceptions_are_translated(body: dict[str, str], cls: type[TradAIError]) -> None:
    error = translate_mlflow_error(RestException(body), operation="get_run", resource="x")
    assert type(error) is cls
    assert error.context["resource"] == "x"


def test_a_request_that_got_no_answer_is_a_transient_connection_error() -> None:
    try:
        try:
            raise requests.exceptions.ConnectionError("refused")
        except requests.exceptions.ConnectionError as inner:
            raise MlflowException(f"API request failed with exception {inner}") from None
    except MlflowException as exc:
        error = translate_mlflow_error(exc, operation="get_run")
    assert isinstance(error, TransientError)
    assert error.error_code == CONNECTION_ERROR
    assert error.status_code is None


def test_tradai_errors_pass_through_unchanged() -> None:
    original = NotFoundError("x")
    assert translate_mlflow_error(original, operation="op") is original


def test_messages_are_cut_to_a_bounded_length() -> None:
    error = make_error("INTERNAL_ERROR", "x" * 5000, operation="op")
    assert len(error.message) < 600
