"""StrategyConfigLoader over the real (moto server) S3."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from support.faults import inject_aws_error
from support.services import Service
from tradai.common.aws import reset_clients
from tradai.common.config import StrategyConfigLoader
from tradai.common.config.sources import S3ConfigSource
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import (
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    TransientError,
)

pytestmark = pytest.mark.integration

BUCKET = "tradai-strategy-configs"
NAME = "PascalStrategy"


@pytest.fixture
def s3(aws: Service) -> Any:
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def _put(client: Any, key: str, body: str) -> None:
    client.put_object(Bucket=BUCKET, Key=key, Body=body.encode())


@pytest.fixture
def loader(s3: Any) -> StrategyConfigLoader:
    _put(s3, f"strategies/{NAME}/1.2.0.yaml", "timeframe: 1h\npairs: [BTC/USDT:USDT]\n")
    _put(s3, f"strategies/{NAME}/1.10.0.json", json.dumps({"timeframe": "4h"}))
    _put(s3, f"strategies/{NAME}/2.0.0-rc.1.yaml", "timeframe: 15m\n")
    _put(s3, f"strategies/{NAME}/notes.txt", "ignored")
    _put(s3, f"strategies/{NAME}/archive/9.0.0.yaml", "timeframe: 1d\n")  # nested: ignored
    _put(s3, f"strategies/{NAME}Two/9.0.0.yaml", "timeframe: 1d\n")  # sibling prefix
    return StrategyConfigLoader.from_location(f"s3://{BUCKET}/strategies", s3_client=s3)


def test_latest_resolves_to_the_highest_release_under_the_prefix(
    loader: StrategyConfigLoader,
) -> None:
    config = loader.load_config(NAME, version="latest")
    assert config == {"timeframe": "4h", "name": NAME, "version": "1.10.0"}


def test_a_specific_version_loads(loader: StrategyConfigLoader) -> None:
    config = loader.load(NAME, version="1.2.0")
    assert (config.version, config.timeframe, config.pairs) == ("1.2.0", "1h", ["BTC/USDT:USDT"])
    assert loader.load_config(NAME, version="2.0.0-rc.1")["timeframe"] == "15m"


def test_missing_version_or_strategy_raises_not_found(loader: StrategyConfigLoader) -> None:
    with pytest.raises(NotFoundError, match=r"'PascalStrategy' version '9\.0\.0' not found"):
        loader.load_config(NAME, version="9.0.0")
    with pytest.raises(NotFoundError) as info:
        loader.load_config("Absent", version="latest")
    assert info.value.key == "Absent@latest"
    assert info.value.context["location"] == f"s3://{BUCKET}/strategies/Absent/"


def test_two_objects_for_one_version_are_ambiguous(s3: Any, loader: StrategyConfigLoader) -> None:
    _put(s3, f"strategies/{NAME}/1.10.0.yaml", "timeframe: 4h\n")
    with pytest.raises(ConfigurationError, match="ambiguous"):
        loader.load_config(NAME)


def test_configs_at_the_bucket_root_load(s3: Any) -> None:
    _put(s3, f"{NAME}/3.0.0.yml", "timeframe: 1h\n")
    source = S3ConfigSource(S3Path(bucket=BUCKET), s3_client=s3)
    document = source.fetch(NAME, "latest")
    assert document.location == f"s3://{BUCKET}/{NAME}/3.0.0.yml"
    assert source.root == S3Path(bucket=BUCKET)
    assert repr(source) == f"S3ConfigSource('s3://{BUCKET}')"


def test_a_missing_bucket_is_a_configuration_error(aws: Service) -> None:
    loader = StrategyConfigLoader.from_location("s3://no-such-bucket-here/strategies")
    with pytest.raises(ConfigurationError, match="bucket not found: no-such-bucket-here"):
        loader.load_config(NAME, version="1.0.0")


def test_access_denied_is_an_authentication_error(s3: Any, loader: StrategyConfigLoader) -> None:
    with (
        inject_aws_error(s3, code="AccessDenied", status=403, operation="ListObjectsV2"),
        pytest.raises(AuthenticationError),
    ):
        loader.load_config(NAME)


def test_throttling_that_outlasts_retries_is_transient(
    s3: Any, loader: StrategyConfigLoader
) -> None:
    with (
        inject_aws_error(s3, code="SlowDown", status=503, operation="ListObjectsV2"),
        pytest.raises(TransientError),
    ):
        loader.load_config(NAME)


@pytest.fixture
def fresh_default_client() -> Iterator[None]:
    reset_clients()
    yield
    reset_clients()


@pytest.mark.usefixtures("fresh_default_client")
def test_the_library_default_client_is_used_when_none_is_given(
    loader: StrategyConfigLoader,
) -> None:
    default = StrategyConfigLoader.from_location(f"s3://{BUCKET}/strategies")
    assert default.load_config(NAME)["version"] == "1.10.0"


def test_a_root_with_a_trailing_slash_loads_the_same(s3: Any, loader: StrategyConfigLoader) -> None:
    slash = StrategyConfigLoader.from_location(f"s3://{BUCKET}/strategies/", s3_client=s3)
    assert slash.load_config(NAME) == loader.load_config(NAME)
