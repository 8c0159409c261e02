"""TradingMode, OperatingMode and ExchangeConfig: parsing, keys, credentials, secrecy."""

from __future__ import annotations

import sys
from typing import Any

import pydantic
import pytest
from pydantic import SecretStr

from tradai.common.entities.exchange import AuthType, ExchangeConfig, OperatingMode, TradingMode
from tradai.common.exceptions import AuthenticationError, MissingDependencyError, ValidationError

NEAR_MISS_MODES = [" futures", "futures\n", "fut\x00ures", "-futures", "futures;", "futurеs", ""]


# ----------------------------------------------------------------- documented examples


def test_reference_example_trading_mode_futures() -> None:
    mode = TradingMode.FUTURES
    assert mode.value == "futures"
    assert mode.ccxt_types == frozenset({"swap", "future"})


def test_reference_example_cex_binance_key() -> None:
    config = ExchangeConfig(name="binance", trading_mode=TradingMode.FUTURES)
    assert config.key == "binance_futures"


def test_reference_example_dex_hyperliquid() -> None:
    config = ExchangeConfig(
        name="hyperliquid",
        auth_type=AuthType.PRIVATE_KEY,
        private_key=SecretStr("0x..."),
    )
    assert config.is_authenticated
    assert config.to_ccxt_config() == {"privateKey": "0x..."}


# ----------------------------------------------------------------- TradingMode


@pytest.mark.parametrize(
    ("mode", "types"),
    [
        (TradingMode.SPOT, {"spot"}),
        (TradingMode.MARGIN, {"margin"}),
        (TradingMode.FUTURES, {"swap", "future"}),
    ],
)
def test_trading_mode_maps_to_ccxt_market_types(mode: TradingMode, types: set[str]) -> None:
    assert mode.ccxt_types == frozenset(types)


@pytest.mark.parametrize("text", ["spot", "SPOT", "Spot", "margin", "FUTURES"])
def test_trading_mode_from_string_is_case_insensitive(text: str) -> None:
    assert TradingMode.from_string(text).value == text.lower()


@pytest.mark.parametrize("text", [*NEAR_MISS_MODES, "swap", "SPOT ", 3])
def test_trading_mode_from_string_rejects_near_misses(text: Any) -> None:
    with pytest.raises(ValueError, match="unknown trading mode"):
        TradingMode.from_string(text)


def test_trading_mode_values_match_freqtrade() -> None:
    assert [m.value for m in TradingMode] == ["spot", "margin", "futures"]


# ----------------------------------------------------------------- OperatingMode


def test_operating_mode_values_are_lower_case() -> None:
    assert [m.value for m in OperatingMode] == ["backtest", "hyperopt", "train", "dry_run", "live"]


@pytest.mark.parametrize("mode", list(OperatingMode))
def test_only_live_is_live_and_requires_credentials(mode: OperatingMode) -> None:
    assert mode.is_live is (mode is OperatingMode.LIVE)
    assert mode.requires_credentials is (mode is OperatingMode.LIVE)


def test_operating_mode_from_string_parses_and_rejects_near_misses() -> None:
    assert OperatingMode.from_string("DRY_RUN") is OperatingMode.DRY_RUN
    for text in ["dry-run", "live\n", " live", "lіve"]:
        with pytest.raises(ValueError, match="unknown operating mode"):
            OperatingMode.from_string(text)


# ----------------------------------------------------------------- ExchangeConfig basics


def test_name_is_normalised_to_lower_case() -> None:
    assert ExchangeConfig(name="Binance").name == "binance"


@pytest.mark.parametrize(
    "name",
    [
        "",
        " binance",
        "binance\n",
        "bin ance",
        "bin;ance",
        "-binance",
        "1inch",
        "bіnance",
        "ｂinance",
    ],
)
def test_name_rejects_near_misses(name: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="name"):
        ExchangeConfig(name=name)


def test_name_rejects_kelvin_sign_that_lower_cases_to_ascii() -> None:
    with pytest.raises(pydantic.ValidationError):
        ExchangeConfig(name="\u212araken")


def test_trading_mode_defaults_to_futures_and_parses_strings() -> None:
    assert ExchangeConfig(name="okx").trading_mode is TradingMode.FUTURES
    config = ExchangeConfig(name="okx", trading_mode="SPOT")  # type: ignore[arg-type]  # str input
    assert config.trading_mode is TradingMode.SPOT


@pytest.mark.parametrize("mode", [*NEAR_MISS_MODES, 1, None])
def test_trading_mode_field_rejects_near_misses(mode: object) -> None:
    with pytest.raises(pydantic.ValidationError, match="trading_mode"):
        ExchangeConfig(name="okx", trading_mode=mode)  # type: ignore[arg-type]  # on purpose


@pytest.mark.parametrize(
    ("mode", "key"),
    [
        (TradingMode.SPOT, "binance_spot"),
        (TradingMode.MARGIN, "binance_margin"),
        (TradingMode.FUTURES, "binance_futures"),
    ],
)
def test_key_is_name_and_trading_mode(mode: TradingMode, key: str) -> None:
    config = ExchangeConfig(name="binance", trading_mode=mode)
    assert config.key == key
    assert config.ccxt_types == mode.ccxt_types


def test_config_is_frozen_and_forbids_unknown_fields() -> None:
    config = ExchangeConfig(name="binance")
    with pytest.raises(pydantic.ValidationError):
        config.name = "okx"  # type: ignore[misc]  # frozen on purpose
    with pytest.raises(pydantic.ValidationError, match="apikey"):
        ExchangeConfig(name="binance", apikey="x")  # type: ignore[call-arg]  # unknown field


# ----------------------------------------------------------------- credentials


def test_cex_authentication_needs_key_and_secret() -> None:
    assert not ExchangeConfig(name="binance").is_authenticated
    assert not ExchangeConfig(name="binance", api_key=SecretStr("k")).is_authenticated
    full = ExchangeConfig(name="binance", api_key=SecretStr("k"), api_secret=SecretStr("s"))
    assert full.is_authenticated


def test_dex_authentication_needs_private_key() -> None:
    dex = ExchangeConfig(name="hyperliquid", auth_type=AuthType.PRIVATE_KEY)
    assert not dex.is_authenticated


def test_to_ccxt_config_for_cex_includes_passphrase_as_password() -> None:
    config = ExchangeConfig(
        name="okx",
        api_key=SecretStr("key"),
        api_secret=SecretStr("secret"),
        passphrase=SecretStr("pass"),
    )
    assert config.to_ccxt_config() == {"apiKey": "key", "secret": "secret", "password": "pass"}


def test_reference_example_to_ccxt_config() -> None:
    config = ExchangeConfig(name="binance", api_key=SecretStr("key"), api_secret=SecretStr("s"))
    ccxt_config = config.to_ccxt_config()
    assert ccxt_config == {"apiKey": "key", "secret": "s"}


def test_to_ccxt_config_for_dex_includes_wallet_address() -> None:
    config = ExchangeConfig(
        name="hyperliquid",
        auth_type="private_key",  # type: ignore[arg-type]  # value input
        private_key=SecretStr("0xabc"),
        wallet_address=SecretStr("0xdef"),
    )
    assert config.to_ccxt_config() == {"privateKey": "0xabc", "walletAddress": "0xdef"}


def test_to_ccxt_config_without_credentials_is_empty() -> None:
    assert ExchangeConfig(name="binance").to_ccxt_config() == {}


@pytest.mark.parametrize(
    ("auth_type", "field"),
    [
        (AuthType.API_KEY, "private_key"),
        (AuthType.API_KEY, "wallet_address"),
        (AuthType.PRIVATE_KEY, "api_key"),
        (AuthType.PRIVATE_KEY, "passphrase"),
    ],
)
def test_credentials_of_the_other_auth_type_are_refused(auth_type: AuthType, field: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=field) as info:
        ExchangeConfig.model_validate({"name": "binance", "auth_type": auth_type, field: "XVALUE1"})
    assert "XVALUE1" not in repr(info.value.errors())


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("", "empty"),
        (" XSECRET42", "whitespace"),
        ("XSECRET42\n", "printable ASCII"),
        ("XSEC\x00RET42", "printable ASCII"),
        ("XSECRЕT42", "printable ASCII"),
        ("**********", "mask"),
    ],
)
def test_credentials_reject_near_misses_without_quoting_them(secret: str, reason: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=reason) as info:
        ExchangeConfig(name="binance", api_key=secret)  # type: ignore[arg-type]  # raw str
    assert "XSEC" not in str(info.value)
    assert "XSEC" not in repr(info.value.errors())
    assert "XSEC" not in info.value.json()


def test_bytes_credentials_are_wrapped_before_validation() -> None:
    config = ExchangeConfig(name="binance", api_key=b"XKEY")  # type: ignore[arg-type]  # bytes
    assert config.api_key is not None
    assert config.api_key.get_secret_value() == "XKEY"
    with pytest.raises(pydantic.ValidationError) as info:
        ExchangeConfig(name="binance", api_key=b"XKEY\n")  # type: ignore[arg-type]  # bytes
    assert "XKEY" not in repr(info.value.errors())


def test_credentials_may_hold_shell_metacharacters() -> None:
    config = ExchangeConfig(name="okx", passphrase=SecretStr("a$b&c|d;e`f"))
    assert config.passphrase is not None


def test_secrets_never_show_in_repr_str_or_json_dumps() -> None:
    config = ExchangeConfig(
        name="okx",
        api_key=SecretStr("KEY-123456789"),
        api_secret=SecretStr("SECRET-123456789"),
        passphrase=SecretStr("PASS-123456789"),
    )
    texts = [
        repr(config),
        str(config),
        config.model_dump_json(),
        str(config.model_dump(mode="json")),
    ]
    for text in texts:
        for value in ("KEY-123456789", "SECRET-123456789", "PASS-123456789"):
            assert value not in text


def test_secrets_never_show_in_errors_of_other_fields() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        ExchangeConfig.model_validate(
            {"name": "bad name", "api_key": "KEY-987654321", "sandbox": "maybe"}
        )
    assert "KEY-987654321" not in str(info.value)
    assert "KEY-987654321" not in repr(info.value.errors())
    assert "maybe" not in str(info.value)  # hide_input_in_errors


def test_python_dump_round_trips_with_secrets() -> None:
    config = ExchangeConfig(name="okx", api_key=SecretStr("k1"), api_secret=SecretStr("s1"))
    assert ExchangeConfig.model_validate(config.model_dump()) == config


# ----------------------------------------------------------------- validate_credentials


def test_validate_credentials_without_credentials_fails_before_importing_ccxt() -> None:
    config = ExchangeConfig(name="binance")
    with pytest.raises(AuthenticationError, match="binance"):
        config.validate_credentials()


def test_validate_credentials_with_partial_cex_credentials_is_an_authentication_error() -> None:
    config = ExchangeConfig(name="binance", api_key=SecretStr("only-the-key"))
    with pytest.raises(AuthenticationError) as info:
        config.validate_credentials()
    assert "only-the-key" not in str(info.value)


def test_validate_credentials_without_ccxt_names_the_exchange_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # ccxt is installed in the test environment; hide it so no call can leave the machine.
    monkeypatch.setitem(sys.modules, "ccxt", None)
    config = ExchangeConfig(name="binance", api_key=SecretStr("k"), api_secret=SecretStr("s"))
    with pytest.raises(MissingDependencyError, match=r"tradai-common\[exchange\]"):
        config.validate_credentials()


@pytest.mark.parametrize("timeout", [0, -1, 301, True, "10", float("nan")])
def test_validate_credentials_rejects_bad_timeouts(timeout: object) -> None:
    config = ExchangeConfig(name="binance", api_key=SecretStr("k"), api_secret=SecretStr("s"))
    with pytest.raises(ValidationError, match="timeout"):
        config.validate_credentials(timeout=timeout)  # type: ignore[arg-type]  # on purpose


def test_non_mapping_input_is_a_validation_error() -> None:
    with pytest.raises(pydantic.ValidationError):
        ExchangeConfig.model_validate("binance")
