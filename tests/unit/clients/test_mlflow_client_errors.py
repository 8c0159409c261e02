"""HTTP client errors become MLflow errors through MLflow's one table (translate_rest_error)."""

from __future__ import annotations

import pytest

from tradai.common.clients._mlflow_transport import server_error_code, translate_rest_error
from tradai.common.exceptions import (
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    TransientError,
    ValidationError,
)
from tradai.common.http_client.errors import ResponseTooLargeError, error_for_status
from tradai.common.resilience.circuit_breaker import CircuitOpenError


def _status(status: int, code: str | None = None, detail: str | None = None) -> TradAIError:
    return error_for_status(
        status, service="mlflow", operation="GET /x", error_code=code, detail=detail
    )


def test_the_servers_error_code_wins_over_the_status() -> None:
    error = translate_rest_error(
        _status(400, "RESOURCE_ALREADY_EXISTS", "exists"), operation="create_experiment"
    )
    assert isinstance(error, ConflictError)
    assert error.message == "mlflow create_experiment failed: exists"
    assert error.context["status_code"] == 400


def test_an_unknown_code_falls_back_to_the_status() -> None:
    error = translate_rest_error(_status(404, "SOMETHING_NEW"), operation="get_run", resource="r")
    assert isinstance(error, NotFoundError)
    assert error.context["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert error.message == "mlflow get_run failed: HTTP 404"


def test_retry_after_survives_the_translation() -> None:
    source = error_for_status(429, service="mlflow", operation="GET /x", retry_after=3.0)
    error = translate_rest_error(source, operation="get_run")
    assert isinstance(error, TransientError)
    assert error.retry_after == 3.0


@pytest.mark.parametrize(
    "error",
    [
        CircuitOpenError("mlflow", remaining=1.0, state="open"),
        ResponseTooLargeError(10, service="mlflow", operation="GET /x", status_code=200),
        ValidationError("path must stay under base_url", field="path"),
    ],
)
def test_refusals_made_before_or_instead_of_a_request_pass_through(error: TradAIError) -> None:
    assert translate_rest_error(error, operation="get_run") is error


def test_a_failure_without_an_answer_is_a_connection_error() -> None:
    source = TransientError("mlflow: GET /x failed (ConnectTimeout)", error_code="ConnectTimeout")
    error = translate_rest_error(source, operation="get_run")
    assert isinstance(error, TransientError)
    assert error.context["error_code"] == "CONNECTION_ERROR"


def test_other_transport_failures_stay_external_service_errors() -> None:
    for source, code in (
        (ExternalServiceError("tls", error_code="SSLError"), "SSLError"),
        (ExternalServiceError("odd"), "INTERNAL_ERROR"),
    ):
        error = translate_rest_error(source, operation="get_run")
        assert type(error) is ExternalServiceError
        assert error.context["error_code"] == code


def test_server_error_code_reads_what_the_server_sent() -> None:
    source = _status(404)
    translated = translate_rest_error(source, operation="get_experiment_by_name")
    translated.__cause__ = source
    assert server_error_code(translated) is None
    mlflow_404 = _status(404, "RESOURCE_DOES_NOT_EXIST")
    translated.__cause__ = mlflow_404
    assert server_error_code(translated) == "RESOURCE_DOES_NOT_EXIST"
    assert server_error_code(ValueError("x")) is None
