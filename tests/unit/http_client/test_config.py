"""HttpClientConfig and HttpRetryConfig: bounded timeouts, safe URLs, secret headers hidden."""

from __future__ import annotations

import json
from typing import Any

import pydantic
import pytest
from pydantic import SecretStr

from tradai.common.http_client.client import HttpClientConfig, HttpRetryConfig

BASE = "https://api.example.com"


def test_defaults_always_set_timeouts_and_limits() -> None:
    config = HttpClientConfig(base_url=BASE)
    assert (config.connect_timeout, config.read_timeout, config.total_timeout) == (3.05, 30, 120)
    assert config.max_response_bytes == 10 * 1024 * 1024
    assert config.verify is True
    assert config.follow_redirects is False
    assert config.retry == HttpRetryConfig()
    assert config.retry.retry_non_idempotent is False


def test_trailing_slash_is_dropped_and_paths_are_kept() -> None:
    assert HttpClientConfig(base_url=f"{BASE}/api/").base_url == f"{BASE}/api"
    assert HttpClientConfig(base_url="http://127.0.0.1:8080").base_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "api.example.com",
        "ftp://api.example.com",
        "https://",
        "https://user:pw@api.example.com",
        "https://api.example.com?token=x",
        "https://api.example.com#frag",
        " https://api.example.com",
        "https://api.example.com\n",
        "https://api.exa mple.com",
        "https://api.example.com\x00",
        "https://аpi.example.com",  # Cyrillic 'а'
        "https://api.example.com:99999",
        "https://api.example.com:８０",  # fullwidth digits
        "javascript:alert(1)",
    ],
)
def test_near_miss_base_urls_are_refused(url: str) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        HttpClientConfig(base_url=url)
    assert info.value.errors()[0]["loc"] == ("base_url",)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("connect_timeout", 0),
        ("connect_timeout", -1),
        ("read_timeout", float("inf")),
        ("read_timeout", float("nan")),
        ("total_timeout", None),
        ("max_response_bytes", 0),
        ("verify", ""),
        ("verify", " /ca.pem"),
        ("service", "-svc"),
        ("service", "svc;rm"),
        ("correlation_header", "X Correlation"),
        ("correlation_header", "X-Id\r\n"),
        ("headers", {"Bad Name": "v"}),
        ("headers", {"X-Ok": "v\r\nInjected: 1"}),
        ("headers", {"X-Ok": "v\x00"}),
        ("headers", {"X-Ok": "v" * 9000}),
        ("retry", {"max_attempts": 0}),
        ("retry", {"max_attempts": 11}),
        ("retry", {"deadline": 0}),
        ("retry", {"retryable_status_codes": [200]}),
        ("retry", {"retryable_status_codes": [600]}),
        ("retry", {"backoff_base": 0.5}),
        ("retry", {"unknown": 1}),
    ],
)
def test_out_of_range_settings_are_refused_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        HttpClientConfig(base_url=BASE, **{field: value})
    assert info.value.errors()[0]["loc"][0] == field


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        HttpClientConfig(base_url=BASE, timeout=3)  # type: ignore[call-arg]  # no such field


def test_secret_looking_headers_move_to_secret_headers() -> None:
    config = HttpClientConfig(
        base_url=BASE,
        headers={
            "Authorization": "Bearer tok-123456",
            "X-API-Key": "key-123456",
            "Cookie": "session=abc123",
            "X-Auth-Token": "tok-987654",
            "Accept": "application/json",
        },
    )
    assert config.headers == {"Accept": "application/json"}
    assert set(config.secret_headers) == {"Authorization", "X-API-Key", "Cookie", "X-Auth-Token"}
    assert config.secret_headers["Authorization"].get_secret_value() == "Bearer tok-123456"


def test_secrets_never_appear_in_repr_str_or_json_dump() -> None:
    config = HttpClientConfig(
        base_url=BASE,
        headers={"Authorization": "Bearer tok-123456"},
        secret_headers={"X-Api-Key": SecretStr("key-123456")},
    )
    for text in (repr(config), str(config), json.dumps(config.model_dump(mode="json"))):
        assert "tok-123456" not in text
        assert "key-123456" not in text


def test_secret_values_never_appear_in_validation_errors() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        HttpClientConfig(base_url=BASE, headers={"Authorization": "Bearer tok-12\r\n3456"})
    assert "tok-12" not in str(info.value)
    with pytest.raises(pydantic.ValidationError) as info:
        HttpClientConfig(base_url="https://u:hunter2@h.example.com")
    assert "hunter2" not in str(info.value)


def test_a_header_given_as_plain_and_secret_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError):
        HttpClientConfig(
            base_url=BASE,
            headers={"Authorization": "a-123456"},
            secret_headers={"Authorization": SecretStr("b-123456")},
        )


def test_config_is_frozen_and_round_trips() -> None:
    config = HttpClientConfig(base_url=BASE, read_timeout=5, retry={"max_attempts": 5})
    with pytest.raises(pydantic.ValidationError):
        config.read_timeout = 1  # type: ignore[misc]  # frozen on purpose
    assert HttpClientConfig.model_validate(config.model_dump()) == config
    assert config.retry.max_attempts == 5


def test_verify_accepts_a_ca_bundle_path() -> None:
    assert HttpClientConfig(base_url=BASE, verify="/etc/ssl/ca.pem").verify == "/etc/ssl/ca.pem"
    assert HttpClientConfig(base_url=BASE, verify=False).verify is False
