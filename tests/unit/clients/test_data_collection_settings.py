"""Client settings: URL checks, the token as a secret, environment loading, HTTP config."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from tradai.common.clients._data_collection_base import _http_config
from tradai.common.clients.data_collection_client import (
    DataCollectionClientSettings,
    DataCollectionClientSettingsMixin,
)

TOKEN = "tok-SECRET-settings"


def test_environment_variables_are_the_upper_case_field_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATA_COLLECTION_URL", "https://data.internal/")
    monkeypatch.setenv("DATA_COLLECTION_TOKEN", TOKEN)
    monkeypatch.setenv("DATA_COLLECTION_READ_TIMEOUT", "7.5")
    settings = DataCollectionClientSettings.load()
    assert settings.data_collection_url == "https://data.internal"
    assert settings.data_collection_read_timeout == 7.5
    assert settings.data_collection_token is not None
    assert settings.data_collection_token.get_secret_value() == TOKEN


def test_the_token_never_shows_in_repr_dump_or_errors() -> None:
    settings = DataCollectionClientSettingsMixin(
        data_collection_url="https://data.internal", data_collection_token=TOKEN
    )
    assert TOKEN not in repr(settings) + str(settings.model_dump(mode="json"))
    with pytest.raises(pydantic.ValidationError) as info:
        DataCollectionClientSettingsMixin(data_collection_token=TOKEN + " x")
    assert TOKEN not in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "data.internal",
        "ftp://data.internal",
        "https://user:pass@data.internal",
        "https://data.internal?x=1",
        "https://data.internal#f",
        " https://data.internal",
        "https://data.internal\n",
        "https://dаta.internal",  # Cyrillic а
        "https://data.internal:99999",
    ],
)
def test_malformed_urls_are_refused(url: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        DataCollectionClientSettingsMixin(data_collection_url=url)
    assert info.value.errors()[0]["loc"] == ("data_collection_url",)


@pytest.mark.parametrize(
    "field",
    [
        {"data_collection_token": ""},
        {"data_collection_token": "a\nb"},
        {"data_collection_token": "tök"},
        {"data_collection_read_timeout": 0},
        {"data_collection_max_attempts": 11},
        {"data_collection_breaker_failures": 0},
        {"data_collection_verify_ssl": "yes"},
        {"data_collection_unknown": 1},
    ],
)
def test_out_of_range_fields_are_refused(field: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        DataCollectionClientSettingsMixin(**field)


def test_the_http_config_carries_the_token_as_a_secret_bearer_header() -> None:
    settings = DataCollectionClientSettingsMixin(
        data_collection_url="https://data.internal",
        data_collection_token=TOKEN,
        data_collection_max_attempts=5,
        data_collection_verify_ssl=False,
    )
    config = _http_config(settings)
    assert config.secret_headers["Authorization"].get_secret_value() == f"Bearer {TOKEN}"
    assert "Authorization" not in config.headers
    assert (config.retry.max_attempts, config.verify, config.service) == (
        5,
        False,
        "data-collection",
    )
    assert TOKEN not in repr(config)
    assert _http_config(DataCollectionClientSettingsMixin(data_collection_url="http://x"))
