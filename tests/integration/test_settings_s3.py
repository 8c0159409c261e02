"""Layered settings loading from a config file on the real (moto server) S3."""

from __future__ import annotations

import json
import re

import boto3
import pydantic
import pytest
from pydantic import SecretStr

from support.services import Service
from tradai.common.exceptions import ConfigurationError
from tradai.common.settings import Settings
from tradai.common.settings_mixins import ArcticSettingsMixin, MLflowSettingsMixin

pytestmark = pytest.mark.integration

BUCKET = "tradai-config-it"


class ServiceSettings(ArcticSettingsMixin, MLflowSettingsMixin, Settings):
    its_workers: int = 1


@pytest.fixture
def bucket(aws: Service) -> str:
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    return BUCKET


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ServiceSettings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)


def _put(key: str, text: str) -> str:
    boto3.client("s3").put_object(Bucket=BUCKET, Key=key, Body=text.encode())
    return f"s3://{BUCKET}/{key}"


def test_yaml_on_s3_is_layered_under_env_and_overrides(
    bucket: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    uri = _put(
        "services/strategy.yaml",
        "arctic_s3_bucket: market-data\n"
        "arctic_library: spot\n"
        "mlflow_tracking_uri: https://mlflow.internal\n"
        "mlflow_username: svc\n"
        "mlflow_password: from-file-secret\n"
        "its_workers: 3\n",
    )
    monkeypatch.setenv("ARCTIC_LIBRARY", "futures-env")
    settings = ServiceSettings.load(uri, its_workers=9)
    assert settings.arctic_s3_bucket == "market-data"
    assert settings.arctic_library == "futures-env"
    assert settings.its_workers == 9
    assert isinstance(settings.mlflow_password, SecretStr)
    assert settings.mlflow_password.get_secret_value() == "from-file-secret"
    assert "from-file-secret" not in repr(settings)


def test_json_on_s3_is_loaded(bucket: str) -> None:
    uri = _put("svc.json", json.dumps({"its_workers": 4}))
    assert ServiceSettings.load(uri).its_workers == 4


def test_missing_s3_key_is_a_configuration_error_naming_it(bucket: str) -> None:
    uri = f"s3://{BUCKET}/absent.yaml"
    with pytest.raises(ConfigurationError, match=re.escape(f"config file not found: {uri}")):
        ServiceSettings.load(uri)


def test_missing_s3_bucket_is_a_configuration_error(aws: Service) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        ServiceSettings.load("s3://no-such-bucket-it/app.yaml")


def test_invalid_value_in_s3_file_is_a_validation_error(bucket: str) -> None:
    uri = _put("bad.yaml", "arctic_region: mars-1\n")
    with pytest.raises(pydantic.ValidationError) as info:
        ServiceSettings.load(uri)
    assert "arctic_region" in str(info.value)


def test_unparsable_s3_file_is_a_configuration_error(bucket: str) -> None:
    uri = _put("broken.yaml", "its_workers: [\n")
    with pytest.raises(ConfigurationError, match="not valid YAML"):
        ServiceSettings.load(uri)
