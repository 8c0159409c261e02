"""ExchangeConfig.from_secret reads through the secrets stores (moto server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from support.faults import inject_aws_error
from support.services import Service
from tradai.common.aws._client_factory import get_secrets_client
from tradai.common.aws.secrets_manager import (
    SecretsManagerCache,
    default_store,
    reset_default_store,
)
from tradai.common.entities.exchange import ExchangeConfig
from tradai.common.exceptions import AuthenticationError, ExternalServiceError

pytestmark = pytest.mark.integration

NAME = "tradai/prod/exchange/binance"
CEX = {"exchange_name": "binance", "api_key": "XKEY-1", "api_secret": "XSECRET-1"}


class Calls:
    def __init__(self, client: Any) -> None:
        self.params: list[dict[str, Any]] = []
        client.meta.events.register(
            "before-parameter-build.secrets-manager.GetSecretValue",
            lambda params, **_: self.params.append(dict(params)),
        )


@pytest.fixture(autouse=True)
def fresh_default_store() -> Iterator[None]:
    reset_default_store()
    yield
    reset_default_store()


@pytest.fixture
def client(aws: Service) -> Any:
    client = boto3.client("secretsmanager")
    client.create_secret(Name=NAME, SecretString=json.dumps(CEX))
    return client


def test_without_a_client_the_process_wide_cached_store_is_used(client: Any) -> None:
    calls = Calls(get_secrets_client())
    first = ExchangeConfig.from_secret(NAME)
    client.put_secret_value(SecretId=NAME, SecretString=json.dumps({**CEX, "api_key": "XKEY-2"}))
    second = ExchangeConfig.from_secret(NAME)
    assert first == second  # served from the cache within the TTL
    assert calls.params == [{"SecretId": NAME, "VersionStage": "AWSCURRENT"}]
    default_store().refresh(NAME)
    assert ExchangeConfig.from_secret(NAME).to_ccxt_config()["apiKey"] == "XKEY-2"


def test_reset_default_store_forgets_cached_values(client: Any) -> None:
    store = default_store()
    ExchangeConfig.from_secret(NAME)
    reset_default_store()
    assert default_store() is not store
    client.put_secret_value(SecretId=NAME, SecretString=json.dumps({**CEX, "api_key": "XKEY-2"}))
    assert ExchangeConfig.from_secret(NAME).to_ccxt_config()["apiKey"] == "XKEY-2"


def test_an_injected_secrets_store_is_used(client: Any) -> None:
    calls = Calls(client)
    store = SecretsManagerCache(client=client)
    ExchangeConfig.from_secret(NAME, client=store)
    ExchangeConfig.from_secret(NAME, client=store)
    assert len(calls.params) == 1
    assert repr(store) == "SecretsManagerCache(ttl_seconds=300.0, cached=1)"


def test_an_injected_boto3_client_is_read_uncached_at_awscurrent(client: Any) -> None:
    calls = Calls(client)
    ExchangeConfig.from_secret(NAME, client=client)
    ExchangeConfig.from_secret(NAME, client=client)
    assert calls.params == [{"SecretId": NAME, "VersionStage": "AWSCURRENT"}] * 2


def test_access_denied_is_reported_as_an_external_service_error_with_its_code(
    client: Any,
) -> None:
    with inject_aws_error(client, code="AccessDeniedException", status=400):
        with pytest.raises(ExternalServiceError) as info:
            ExchangeConfig.from_secret(NAME, client=client)
    assert info.value.error_code == "AccessDeniedException"
    assert isinstance(info.value.__cause__, AuthenticationError)
