"""ExchangeConfig.from_secret over the secrets stores, without AWS."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from tradai.common.aws.memory.secrets import InMemorySecretsStore
from tradai.common.aws.secrets_manager import default_store, reset_default_store
from tradai.common.entities.exchange import AuthType, ExchangeConfig
from tradai.common.exceptions import ExternalServiceError, MissingDependencyError, ValidationError

CEX = {"exchange_name": "binance", "api_key": "XKEY-1", "api_secret": "XSECRET-1"}


@pytest.fixture(autouse=True)
def fresh_default_store() -> Iterator[None]:
    reset_default_store()
    yield
    reset_default_store()


def test_from_secret_reads_an_injected_in_memory_store() -> None:
    store = InMemorySecretsStore({"tradai/prod/exchange/binance": CEX})
    config = ExchangeConfig.from_secret("tradai/prod/exchange/binance", client=store)
    assert config.key == "binance_futures"
    assert config.auth_type is AuthType.API_KEY
    assert store.reads == 1


def test_a_missing_secret_in_the_store_is_an_external_service_error_with_the_aws_code() -> None:
    with pytest.raises(ExternalServiceError) as info:
        ExchangeConfig.from_secret("tradai/nope", client=InMemorySecretsStore())
    assert info.value.error_code == "ResourceNotFoundException"
    assert "tradai/nope" in str(info.value)


def test_a_validation_error_of_the_store_passes_through_without_the_value() -> None:
    store = InMemorySecretsStore({"tradai/bin": b"\xffXKEY-1"})
    with pytest.raises(ValidationError) as info:
        ExchangeConfig.from_secret("tradai/bin", client=store)
    assert "XKEY-1" not in str(info.value)


def test_a_missing_aws_extra_is_reported_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "botocore.exceptions", None)  # as if not installed
    with pytest.raises(MissingDependencyError, match="aws"):
        ExchangeConfig.from_secret("tradai/prod/exchange/binance")


def test_the_default_store_is_built_once_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SECRETS_TTL_SECONDS", "30")
    store = default_store()
    assert default_store() is store
    assert repr(store) == "SecretsManagerCache(ttl_seconds=30.0, cached=0)"
