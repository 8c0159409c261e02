"""read_config_file on S3: URI checks and error translation (faults injected via a stub client).

The happy path and real "not found" errors run against the moto server in
``tests/integration/test_settings_s3.py``; here a stub client raises the botocore errors a
real S3 produces under faults moto cannot simulate (throttling, denied access, timeouts).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tradai.common.exceptions import (
    AuthenticationError,
    ConfigurationError,
    TradAIError,
    TransientError,
)
from tradai.common.settings import MAX_CONFIG_FILE_BYTES, read_config_file


class _StubS3:
    def __init__(self, *, body: bytes = b"", error: Exception | None = None) -> None:
        self._body = body
        self._error = error
        self.calls: list[dict[str, Any]] = []

    def get_object(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        if self._error is not None:
            raise self._error
        return {"Body": io.BytesIO(self._body)}


def _client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": "boom"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "GetObject",
    )


def test_s3_uri_is_split_into_bucket_and_key() -> None:
    stub = _StubS3(body=b"a: 1\n")
    assert read_config_file("s3://my-bucket/cfg/app.yaml", s3_client=stub) == {"a": 1}
    assert stub.calls == [{"Bucket": "my-bucket", "Key": "cfg/app.yaml"}]


@pytest.mark.parametrize(
    "uri",
    ["s3://Bad_Bucket/a.yaml", "s3://my-bucket/", "s3://ab/a.yaml", "s3://my-bucket/a\x01.yaml"],
)
def test_invalid_s3_uri_is_a_configuration_error(uri: str) -> None:
    with pytest.raises(ConfigurationError):
        read_config_file(uri, s3_client=_StubS3())


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("NoSuchKey", 404, ConfigurationError),
        ("NoSuchBucket", 404, ConfigurationError),
        ("404", 404, ConfigurationError),
        ("AccessDenied", 403, AuthenticationError),
        ("SlowDown", 503, TransientError),
        ("InternalError", 500, TransientError),
    ],
)
def test_s3_errors_are_translated(code: str, status: int, expected: type[TradAIError]) -> None:
    stub = _StubS3(error=_client_error(code, status))
    with pytest.raises(expected) as info:
        read_config_file("s3://my-bucket/app.yaml", s3_client=stub)
    assert isinstance(info.value.__cause__, ClientError)


def test_missing_s3_object_names_the_uri() -> None:
    stub = _StubS3(error=_client_error("NoSuchKey", 404))
    with pytest.raises(
        ConfigurationError, match=re.escape("config file not found: s3://my-bucket/app.yaml")
    ):
        read_config_file("s3://my-bucket/app.yaml", s3_client=stub)


def test_s3_connection_failure_is_transient() -> None:
    stub = _StubS3(error=EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    with pytest.raises(TransientError):
        read_config_file("s3://my-bucket/app.json", s3_client=stub)


def test_oversized_s3_object_is_refused() -> None:
    stub = _StubS3(body=b"#" * (MAX_CONFIG_FILE_BYTES + 1))
    with pytest.raises(ConfigurationError, match="larger than"):
        read_config_file("s3://my-bucket/app.yaml", s3_client=stub)


def test_local_read_uses_no_s3_client(tmp_path: Any) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"a": [1, 2]}')
    assert read_config_file(path) == {"a": [1, 2]}
