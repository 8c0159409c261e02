"""Secret names from settings/environment, the cache settings and value decoding."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from tradai.common.aws.secrets_manager import (
    SecretName,
    SecretsManagerCache,
    SecretsSettings,
    decode_secret_binary,
    decode_secret_json,
    secret_name_from_env,
    validate_secret_name,
)
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.settings import Settings

ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:tradai/binance-AbCdEf"
GOOD = ["tradai/prod/exchange/binance", "a", "A_b+c=d.e@f-g", "x" * 512, ARN]
BAD = [
    "",
    "-tradai",
    " tradai/s",
    "tradai/s ",
    "tradai/s\n",
    "tradai\x00s",
    "tradai/s;rm",
    "tradai|s",
    "tradai&s",
    "tradai$s",
    "tradai`s",
    "tradai/ѕ",  # Cyrillic 'ѕ'
    "tradai/１",  # fullwidth digit
    "x" * 513,
    "arn:aws:s3:::bucket",
    "arn:aws:secretsmanager:us-east-1:123:secret:x",  # account is not 12 digits
    None,
    5,
    b"tradai/s",
]


@pytest.mark.parametrize("name", GOOD)
def test_valid_secret_names_and_arns_are_accepted_unchanged(name: str) -> None:
    assert validate_secret_name(name) == name


@pytest.mark.parametrize("name", BAD)
def test_near_miss_secret_names_are_rejected_with_value_error(name: object) -> None:
    with pytest.raises(ValueError, match=r"ARN"):
        validate_secret_name(name)


@pytest.mark.parametrize("name", BAD)
def test_the_cache_rejects_bad_names_before_any_call(name: object) -> None:
    cache = SecretsManagerCache(client=object())  # no AWS call is attempted
    for call in (cache.get_secret, cache.get_secret_json, cache.refresh):
        with pytest.raises(ValidationError) as info:
            call(name)  # type: ignore[arg-type]  # deliberately wrong types too
        assert info.value.field == "name"


# ------------------------------------------------------------------ from the environment


def test_secret_name_from_env_reads_and_validates_the_name() -> None:
    env = {"EXCHANGE_SECRET_NAME": "tradai/prod/exchange/binance", "ARN_VAR": ARN}
    assert secret_name_from_env("EXCHANGE_SECRET_NAME", env) == "tradai/prod/exchange/binance"
    assert secret_name_from_env("ARN_VAR", env) == ARN


def test_secret_name_from_env_uses_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADAI_TEST_SECRET_NAME", "tradai/dev/db")
    assert secret_name_from_env("TRADAI_TEST_SECRET_NAME") == "tradai/dev/db"


@pytest.mark.parametrize(
    "raw", ["tradai/s;rm -rf", "-x", "tradai/s\n", "arn:aws:sns:us-east-1:1:x"]
)
def test_an_invalid_name_in_the_environment_is_a_validation_error_naming_the_variable(
    raw: str,
) -> None:
    with pytest.raises(ValidationError) as info:
        secret_name_from_env("EXCHANGE_SECRET_NAME", {"EXCHANGE_SECRET_NAME": raw})
    assert info.value.field == "EXCHANGE_SECRET_NAME"


@pytest.mark.parametrize("env", [{}, {"EXCHANGE_SECRET_NAME": ""}])
def test_an_unset_variable_is_a_configuration_error(env: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError) as info:
        secret_name_from_env("EXCHANGE_SECRET_NAME", env)
    assert info.value.setting == "EXCHANGE_SECRET_NAME"


@pytest.mark.parametrize("var", ["", "1ABC", "A-B", "A B", "A\n", "А", 7])
def test_a_bad_variable_name_is_a_validation_error(var: object) -> None:
    with pytest.raises(ValidationError) as info:
        secret_name_from_env(var, {})  # type: ignore[arg-type]  # deliberately wrong types
    assert info.value.field == "var"


def test_secret_name_type_validates_a_settings_field(monkeypatch: pytest.MonkeyPatch) -> None:
    class ServiceSettings(Settings):
        exchange_secret_name: SecretName

    monkeypatch.setenv("EXCHANGE_SECRET_NAME", "tradai/prod/binance")
    assert ServiceSettings.load().exchange_secret_name == "tradai/prod/binance"
    monkeypatch.setenv("EXCHANGE_SECRET_NAME", "tradai/prod/binance;id")
    with pytest.raises(pydantic.ValidationError, match="exchange_secret_name"):
        ServiceSettings.load()


# ------------------------------------------------------------------ settings


def test_settings_defaults_are_bounded() -> None:
    settings = SecretsSettings.load()
    assert settings.secrets_ttl_seconds == 300.0
    assert settings.secrets_ttl_jitter == 0.1
    assert settings.secrets_max_stale_seconds == 900.0
    assert settings.secrets_retry_backoff_seconds == 5.0


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRETS_TTL_SECONDS", "30")
    monkeypatch.setenv("SECRETS_MAX_STALE_SECONDS", "0")
    settings = SecretsSettings.load()
    assert (settings.secrets_ttl_seconds, settings.secrets_max_stale_seconds) == (30.0, 0.0)
    assert repr(SecretsManagerCache.from_settings(settings)).startswith(
        "SecretsManagerCache(ttl_seconds=30.0"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("secrets_ttl_seconds", 0),
        ("secrets_ttl_seconds", 86_401),
        ("secrets_ttl_jitter", 0.6),
        ("secrets_ttl_jitter", -0.1),
        ("secrets_max_stale_seconds", -1),
        ("secrets_retry_backoff_seconds", 0),
    ],
)
def test_settings_reject_out_of_range_values(field: str, value: float) -> None:
    overrides: dict[str, Any] = {field: value}
    with pytest.raises(pydantic.ValidationError, match=field):
        SecretsSettings.load(**overrides)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"ttl_seconds": 0}, "ttl_seconds"),
        ({"ttl_seconds": float("nan")}, "ttl_seconds"),
        ({"ttl_seconds": float("inf")}, "ttl_seconds"),
        ({"max_stale_seconds": -1}, "max_stale_seconds"),
        ({"retry_backoff_seconds": 0}, "retry_backoff_seconds"),
        ({"jitter": 0.51}, "jitter"),
        ({"jitter": float("nan")}, "jitter"),
    ],
)
def test_the_cache_rejects_out_of_range_arguments(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        SecretsManagerCache(**kwargs)  # type: ignore[arg-type]  # floats for typed kwargs
    assert info.value.field == field


# ------------------------------------------------------------------ decoding


def test_binary_values_are_decoded_as_utf8() -> None:
    assert decode_secret_binary("s", "é".encode()).get_secret_value() == "é"
    assert decode_secret_binary("s", bytearray(b"x")).get_secret_value() == "x"


def test_non_utf8_binary_is_a_validation_error_holding_nothing_of_the_value() -> None:
    with pytest.raises(ValidationError) as info:
        decode_secret_binary("tradai/key", b"\xffXKEY-1")
    assert "XKEY-1" not in str(info.value)
    assert "tradai/key" in str(info.value)
    assert info.value.__cause__ is None
    assert info.value.__context__ is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"api_key": "XKEY-1", ', "is not valid JSON"),
        ("XKEY-1", "is not valid JSON"),
        ('["XKEY-1"]', "must hold a JSON object"),
        ('"XKEY-1"', "must hold a JSON object"),
        ("null", "must hold a JSON object"),
    ],
)
def test_non_object_json_is_a_validation_error_that_never_echoes_the_value(
    text: str, problem: str
) -> None:
    with pytest.raises(ValidationError) as info:
        decode_secret_json("tradai/db", text)
    assert problem in str(info.value)
    assert "XKEY-1" not in str(info.value)
    assert "XKEY-1" not in repr(info.value)
    assert info.value.field == "secret"
    assert info.value.__cause__ is None
    assert info.value.__context__ is None  # JSONDecodeError.doc holds the whole secret


def test_json_objects_are_returned_as_new_dicts() -> None:
    first = decode_secret_json("s", '{"a": 1}')
    first["a"] = 2
    assert decode_secret_json("s", '{"a": 1}') == {"a": 1}
