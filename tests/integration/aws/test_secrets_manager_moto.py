"""SecretsManagerCache against a real Secrets Manager API (the moto server).

GetSecretValue calls are counted with a botocore event handler on the real client.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import boto3
import pytest

from support.services import Service
from tradai.common.aws.secrets_manager import SecretsManagerCache, call_with_refresh
from tradai.common.exceptions import AuthenticationError, NotFoundError, ValidationError
from tradai.common.protocols import ManualClock

pytestmark = pytest.mark.integration

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NAME = "tradai/test/exchange/binance"


class Calls:
    """Records the parameters of every GetSecretValue call made by a client."""

    def __init__(self, client: Any, *, delay: float = 0.0) -> None:
        self.params: list[dict[str, Any]] = []
        self.delay = delay
        client.meta.events.register(
            "before-parameter-build.secrets-manager.GetSecretValue", self._record
        )

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.params.append(dict(params))
        time.sleep(self.delay)  # keeps the call in flight while other threads arrive

    @property
    def count(self) -> int:
        return len(self.params)


@pytest.fixture
def client(aws: Service) -> Any:
    return boto3.client("secretsmanager")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


def cache_for(client: Any, clock: ManualClock, **kwargs: Any) -> SecretsManagerCache:
    kwargs.setdefault("ttl_seconds", 60)
    kwargs.setdefault("jitter", 0)
    return SecretsManagerCache(client=client, clock=clock, **kwargs)


def read_in_threads(cache: SecretsManagerCache, count: int) -> list[str]:
    barrier = threading.Barrier(count)
    results: list[str] = []

    def worker() -> None:
        barrier.wait()
        results.append(cache.get_secret(NAME))

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_32_threads_reading_an_expired_secret_cause_exactly_one_fetch(
    client: Any, clock: ManualClock
) -> None:
    client.create_secret(Name=NAME, SecretString="v1")
    cache = cache_for(client, clock)
    assert cache.get_secret(NAME) == "v1"
    client.put_secret_value(SecretId=NAME, SecretString="v2")
    clock.advance(61)
    calls = Calls(client, delay=0.3)
    assert read_in_threads(cache, 32) == ["v2"] * 32
    assert calls.count == 1


def test_32_threads_reading_a_secret_not_yet_cached_cause_exactly_one_fetch(
    client: Any, clock: ManualClock
) -> None:
    client.create_secret(Name=NAME, SecretString="v1")
    calls = Calls(client, delay=0.3)
    assert read_in_threads(cache_for(client, clock), 32) == ["v1"] * 32
    assert calls.count == 1


def test_every_fetch_asks_for_the_awscurrent_stage_explicitly(
    client: Any, clock: ManualClock
) -> None:
    created = client.create_secret(Name=NAME, SecretString="v1")
    calls = Calls(client)
    cache = cache_for(client, clock)
    cache.get_secret(NAME)
    cache.get_secret(created["ARN"])
    assert calls.params == [
        {"SecretId": NAME, "VersionStage": "AWSCURRENT"},
        {"SecretId": created["ARN"], "VersionStage": "AWSCURRENT"},
    ]


def test_the_ttl_expires_on_the_injected_clock(client: Any, clock: ManualClock) -> None:
    client.create_secret(Name=NAME, SecretString="v1")
    cache = cache_for(client, clock)
    calls = Calls(client)
    assert cache.get_secret(NAME) == "v1"
    client.put_secret_value(SecretId=NAME, SecretString="v2")
    clock.advance(59)
    assert cache.get_secret(NAME) == "v1"
    clock.advance(1)
    assert cache.get_secret(NAME) == "v2"
    assert calls.count == 2


def test_secret_rotation_is_picked_up_after_a_forced_refresh(
    client: Any, clock: ManualClock
) -> None:
    client.create_secret(Name=NAME, SecretString='{"api_key": "old"}')
    cache = cache_for(client, clock)
    assert cache.get_secret_json(NAME) == {"api_key": "old"}
    client.put_secret_value(SecretId=NAME, SecretString='{"api_key": "new"}')
    assert cache.get_secret_json(NAME) == {"api_key": "old"}  # cached until the TTL
    cache.refresh(NAME)
    assert cache.get_secret_json(NAME) == {"api_key": "new"}


def test_a_rejected_credential_is_refreshed_once_and_the_call_retried(
    client: Any, clock: ManualClock
) -> None:
    client.create_secret(Name=NAME, SecretString="old-key")
    cache = cache_for(client, clock)
    cache.get_secret(NAME)
    client.put_secret_value(SecretId=NAME, SecretString="new-key")
    calls = Calls(client)
    used: list[str] = []

    def exchange(key: str) -> str:
        used.append(key)
        if key != "new-key":
            raise AuthenticationError("invalid API key")
        return "balance"

    assert call_with_refresh(cache, NAME, exchange) == "balance"
    assert used == ["old-key", "new-key"]
    assert calls.count == 1


def test_a_credential_rejected_after_refresh_is_not_retried_again(
    client: Any, clock: ManualClock
) -> None:
    client.create_secret(Name=NAME, SecretString="bad-key")
    cache = cache_for(client, clock)
    used: list[str] = []

    def exchange(key: str) -> str:
        used.append(key)
        raise AuthenticationError("invalid API key")

    with pytest.raises(AuthenticationError):
        call_with_refresh(cache, NAME, exchange)
    assert used == ["bad-key"]  # the refreshed value was the same: no second call


def test_a_binary_secret_is_decoded_as_utf8(client: Any, clock: ManualClock) -> None:
    client.create_secret(Name=NAME, SecretBinary='{"k": "é"}'.encode())
    assert cache_for(client, clock).get_secret_json(NAME) == {"k": "é"}


def test_a_non_utf8_binary_secret_is_a_validation_error(client: Any, clock: ManualClock) -> None:
    client.create_secret(Name=NAME, SecretBinary=b"\xffXKEY-1")
    with pytest.raises(ValidationError) as info:
        cache_for(client, clock).get_secret(NAME)
    assert "XKEY-1" not in str(info.value)


def test_a_missing_secret_is_not_found_naming_it(client: Any, clock: ManualClock) -> None:
    cache = cache_for(client, clock)
    for call in (cache.get_secret, cache.get_secret_json, cache.refresh):
        with pytest.raises(NotFoundError) as info:
            call("tradai/nope")
        assert info.value.context["error_code"] == "ResourceNotFoundException"
        assert info.value.context["operation"] == "GetSecretValue"
        assert info.value.resource == "tradai/nope"


def test_an_invalid_name_is_refused_before_any_call(client: Any, clock: ManualClock) -> None:
    calls = Calls(client)
    with pytest.raises(ValidationError):
        cache_for(client, clock).get_secret("tradai/s;rm -rf /")
    assert calls.count == 0


def test_the_default_client_comes_from_the_library_factory(client: Any, clock: ManualClock) -> None:
    client.create_secret(Name=NAME, SecretString="v1")
    assert SecretsManagerCache(clock=clock).get_secret(NAME) == "v1"


def test_invalidate_makes_the_next_read_fetch_again(client: Any, clock: ManualClock) -> None:
    client.create_secret(Name=NAME, SecretString="v1")
    cache = cache_for(client, clock)
    cache.get_secret(NAME)
    client.put_secret_value(SecretId=NAME, SecretString="v2")
    cache.invalidate(NAME)
    assert cache.get_secret(NAME) == "v2"
    cache.invalidate()
    assert repr(cache) == "SecretsManagerCache(ttl_seconds=60.0, cached=0)"
