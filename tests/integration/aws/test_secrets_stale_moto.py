"""Stale-while-error then fail-closed, with real failures: injected AWS errors and a stopped
moto server. Secret values never reach logs, reprs or errors."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service, start_moto_server
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.secrets_manager import SecretsManagerCache
from tradai.common.exceptions import AuthenticationError, TransientError
from tradai.common.protocols import ManualClock

pytestmark = pytest.mark.integration

NAME = "tradai/test/db"
VALUE = '{"password": "TOPSECRET-42"}'
LOGGER = "tradai.common.aws"


@pytest.fixture
def client(aws: Service) -> Any:
    # Two attempts: the SDK's real retry logic runs, its backoff stays short.
    factory = ClientFactory(config=ClientConfig(max_attempts=2))
    client = factory.client("secretsmanager")
    client.create_secret(Name=NAME, SecretString=VALUE)
    return client


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


def make(client: Any, clock: ManualClock) -> SecretsManagerCache:
    return SecretsManagerCache(
        client=client,
        clock=clock,
        ttl_seconds=60,
        jitter=0,
        max_stale_seconds=300,
        retry_backoff_seconds=10,
    )


def test_throttling_serves_the_stale_value_then_fails_closed(
    client: Any, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = make(client, clock)
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert cache.get_secret(NAME) == VALUE
        clock.advance(61)
        with inject_aws_error(
            client, code="ThrottlingException", status=400, operation="GetSecretValue"
        ) as fault:
            assert cache.get_secret(NAME) == VALUE  # stale
            assert fault.injected == 2  # one call, retried once by the SDK
            assert cache.get_secret(NAME) == VALUE  # within the backoff: no new call
            assert fault.injected == 2
            clock.advance(300)  # 361 s: past the TTL + max_stale bound
            with pytest.raises(TransientError) as info:
                cache.get_secret(NAME)
    assert info.value.context["operation"] == "GetSecretValue"
    assert info.value.context["resource"] == NAME
    assert f"serving secret {NAME!r} past its TTL" in caplog.text
    assert "TOPSECRET-42" not in caplog.text
    assert "TOPSECRET-42" not in str(info.value)
    assert cache.get_secret(NAME) == VALUE  # the fault is gone: fetched again


def test_access_denied_fails_closed_at_once(client: Any, clock: ManualClock) -> None:
    cache = make(client, clock)
    cache.get_secret(NAME)
    clock.advance(61)
    with inject_aws_error(client, code="AccessDeniedException", status=400) as fault:
        with pytest.raises(AuthenticationError):
            cache.get_secret(NAME)
    assert fault.injected == 1  # not retried, not served stale


def test_decryption_failure_is_an_authentication_error(client: Any, clock: ManualClock) -> None:
    with inject_aws_error(client, code="DecryptionFailure", status=400):
        with pytest.raises(AuthenticationError):
            make(client, clock).get_secret(NAME)


def test_a_stopped_secrets_manager_serves_stale_then_fails_closed_without_hanging(
    clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    private = start_moto_server()
    try:
        factory = ClientFactory(
            config=ClientConfig(max_attempts=2, connect_timeout=0.5, read_timeout=1)
        )
        client = factory.client("secretsmanager", endpoint_url=private.url)
        client.create_secret(Name=NAME, SecretString=VALUE)
        cache = make(client, clock)
        assert cache.get_secret(NAME) == VALUE
        private.stop()
        clock.advance(61)
        started = time.monotonic()
        with caplog.at_level(logging.DEBUG, logger=LOGGER):
            assert cache.get_secret(NAME) == VALUE  # stale while the service is down
            clock.advance(300)
            with pytest.raises(TransientError):
                cache.get_secret(NAME)  # past the bound: fail closed
        assert time.monotonic() - started < 10
        assert "TOPSECRET-42" not in caplog.text
    finally:
        private.stop()


def test_values_never_appear_in_reprs_or_debug_logs(
    client: Any, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    cache = make(client, clock)
    # The library's own records only: botocore itself logs response bodies at DEBUG.
    with caplog.at_level(logging.DEBUG, logger="tradai"):
        cache.get_secret(NAME)
        cache.get_secret_json(NAME)
        cache.refresh(NAME)
    assert "TOPSECRET-42" not in caplog.text
    assert "TOPSECRET-42" not in repr(cache)
    assert "TOPSECRET-42" not in str(cache)
