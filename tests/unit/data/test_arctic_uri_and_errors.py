"""ArcticDB URIs from settings and environment, and the ArcticDB error table."""

from __future__ import annotations

from pathlib import Path

import arcticdb.exceptions as arctic_errors
import pytest

from tradai.common.exceptions import (
    AuthenticationError,
    ConfigurationError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)
from tradai.common.repositories._arctic import ARCTIC_ERRORS, arctic_uri, translate_arctic_error
from tradai.common.settings_mixins import ArcticSettingsMixin

BUCKET = ArcticSettingsMixin(arctic_s3_bucket="tradai-data")
MOTO = {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000/"}


def _uri(settings: ArcticSettingsMixin, environ: dict[str, str] | None = None, **kw: object) -> str:
    kw.setdefault("lmdb_path", "/data/arctic")
    kw.setdefault("path_prefix", None)
    return arctic_uri(settings, environ=environ or {}, **kw)  # type: ignore[arg-type]


def test_no_bucket_means_lmdb_at_an_absolute_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _uri(ArcticSettingsMixin(), lmdb_path="arcticdb") == f"lmdb://{tmp_path}/arcticdb"
    assert _uri(ArcticSettingsMixin(), path_prefix="team-a") == "lmdb:///data/arctic/team-a"


def test_a_bucket_means_s3_with_the_default_credential_chain() -> None:
    assert _uri(BUCKET) == (
        "s3s://s3.us-east-1.amazonaws.com:tradai-data?region=us-east-1&aws_auth=true"
    )
    assert _uri(BUCKET, path_prefix="prod").endswith("&aws_auth=true&path_prefix=prod")


def test_aws_endpoint_url_replaces_the_default_endpoint_for_emulators() -> None:
    assert _uri(BUCKET, MOTO) == (
        "s3://127.0.0.1:tradai-data?port=5000&region=us-east-1&aws_auth=true"
    )


def test_the_s3_specific_endpoint_variable_wins_over_the_generic_one() -> None:
    env = {**MOTO, "AWS_ENDPOINT_URL_S3": "http://localhost:9000"}
    assert _uri(BUCKET, env).startswith("s3://localhost:tradai-data?port=9000&")


def test_an_explicit_endpoint_setting_beats_the_environment() -> None:
    settings = ArcticSettingsMixin(arctic_s3_bucket="tradai-data", arctic_s3_endpoint="minio:9000")
    assert _uri(settings, MOTO).startswith("s3s://minio:tradai-data?port=9000&")


def test_an_unusable_endpoint_variable_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="endpoint") as exc:
        _uri(BUCKET, {"AWS_ENDPOINT_URL": "http://host/path"})
    assert exc.value.setting == "AWS_ENDPOINT_URL"


@pytest.mark.parametrize("prefix", ["../x", "a/b", "", " p", "p;rm", "ü"])
def test_unsafe_path_prefixes_are_refused(prefix: str) -> None:
    with pytest.raises(ValidationError, match="path_prefix"):
        _uri(BUCKET, path_prefix=prefix)


@pytest.mark.parametrize("path", ["/data/../etc", "dir\x00", " lead"])
def test_unsafe_lmdb_paths_are_refused(path: str) -> None:
    with pytest.raises(ValidationError, match="lmdb_path"):
        _uri(ArcticSettingsMixin(), lmdb_path=path)


def test_an_lmdb_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    taken = tmp_path / "arcticdb"
    taken.write_text("not a store")
    with pytest.raises(ConfigurationError, match="not a directory"):
        _uri(ArcticSettingsMixin(), lmdb_path=taken)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (arctic_errors.PermissionException("E_PERMISSION denied"), AuthenticationError),
        (arctic_errors.NoSuchVersionException("E_NO_SUCH_VERSION x"), NotFoundError),
        (arctic_errors.LibraryNotFound("no lib"), NotFoundError),
        (arctic_errors.StorageException("E_S3_RETRYABLE Network error"), TransientError),
        (arctic_errors.StorageException("E_UNEXPECTED NoSuchBucket: x"), ConfigurationError),
        (arctic_errors.LmdbMapFullError("map full"), ExternalServiceError),
        (arctic_errors.InternalException("E_ASSERTION_FAILURE"), ExternalServiceError),
    ],
)
def test_arcticdb_errors_are_translated(exc: Exception, expected: type[Exception]) -> None:
    error = translate_arctic_error(arctic_errors, exc, operation="read", key="BTC_USDT-1m")
    assert type(error) is expected
    assert "BTC_USDT-1m" in str(error)


def test_every_class_in_the_table_exists_in_arcticdb() -> None:
    for name, _ in ARCTIC_ERRORS:
        assert issubclass(getattr(arctic_errors, name), Exception)


def test_service_errors_carry_operation_and_arcticdb_code() -> None:
    exc = arctic_errors.StorageException("E_S3_RETRYABLE Network error")
    error = translate_arctic_error(arctic_errors, exc, operation="write", key="k")
    assert isinstance(error, TransientError)
    assert (error.service, error.operation, error.error_code) == (
        "arcticdb",
        "write",
        "StorageException",
    )
    assert error.retryable
