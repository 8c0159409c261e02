"""ExchangeConfig.from_secret against a real Secrets Manager API (the moto server)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator

import boto3
import pytest

from support.services import Service
from tradai.common.aws.secrets_manager import reset_default_store
from tradai.common.entities.exchange import AuthType, ExchangeConfig, TradingMode
from tradai.common.exceptions import ExternalServiceError, MissingDependencyError, ValidationError

pytestmark = pytest.mark.integration

CEX = {"exchange_name": "binance", "api_key": "XKEY-1", "api_secret": "XSECRET-1"}


@pytest.fixture(autouse=True)
def fresh_default_store() -> Iterator[None]:
    # Without a client, from_secret reads through the process-wide cached store: start
    # each test with an empty one (moto is wiped between tests, the cache would not be).
    reset_default_store()
    yield
    reset_default_store()


def _create(name: str, **kwargs: object) -> None:
    boto3.client("secretsmanager").create_secret(Name=name, **kwargs)


def test_reference_example_from_secrets_manager(aws: Service) -> None:
    _create("tradai/prod/exchange/binance", SecretString=json.dumps(CEX))
    config = ExchangeConfig.from_secret("tradai/prod/exchange/binance")
    assert config.key == "binance_futures"
    assert config.to_ccxt_config() == {"apiKey": "XKEY-1", "secret": "XSECRET-1"}


def test_reference_example_validate_credentials_needs_the_exchange_extra(
    aws: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ccxt is installed in the test environment; hide it so no call can leave the machine.
    monkeypatch.setitem(sys.modules, "ccxt", None)
    _create("tradai/prod/binance", SecretString=json.dumps(CEX))
    config = ExchangeConfig.from_secret("tradai/prod/binance")
    with pytest.raises(MissingDependencyError, match="exchange"):
        config.validate_credentials()  # Raises if invalid


def test_from_secret_with_an_injected_boto3_client(aws: Service) -> None:
    client = boto3.client("secretsmanager")
    created = client.create_secret(
        Name="tradai/dev/hyperliquid",
        SecretString=json.dumps({"private_key": "0xabc", "wallet_address": "0xdef"}),
    )
    config = ExchangeConfig.from_secret(
        created["ARN"], name="hyperliquid", trading_mode=TradingMode.SPOT, client=client
    )
    assert config.auth_type is AuthType.PRIVATE_KEY
    assert config.key == "hyperliquid_spot"


def test_from_secret_reads_a_binary_secret(aws: Service) -> None:
    _create("tradai/bin", SecretBinary=json.dumps(CEX).encode())
    assert ExchangeConfig.from_secret("tradai/bin").is_authenticated


def test_missing_secret_is_an_external_service_error_with_the_aws_code(aws: Service) -> None:
    with pytest.raises(ExternalServiceError) as info:
        ExchangeConfig.from_secret("tradai/nope")
    assert info.value.error_code == "ResourceNotFoundException"
    assert "tradai/nope" in str(info.value)


def test_invalid_json_secret_is_a_validation_error_that_does_not_echo_it(aws: Service) -> None:
    _create("tradai/broken", SecretString='{"api_key": "XKEY-1", "api_secret": ')
    with pytest.raises(ValidationError) as info:
        ExchangeConfig.from_secret("tradai/broken", name="binance")
    assert "XKEY-1" not in str(info.value)
    assert "tradai/broken" in str(info.value)


def test_secret_missing_a_field_is_a_validation_error(aws: Service) -> None:
    _create("tradai/partial", SecretString=json.dumps({"api_key": "XKEY-1"}))
    with pytest.raises(ValidationError) as info:
        ExchangeConfig.from_secret("tradai/partial", name="binance")
    assert info.value.field == "api_secret"
    assert "XKEY-1" not in str(info.value)
