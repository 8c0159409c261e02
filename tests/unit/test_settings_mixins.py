"""Settings mixins: design.md's composition example, defaults, env names and validation."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest
from pydantic import Field, SecretStr

from tradai.common.settings import Settings
from tradai.common.settings_mixins import (
    ArcticSettingsMixin,
    MLflowSettingsMixin,
    validate_aws_region,
)

ALL_FIELDS = (
    "arctic_s3_bucket",
    "arctic_library",
    "arctic_s3_endpoint",
    "arctic_region",
    "mlflow_tracking_uri",
    "mlflow_username",
    "mlflow_password",
    "mlflow_verify_ssl",
)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ALL_FIELDS:
        monkeypatch.delenv(name.upper(), raising=False)


# design.md "3a. Settings Mixin Pattern", literally.
class DataCollectionSettings(ArcticSettingsMixin, Settings):
    arctic_s3_bucket: str = Field(
        ..., description="Required for data-collection"
    )  # Override: required


class StrategyServiceSettings(ArcticSettingsMixin, MLflowSettingsMixin, Settings):
    # Inherits all Arctic + MLflow fields with defaults
    pass


def test_design_example_strategy_service_inherits_all_fields_with_defaults() -> None:
    settings = StrategyServiceSettings()
    assert settings.arctic_s3_bucket == ""
    assert settings.arctic_library == "futures"
    assert settings.arctic_s3_endpoint == "s3.us-east-1.amazonaws.com"
    assert settings.arctic_region == "us-east-1"
    assert settings.mlflow_tracking_uri == ""
    assert settings.mlflow_username is None
    assert settings.mlflow_password is None
    assert settings.mlflow_verify_ssl is True
    assert set(ALL_FIELDS) == set(StrategyServiceSettings.model_fields)


def test_design_example_data_collection_makes_bucket_required() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        DataCollectionSettings()
    assert "arctic_s3_bucket" in str(info.value)
    assert DataCollectionSettings(arctic_s3_bucket="market-data").arctic_library == "futures"


def test_overridden_field_keeps_the_mixin_validator() -> None:
    with pytest.raises(pydantic.ValidationError, match="arctic_s3_bucket"):
        DataCollectionSettings(arctic_s3_bucket="Bad_Bucket")


def test_composed_settings_keep_the_strict_frozen_base_config() -> None:
    config = StrategyServiceSettings.model_config
    assert (config["strict"], config["frozen"], config["extra"]) == (True, True, "forbid")
    assert config["hide_input_in_errors"] is True


def test_fields_are_read_from_upper_case_env_vars(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCTIC_S3_BUCKET", "market-data")
    monkeypatch.setenv("ARCTIC_REGION", "eu-west-1")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "https://mlflow.example.com")
    monkeypatch.setenv("MLFLOW_USERNAME", "svc")
    monkeypatch.setenv("MLFLOW_PASSWORD", "hunter2")
    monkeypatch.setenv("MLFLOW_VERIFY_SSL", "false")
    settings = StrategyServiceSettings.load()
    assert settings.arctic_s3_bucket == "market-data"
    assert settings.arctic_region == "eu-west-1"
    assert settings.mlflow_tracking_uri == "https://mlflow.example.com"
    assert settings.mlflow_verify_ssl is False
    assert isinstance(settings.mlflow_password, SecretStr)


def test_mlflow_password_never_appears_in_repr_dump_or_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MLFLOW_USERNAME", "svc")
    monkeypatch.setenv("MLFLOW_PASSWORD", "hunter2")
    settings = StrategyServiceSettings.load()
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in str(settings.model_dump(mode="json"))
    monkeypatch.setenv("ARCTIC_REGION", "nowhere")
    with pytest.raises(pydantic.ValidationError) as info:
        StrategyServiceSettings.load()
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("arctic_s3_bucket", "ab"),
        ("arctic_s3_bucket", "bucket\n"),
        ("arctic_s3_bucket", " bucket"),
        ("arctic_library", "-futures"),
        ("arctic_library", "fut;ures"),
        ("arctic_library", "futurеs"),  # Cyrillic 'е'
        ("arctic_library", ""),
        ("arctic_s3_endpoint", "s3.amazonaws.com/path"),
        ("arctic_s3_endpoint", "ftp://s3.amazonaws.com"),
        ("arctic_s3_endpoint", "localhost:99999"),
        ("arctic_s3_endpoint", "host name"),
        ("arctic_region", "US-EAST-1"),
        ("arctic_region", "us-east-1\n"),
        ("arctic_region", "us-east"),
        ("arctic_region", "us-east-１"),  # fullwidth digit
    ],
)
def test_arctic_near_misses_are_rejected(field: str, value: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        StrategyServiceSettings(**{field: value})
    assert field in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("mlflow_tracking_uri", "mlflow.example.com"),
        ("mlflow_tracking_uri", "https://"),
        ("mlflow_tracking_uri", "https://user:pw@mlflow.example.com"),
        ("mlflow_tracking_uri", "https://mlflow.example.com\n"),
        ("mlflow_tracking_uri", " https://mlflow.example.com"),
        ("mlflow_tracking_uri", "https://mlflоw.example.com"),  # Cyrillic 'о'
        ("mlflow_tracking_uri", "1http://x"),
    ],
)
def test_mlflow_tracking_uri_near_misses_are_rejected(field: str, value: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        StrategyServiceSettings(**{field: value})
    assert field in str(info.value)


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost:5000",
        "https://mlflow.example.com/",
        "file:///tmp/mlruns",
        "databricks",
        "databricks://profile",
    ],
)
def test_mlflow_tracking_uri_accepts_real_uris(uri: str) -> None:
    assert StrategyServiceSettings(mlflow_tracking_uri=uri).mlflow_tracking_uri == uri


@pytest.mark.parametrize(
    "kwargs",
    [
        {"mlflow_username": "svc"},
        {"mlflow_password": SecretStr("pw")},
        {"mlflow_username": "", "mlflow_password": SecretStr("pw")},
        {"mlflow_username": "svc user", "mlflow_password": SecretStr("pw")},
    ],
)
def test_mlflow_credentials_must_be_a_valid_pair(kwargs: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        StrategyServiceSettings(**kwargs)


def test_mlflow_credentials_pair_is_accepted() -> None:
    settings = StrategyServiceSettings(mlflow_username="svc", mlflow_password=SecretStr("pw"))
    assert settings.mlflow_username == "svc"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({}, "lmdb:///data/arctic"),
        (
            {"arctic_s3_bucket": "market-data"},
            "s3s://s3.us-east-1.amazonaws.com:market-data?region=us-east-1&aws_auth=true",
        ),
        (
            {
                "arctic_s3_bucket": "market-data",
                "arctic_s3_endpoint": "http://127.0.0.1:9000",
                "arctic_region": "eu-west-1",
            },
            "s3://127.0.0.1:market-data?port=9000&region=eu-west-1&aws_auth=true",
        ),
        (
            {"arctic_s3_bucket": "market-data", "arctic_s3_endpoint": "https://minio.local:443"},
            "s3s://minio.local:market-data?port=443&region=us-east-1&aws_auth=true",
        ),
    ],
)
def test_arctic_uri(kwargs: dict[str, str], expected: str) -> None:
    settings = StrategyServiceSettings(**kwargs)
    assert settings.arctic_uri(lmdb_path=Path("/data/arctic")) == expected


@pytest.mark.parametrize("region", ["us-east-1", "us-gov-west-1", "ap-southeast-2", "cn-north-1"])
def test_validate_aws_region_accepts_real_regions(region: str) -> None:
    assert validate_aws_region(region) == region


@pytest.mark.parametrize("region", ["", "useast1", "us-east-1 ", "-us-east-1", 5])
def test_validate_aws_region_rejects_near_misses(region: object) -> None:
    with pytest.raises(ValueError, match="AWS region"):
        validate_aws_region(region)  # type: ignore[arg-type]  # testing a wrong type too
