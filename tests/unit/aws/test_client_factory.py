"""ClientConfig, endpoint resolution and the factory's cache (no network needed)."""

from __future__ import annotations

import pytest

from tradai.common.aws import _client_factory as factory_module
from tradai.common.aws._client_factory import (
    ClientConfig,
    ClientFactory,
    resolve_endpoint_url,
)
from tradai.common.exceptions import ConfigurationError


def test_defaults_are_bounded_standard_retries_with_timeouts() -> None:
    config = ClientConfig()
    assert (config.max_attempts, config.retry_mode) == (5, "standard")
    assert (config.connect_timeout, config.read_timeout) == (5.0, 30.0)
    botocore_config = config.to_botocore("eu-west-1")
    assert botocore_config.retries == {"mode": "standard", "total_max_attempts": 5}
    assert botocore_config.connect_timeout == 5.0
    assert botocore_config.read_timeout == 30.0
    assert botocore_config.region_name == "eu-west-1"


def test_from_env_reads_overrides() -> None:
    config = ClientConfig.from_env(
        {
            "AWS_MAX_ATTEMPTS": "2",
            "AWS_RETRY_MODE": "adaptive",
            "TRADAI_AWS_CONNECT_TIMEOUT": "0.5",
            "TRADAI_AWS_READ_TIMEOUT": "3",
            "TRADAI_AWS_MAX_POOL": "4",
        }
    )
    assert config == ClientConfig(
        max_attempts=2,
        retry_mode="adaptive",
        connect_timeout=0.5,
        read_timeout=3.0,
        max_pool_connections=4,
    )
    assert ClientConfig.from_env({}) == ClientConfig()


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"AWS_MAX_ATTEMPTS": "many"}, "AWS_MAX_ATTEMPTS"),
        ({"TRADAI_AWS_READ_TIMEOUT": "-1"}, "TRADAI_AWS_READ_TIMEOUT"),
        ({"AWS_MAX_ATTEMPTS": "50"}, "max_attempts"),
        ({"AWS_RETRY_MODE": "forever"}, "retry_mode"),
    ],
)
def test_bad_environment_values_raise_configuration_error(
    env: dict[str, str], setting: str
) -> None:
    with pytest.raises(ConfigurationError) as info:
        ClientConfig.from_env(env)
    assert info.value.setting == setting


def test_with_overrides_validates_again() -> None:
    assert ClientConfig().with_overrides(max_attempts=1).max_attempts == 1
    with pytest.raises(ConfigurationError):
        ClientConfig().with_overrides(connect_timeout=0)


def test_endpoint_resolution_follows_boto3_precedence() -> None:
    env = {"AWS_ENDPOINT_URL": "http://all:1", "AWS_ENDPOINT_URL_DYNAMODB": "http://ddb:2"}
    assert resolve_endpoint_url("dynamodb", environ=env) == "http://ddb:2"
    assert resolve_endpoint_url("s3", environ=env) == "http://all:1"
    assert resolve_endpoint_url("s3", "http://explicit:3", environ=env) == "http://explicit:3"
    assert resolve_endpoint_url("s3", environ={}) is None
    assert resolve_endpoint_url("new-svc", environ={"AWS_ENDPOINT_URL_NEW_SVC": "x"}) == "x"


def test_same_key_gives_same_client_and_new_endpoint_gives_new_client(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    factory = ClientFactory(config=ClientConfig(max_attempts=1))
    first = factory.client("s3")
    assert factory.client("s3") is first
    assert factory.client("s3", region="eu-west-1") is not first
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:10")
    moved = factory.client("s3")
    assert moved is not first
    assert moved.meta.endpoint_url == "http://127.0.0.1:10"
    assert factory.resource("dynamodb") is factory.resource("dynamodb")
    assert factory.cached_count == 4
    factory.reset()
    assert factory.cached_count == 0


def test_module_helpers_share_the_default_factory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    factory_module.reset_clients()
    helpers = {
        "get_s3_client": "s3",
        "get_dynamodb_client": "dynamodb",
        "get_secrets_client": "secretsmanager",
        "get_sqs_client": "sqs",
        "get_sns_client": "sns",
        "get_sfn_client": "stepfunctions",
        "get_logs_client": "logs",
        "get_cloudwatch_client": "cloudwatch",
        "get_ecs_client": "ecs",
    }
    for helper, service in helpers.items():
        client = getattr(factory_module, helper)()
        assert client is factory_module.get_client(service)
        assert client.meta.service_model.service_name == service
    assert factory_module.get_dynamodb_resource() is factory_module.get_resource("dynamodb")
    assert factory_module.get_s3_resource() is factory_module.get_resource("s3")
    assert factory_module.default_factory().cached_count == len(helpers) + 2
    factory_module.reset_clients()
    assert factory_module.default_factory().cached_count == 0


def test_importing_the_aws_package_does_not_import_boto3() -> None:
    import subprocess
    import sys

    code = "import sys, tradai.common.aws as a; a.__all__; print('boto3' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == "False"
