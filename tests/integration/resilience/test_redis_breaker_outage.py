"""When Redis is unreachable the breaker follows its store's on_error policy."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import pytest

from support.services import free_port
from tradai.common.exceptions import ConfigurationError, ExternalServiceError, ValidationError
from tradai.common.resilience.circuit_breaker import CircuitBreaker, CircuitOpenError, CircuitState
from tradai.common.resilience.redis_store import RedisBreakerStore, StoreFailurePolicy

pytestmark = pytest.mark.integration


def fail() -> None:
    raise ConnectionError("down")


def dead_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def breaker_on(url: str, policy: StoreFailurePolicy, **kwargs: object) -> CircuitBreaker:
    store = RedisBreakerStore(url=url, on_error=policy, socket_timeout=0.2, **kwargs)  # type: ignore[arg-type]
    return CircuitBreaker("orders", failure_threshold=2, recovery_timeout=30, store=store)


def test_local_policy_falls_back_to_an_in_process_breaker(caplog: pytest.LogCaptureFixture) -> None:
    breaker = breaker_on(dead_url(), StoreFailurePolicy.LOCAL)
    with caplog.at_level(logging.WARNING, logger="tradai.common.resilience"):
        assert breaker.call(lambda: "ok") == "ok"
        for _ in range(2):
            with pytest.raises(ConnectionError):
                breaker.call(fail)
        with pytest.raises(CircuitOpenError):
            breaker.call(lambda: "ok")
    assert breaker.state is CircuitState.OPEN  # the fallback's view
    assert caplog.text.count("breaker state store unreachable") == 1


def test_local_fallback_resets_counts_and_releases_probes_locally() -> None:
    breaker = breaker_on(dead_url(), StoreFailurePolicy.LOCAL)
    assert breaker.state is CircuitState.CLOSED  # found unreachable by a snapshot
    with pytest.raises(ConnectionError):
        breaker.call(fail)
    assert breaker.call(lambda: "ok") == "ok"  # admitted and reported locally
    assert breaker.snapshot().failures == 0
    store = breaker.store
    store.release_probe("orders", -2)  # a fallback generation: released locally
    store.release_probe("orders", -1)  # an ALLOW admission: nothing to release
    assert store.record_failure("orders", breaker.params, -1) is None


def test_allow_policy_lets_calls_through_unguarded() -> None:
    breaker = breaker_on(dead_url(), StoreFailurePolicy.ALLOW)
    for _ in range(5):
        with pytest.raises(ConnectionError):
            breaker.call(fail)
    assert breaker.call(lambda: "ok") == "ok"
    assert breaker.state is CircuitState.CLOSED


def test_reject_policy_refuses_calls_with_external_service_error() -> None:
    breaker = breaker_on(dead_url(), StoreFailurePolicy.REJECT)
    ran = []
    with pytest.raises(ExternalServiceError) as info:
        breaker.call(lambda: ran.append(1))
    assert ran == []
    assert info.value.service == "redis"
    assert info.value.__cause__ is not None
    assert breaker.state is CircuitState.OPEN


def test_operator_overrides_raise_when_redis_is_down() -> None:
    breaker = breaker_on(dead_url(), StoreFailurePolicy.LOCAL)
    with pytest.raises(ExternalServiceError):
        breaker.force_open()
    with pytest.raises(ExternalServiceError):
        breaker.reset()


@pytest.fixture
def late_redis() -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A URL whose redis-server the test starts later (nothing listens at first)."""
    port = free_port()
    procs: list[subprocess.Popen[bytes]] = []
    yield f"redis://127.0.0.1:{port}/0", procs
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)


def start_redis_on(url: str, procs: list[subprocess.Popen[bytes]]) -> None:
    port = url.rsplit(":", 1)[1].split("/", maxsplit=1)[0]
    workdir = tempfile.mkdtemp(prefix="tradai-late-redis-")
    binary = shutil.which("redis-server")
    assert binary is not None
    procs.append(
        subprocess.Popen(
            [binary, "--port", port, "--bind", "127.0.0.1", "--save", "", "--dir", workdir],
            stdout=subprocess.DEVNULL,
        )
    )
    import redis

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            redis.Redis.from_url(url).ping()
            return
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    raise AssertionError("redis-server did not start")


def test_redis_is_tried_again_after_the_retry_interval(
    late_redis: tuple[str, list[subprocess.Popen[bytes]]], caplog: pytest.LogCaptureFixture
) -> None:
    url, procs = late_redis
    breaker = breaker_on(url, StoreFailurePolicy.LOCAL, retry_interval=0.2)
    with caplog.at_level(logging.WARNING, logger="tradai.common.resilience"):
        with pytest.raises(ConnectionError):
            breaker.call(fail)  # admitted by the fallback: reported to the fallback
        assert breaker.snapshot().failures == 1
        start_redis_on(url, procs)
        time.sleep(0.25)
        assert breaker.call(lambda: "ok") == "ok"
        assert breaker.snapshot().failures == 0  # Redis's fresh state
    assert "reachable again" in caplog.text


def test_missing_configuration_and_bad_numbers_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(ConfigurationError) as info:
        RedisBreakerStore()
    assert info.value.setting == "REDIS_URL"
    for kwargs in ({"retry_interval": 0}, {"socket_timeout": float("inf")}, {"key_ttl": 0}):
        with pytest.raises(ValidationError):
            RedisBreakerStore(url="redis://127.0.0.1:1/0", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        RedisBreakerStore(url="redis://127.0.0.1:1/0", on_error="explode")
