"""The botocore error table: every code maps, unknown codes map by status."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ParamValidationError

from tradai.common.aws.errors import ERROR_CODE_MAP, translate_aws_error
from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    TransientError,
    ValidationError,
)


def _client_error(code: str, status: int = 400, **extra: Any) -> ClientError:
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": "boom"},
        "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}},
        **extra,
    }
    return ClientError(response, "SomeOperation")  # type: ignore[arg-type]  # plain dict


@pytest.mark.parametrize(("code", "expected"), sorted(ERROR_CODE_MAP.items()))
def test_every_code_in_the_table_maps_to_its_class(code: str, expected: type[TradAIError]) -> None:
    translated = translate_aws_error(_client_error(code), service="dynamodb", resource="jobs-table")
    assert type(translated) is expected
    assert translated.context["error_code"] == code
    assert translated.context["operation"] == "SomeOperation"
    assert translated.context["resource"] == "jobs-table"
    assert translated.context["service"] == "dynamodb"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (429, TransientError),
        (500, TransientError),
        (503, TransientError),
        (404, NotFoundError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (400, ExternalServiceError),
    ],
)
def test_unknown_codes_map_by_http_status(status: int, expected: type[TradAIError]) -> None:
    translated = translate_aws_error(_client_error("SomethingNew", status), service="s3")
    assert type(translated) is expected


def test_conflict_carries_the_current_item() -> None:
    item = {"pk": {"S": "a"}, "version": {"N": "3"}}
    translated = translate_aws_error(
        _client_error("ConditionalCheckFailedException", Item=item), service="dynamodb"
    )
    assert isinstance(translated, ConflictError)
    assert translated.current == item


def test_throttling_keeps_retry_after() -> None:
    error = _client_error("SlowDown", 503)
    error.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] = "2"
    translated = translate_aws_error(error, service="s3", operation="PutObject")
    assert isinstance(translated, TransientError)
    assert translated.retry_after == 2.0
    assert translated.retryable is True
    error.response["ResponseMetadata"]["HTTPHeaders"]["retry-after"] = "soon"
    assert translate_aws_error(error, service="s3").retry_after is None  # type: ignore[attr-defined]  # TransientError


def test_connection_errors_are_transient() -> None:
    error = EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    translated = translate_aws_error(error, service="s3", operation="ListBuckets")
    assert isinstance(translated, TransientError)
    assert "unreachable" in str(translated)


def test_other_botocore_errors_are_external_service_errors() -> None:
    error = ParamValidationError(report="Bucket is required")
    translated = translate_aws_error(error, service="s3")
    assert type(translated) is ExternalServiceError


def test_tradai_errors_pass_through_unchanged() -> None:
    original = ValidationError("bad", field="x")
    assert translate_aws_error(original, service="s3") is original
