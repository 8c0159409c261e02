"""ExchangeConfig I/O without AWS: from_secret over a secrets store, ccxt error translation.

ccxt is not installed in the test environment and nothing real can stand in for an
exchange rejecting credentials, so the ccxt tests put a minimal fake ``ccxt`` module (its
real exception hierarchy, one exchange class) into ``sys.modules``.
"""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import SecretStr

from tradai.common.entities._exchange_io import CCXT_ERRORS
from tradai.common.entities.exchange import AuthType, ExchangeConfig, TradingMode
from tradai.common.exceptions import (
    AuthenticationError,
    ConfigurationError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)

CEX = {"exchange_name": "Binance", "api_key": "XKEY-1", "api_secret": "XSECRET-1"}


class FakeSecretStore:
    """The shape of the AWS layer's cached secrets store: ``get_secret(name)``."""

    def __init__(self, secrets: Mapping[str, object]) -> None:
        self.secrets = dict(secrets)
        self.calls: list[str] = []

    def get_secret(self, name: str) -> object:
        self.calls.append(name)
        if name not in self.secrets:
            raise NotFoundError("no such secret", resource="secret", key=name)
        value = self.secrets[name]
        if isinstance(value, Exception):
            raise value
        return value


# ----------------------------------------------------------------- from_secret


def test_from_secret_reads_a_json_string_from_a_store() -> None:
    store = FakeSecretStore({"tradai/prod/exchange/binance": json.dumps(CEX)})
    config = ExchangeConfig.from_secret("tradai/prod/exchange/binance", client=store)
    assert store.calls == ["tradai/prod/exchange/binance"]
    assert config.name == "binance"
    assert config.key == "binance_futures"
    assert config.auth_type is AuthType.API_KEY
    assert config.to_ccxt_config() == {"apiKey": "XKEY-1", "secret": "XSECRET-1"}


def test_from_secret_accepts_a_mapping_and_an_explicit_name_wins() -> None:
    store = FakeSecretStore({"s": {**CEX, "passphrase": "XPASS"}})
    config = ExchangeConfig.from_secret(
        "s", name="okx", trading_mode=TradingMode.SPOT, client=store
    )
    assert (config.name, config.key) == ("okx", "okx_spot")
    assert config.passphrase == SecretStr("XPASS")


def test_from_secret_infers_private_key_auth_for_a_dex() -> None:
    store = FakeSecretStore({"s": {"private_key": "0xabc", "wallet_address": "0xdef"}})
    config = ExchangeConfig.from_secret("s", name="hyperliquid", client=store)
    assert config.auth_type is AuthType.PRIVATE_KEY
    assert config.to_ccxt_config() == {"privateKey": "0xabc", "walletAddress": "0xdef"}


def test_from_secret_ignores_unknown_keys() -> None:
    store = FakeSecretStore({"s": {**CEX, "rotated_by": "ops"}})
    assert ExchangeConfig.from_secret("s", client=store).is_authenticated


def test_from_secret_reads_utf8_bytes() -> None:
    store = FakeSecretStore({"s": json.dumps(CEX).encode()})
    assert ExchangeConfig.from_secret("s", client=store).name == "binance"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"api_key": "XKEY-1", "api_secret": "XSECRET-1"}, "exchange_name"),
        ({**CEX, "exchange_name": 7}, "exchange_name"),
        ({"exchange_name": "binance"}, "secret"),
        ({**CEX, "private_key": "0xabc"}, "secret"),
        ({"exchange_name": "binance", "api_key": "XKEY-1"}, "api_secret"),
        ({"exchange_name": "x", "wallet_address": "XWALLET"}, "private_key"),
        ({**CEX, "api_secret": 12345}, "api_secret"),
        ({**CEX, "api_secret": "XSECRET-1\n"}, "secret"),
        ({**CEX, "exchange_name": "bin;ance"}, "secret"),
    ],
)
def test_from_secret_rejects_bad_payloads_naming_the_field(payload: object, field: str) -> None:
    store = FakeSecretStore({"tradai/s": payload})
    with pytest.raises(ValidationError) as info:
        ExchangeConfig.from_secret("tradai/s", client=store)
    assert info.value.field == field
    assert "tradai/s" in str(info.value)
    for secret in ("XKEY-1", "XSECRET-1", "XWALLET", "12345"):
        assert secret not in str(info.value)


@pytest.mark.parametrize(
    "raw",
    ['{"api_key": "XKEY-1", ', b"\xff\xfeXKEY-1", "[1, 2]", '"XKEY-1"', None],
)
def test_from_secret_rejects_non_object_secrets_without_echoing_them(raw: object) -> None:
    store = FakeSecretStore({"s": raw})
    with pytest.raises(ValidationError) as info:
        ExchangeConfig.from_secret("s", client=store)
    assert "XKEY-1" not in str(info.value)
    assert info.value.__cause__ is None  # json's error holds the whole document


@pytest.mark.parametrize(
    "name",
    ["", " tradai/s", "tradai/s\n", "-tradai", "tradai/s;rm", "tradai/ѕ", "arn:aws:s3:::bucket", 5],
)
def test_from_secret_rejects_bad_secret_names(name: object) -> None:
    with pytest.raises(ValidationError) as info:
        ExchangeConfig.from_secret(name, client=FakeSecretStore({}))  # type: ignore[arg-type]
    assert info.value.field == "secret_name"


def test_from_secret_accepts_a_secrets_manager_arn() -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tradai/binance-AbCdEf"
    store = FakeSecretStore({arn: CEX})
    assert ExchangeConfig.from_secret(arn, client=store).name == "binance"


def test_from_secret_turns_store_failures_into_external_service_errors() -> None:
    with pytest.raises(ExternalServiceError) as info:
        ExchangeConfig.from_secret("missing", client=FakeSecretStore({}))
    assert info.value.error_code == "NotFoundError"
    assert isinstance(info.value.__cause__, NotFoundError)


def test_from_secret_lets_external_service_errors_of_the_store_through() -> None:
    error = TransientError("throttled", service="secretsmanager")
    with pytest.raises(TransientError) as info:
        ExchangeConfig.from_secret("s", client=FakeSecretStore({"s": error}))
    assert info.value is error


def test_from_secret_rejects_a_client_without_a_reading_method() -> None:
    with pytest.raises(TypeError, match="get_secret"):
        ExchangeConfig.from_secret("s", client=object())


# ----------------------------------------------------------------- ccxt (fake module)


def _fake_ccxt() -> types.ModuleType:
    module = types.ModuleType("ccxt")
    base = type("BaseError", (Exception,), {})
    exchange_error = type("ExchangeError", (base,), {})
    auth = type("AuthenticationError", (exchange_error,), {})
    operation_failed = type("OperationFailed", (base,), {})
    network = type("NetworkError", (operation_failed,), {})
    classes = {
        "BaseError": base,
        "ExchangeError": exchange_error,
        "AuthenticationError": auth,
        "PermissionDenied": type("PermissionDenied", (auth,), {}),
        "OperationFailed": operation_failed,
        "NetworkError": network,
        "RequestTimeout": type("RequestTimeout", (network,), {}),
        "InsufficientFunds": type("InsufficientFunds", (exchange_error,), {}),
    }
    for name, cls in classes.items():
        setattr(module, name, cls)

    class binance:  # noqa: N801 - ccxt's own naming
        fail_with: type[Exception] | None = None
        instances: list[binance] = []  # noqa: RUF012 - per-test fake, reset with the module

        def __init__(self, config: dict[str, Any]) -> None:
            self.config = config
            self.sandbox = False
            self.apiKey = config.get("apiKey")
            binance.instances.append(self)

        def set_sandbox_mode(self, enabled: bool) -> None:
            self.sandbox = enabled

        def fetch_balance(self) -> dict[str, Any]:
            if binance.fail_with is not None:
                raise binance.fail_with("binance {} XSECRET-1 echoed by exchange")
            return {}

    module.binance = binance  # type: ignore[attr-defined]  # fake module attribute
    return module


@pytest.fixture
def ccxt(monkeypatch: pytest.MonkeyPatch) -> Any:
    module = _fake_ccxt()
    monkeypatch.setitem(sys.modules, "ccxt", module)
    return module


def _config(**extra: Any) -> ExchangeConfig:
    return ExchangeConfig(
        name="binance", api_key=SecretStr("XKEY-1"), api_secret=SecretStr("XSECRET-1"), **extra
    )


def test_reference_example_to_ccxt_config_builds_a_ccxt_exchange(ccxt: Any) -> None:
    config = ExchangeConfig(name="binance", api_key=SecretStr("key"), api_secret=SecretStr("s"))
    ccxt_config = config.to_ccxt_config()
    exchange = ccxt.binance(ccxt_config)
    assert exchange.apiKey == "key"


def test_validate_credentials_calls_fetch_balance_with_timeout_in_ms(ccxt: Any) -> None:
    _config().validate_credentials(timeout=5)
    (exchange,) = ccxt.binance.instances
    assert exchange.config["timeout"] == 5000
    assert exchange.config["enableRateLimit"] is True
    assert exchange.sandbox is False


def test_validate_credentials_switches_to_the_sandbox(ccxt: Any) -> None:
    _config(sandbox=True).validate_credentials()
    assert ccxt.binance.instances[0].sandbox is True


def test_validate_credentials_for_an_exchange_ccxt_lacks_is_a_configuration_error(
    ccxt: Any,
) -> None:
    config = ExchangeConfig(name="nosuchex", api_key=SecretStr("k"), api_secret=SecretStr("s"))
    with pytest.raises(ConfigurationError, match="nosuchex"):
        config.validate_credentials()


@pytest.mark.parametrize(
    ("ccxt_error", "expected"),
    [
        ("AuthenticationError", AuthenticationError),
        ("PermissionDenied", AuthenticationError),
        ("NetworkError", TransientError),
        ("RequestTimeout", TransientError),
        ("InsufficientFunds", ExternalServiceError),
        ("BaseError", ExternalServiceError),
    ],
)
def test_ccxt_errors_are_translated_without_their_text(
    ccxt: Any, ccxt_error: str, expected: type[Exception]
) -> None:
    ccxt.binance.fail_with = getattr(ccxt, ccxt_error)
    with pytest.raises(expected) as info:
        _config().validate_credentials()
    assert type(info.value) is expected
    assert "XSECRET-1" not in str(info.value)
    assert ccxt_error in str(info.value)  # the ccxt class name is kept as error_code


def test_every_row_of_the_ccxt_table_maps_its_own_class(ccxt: Any) -> None:
    for ccxt_name, tradai_error in CCXT_ERRORS:
        ccxt.binance.fail_with = getattr(ccxt, ccxt_name)
        with pytest.raises(tradai_error):
            _config().validate_credentials()


def test_non_ccxt_errors_are_not_swallowed(ccxt: Any) -> None:
    ccxt.binance.fail_with = KeyError
    with pytest.raises(KeyError):
        _config().validate_credentials()


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ThrottlingException", TransientError), ("AccessDeniedException", ExternalServiceError)],
)
def test_from_secret_maps_aws_error_codes(code: str, expected: type[Exception]) -> None:
    from botocore.exceptions import ClientError  # type: ignore[import-untyped]  # no stubs

    error = ClientError({"Error": {"Code": code, "Message": "m"}}, "GetSecretValue")
    with pytest.raises(expected) as info:
        ExchangeConfig.from_secret("s", client=FakeSecretStore({"s": error}))
    assert type(info.value) is expected
    assert info.value.error_code == code  # type: ignore[attr-defined]  # both have it
