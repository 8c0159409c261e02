"""One contract for the secrets port: the in-memory twin and the real adapter on moto."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from tradai.common.aws.memory.secrets import InMemorySecretsStore
from tradai.common.aws.secrets_manager import SecretsManagerCache, SecretsStore, call_with_refresh
from tradai.common.exceptions import AuthenticationError, NotFoundError, ValidationError
from tradai.common.protocols import SecretsProvider

NAME = "tradai/contract/exchange"


@dataclass
class Backend:
    """A store under test plus the way to write to what it reads."""

    store: SecretsStore
    put: Callable[[str, str | bytes], None]
    rotate: Callable[[str, str], None]


def _memory() -> Backend:
    store = InMemorySecretsStore()
    return Backend(store, store.put_secret, store.rotate)


def _moto(request: pytest.FixtureRequest) -> Backend:
    request.getfixturevalue("aws")  # a wiped moto server
    client = boto3.client("secretsmanager")

    def put(name: str, value: str | bytes) -> None:
        key = "SecretBinary" if isinstance(value, bytes) else "SecretString"
        client.create_secret(Name=name, **{key: value})

    def rotate(name: str, value: str) -> None:
        client.put_secret_value(SecretId=name, SecretString=value)

    return Backend(SecretsManagerCache(client=client), put, rotate)


@pytest.fixture(params=["memory", pytest.param("moto", marks=pytest.mark.integration)])
def backend(request: pytest.FixtureRequest) -> Backend:
    return _memory() if request.param == "memory" else _moto(request)


def test_the_store_satisfies_the_port(backend: Backend) -> None:
    assert isinstance(backend.store, SecretsStore)
    assert isinstance(backend.store, SecretsProvider)


def test_a_text_secret_is_read_back(backend: Backend) -> None:
    backend.put(NAME, "s3cr3t value")
    assert backend.store.get_secret(NAME) == "s3cr3t value"


def test_a_json_secret_is_decoded_to_a_dict(backend: Backend) -> None:
    backend.put(NAME, json.dumps({"api_key": "k", "n": 1}))
    assert backend.store.get_secret_json(NAME) == {"api_key": "k", "n": 1}


def test_a_binary_secret_is_decoded_as_utf8(backend: Backend) -> None:
    backend.put(NAME, "clé".encode())
    assert backend.store.get_secret(NAME) == "clé"


@pytest.mark.parametrize(
    ("method", "raw"),
    [
        ("get_secret", b"\xffXKEY-1"),
        ("get_secret_json", '{"api_key": "XKEY-1", '),
        ("get_secret_json", '["XKEY-1"]'),
    ],
)
def test_undecodable_values_are_validation_errors_without_the_value(
    backend: Backend, method: str, raw: str | bytes
) -> None:
    backend.put(NAME, raw)
    with pytest.raises(ValidationError) as info:
        getattr(backend.store, method)(NAME)
    assert info.value.field == "secret"
    assert NAME in str(info.value)
    assert "XKEY-1" not in str(info.value)
    assert info.value.__context__ is None


@pytest.mark.parametrize("method", ["get_secret", "get_secret_json", "refresh"])
def test_a_missing_secret_is_not_found(backend: Backend, method: str) -> None:
    with pytest.raises(NotFoundError) as info:
        getattr(backend.store, method)("tradai/contract/missing")
    assert info.value.resource == "tradai/contract/missing"
    assert info.value.context["error_code"] == "ResourceNotFoundException"
    assert info.value.context["operation"] == "GetSecretValue"


@pytest.mark.parametrize("method", ["get_secret", "get_secret_json", "refresh"])
@pytest.mark.parametrize("name", ["", "-x", "tradai/s\n", "tradai s", "tradai/ѕ", "arn:aws:s3:::b"])
def test_an_invalid_name_is_a_validation_error(backend: Backend, method: str, name: str) -> None:
    with pytest.raises(ValidationError) as info:
        getattr(backend.store, method)(name)
    assert info.value.field == "name"


def test_a_rotation_is_read_after_a_refresh(backend: Backend) -> None:
    backend.put(NAME, "v1")
    assert backend.store.get_secret(NAME) == "v1"
    backend.rotate(NAME, "v2")
    backend.store.refresh(NAME)
    assert backend.store.get_secret(NAME) == "v2"


def test_call_with_refresh_retries_once_with_the_rotated_value(backend: Backend) -> None:
    backend.put(NAME, "old")
    backend.store.get_secret(NAME)
    used: list[str] = []

    def exchange(key: str) -> str:
        used.append(key)
        if key == "old":
            backend.rotate(NAME, "new")
            raise AuthenticationError("rejected")
        return "ok"

    assert call_with_refresh(backend.store, NAME, exchange) == "ok"
    assert used == ["old", "new"]


def test_call_with_refresh_gives_up_when_the_value_did_not_change(backend: Backend) -> None:
    backend.put(NAME, "bad")
    used: list[Any] = []

    def exchange(key: str) -> str:
        used.append(key)
        raise AuthenticationError("rejected")

    with pytest.raises(AuthenticationError):
        call_with_refresh(backend.store, NAME, exchange)
    assert used == ["bad"]
