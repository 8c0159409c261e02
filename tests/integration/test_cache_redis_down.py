"""Redis down: the cache degrades to a miss with one warning, or raises when told to."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from pydantic import BaseModel

from support.services import free_port, start_redis
from tradai.common.cache import RedisCache, RedisSettings
from tradai.common.exceptions import TransientError

pytestmark = pytest.mark.integration

LOGGER = "tradai.common.cache"


class Quote(BaseModel):
    price: float


def _settings(port: int, timeout: float = 0.3) -> RedisSettings:
    return RedisSettings.load(
        redis_url=f"redis://127.0.0.1:{port}/0",
        redis_socket_timeout=timeout,
        redis_socket_connect_timeout=timeout,
    )


@pytest.fixture
def down_port() -> int:
    return int(free_port())  # nothing listens there


def test_reads_degrade_to_misses_with_one_warning_per_outage(
    down_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    cache = RedisCache(settings=_settings(down_port))
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        assert cache.get("k") is None
        assert cache.exists("k") is False
        cache.set("k", 1)  # skipped
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "redis GET failed" in warnings[0].getMessage()
    assert "degrades to a miss" in warnings[0].getMessage()
    assert [r.levelno for r in caplog.records].count(logging.DEBUG) == 2
    assert cache.health_check() is False


def test_get_or_set_still_returns_the_computed_value(down_port: int) -> None:
    cache = RedisCache(settings=_settings(down_port), cross_process_lock=True)
    assert cache.get_or_set("k", lambda: {"v": 1}) == {"v": 1}
    assert cache.get_or_set("q", lambda: {"price": 2.0}, model=Quote) == Quote(price=2.0)


def test_32_threads_still_share_one_factory_call_while_redis_is_down(down_port: int) -> None:
    cache = RedisCache(settings=_settings(down_port))
    calls: list[int] = []
    barrier = threading.Barrier(32)

    def factory() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 7

    def worker(_: int) -> int:
        barrier.wait()
        return int(cache.get_or_set("k", factory))

    with ThreadPoolExecutor(32) as pool:
        assert list(pool.map(worker, range(32))) == [7] * 32
    assert len(calls) == 1


def test_invalidations_always_raise_a_transient_error(down_port: int) -> None:
    cache = RedisCache(settings=_settings(down_port))
    with pytest.raises(TransientError) as info:
        cache.delete("k")
    assert info.value.context["operation"] == "DEL"
    assert info.value.context["key"] == "k"
    with pytest.raises(TransientError):
        cache.clear()


def test_on_error_raise_raises_translated_errors_before_the_factory_runs(down_port: int) -> None:
    cache = RedisCache(settings=_settings(down_port), on_error="raise")
    calls: list[int] = []
    with pytest.raises(TransientError) as info:
        cache.get("k")
    assert info.value.context == {
        "service": "redis",
        "operation": "GET",
        "error_code": "ConnectionError",
        "key": "k",
    }
    assert isinstance(info.value.__cause__, redis.exceptions.ConnectionError)
    with pytest.raises(TransientError):
        cache.get_or_set("k", lambda: calls.append(1))
    with pytest.raises(TransientError):
        cache.set("k", 1)
    with pytest.raises(TransientError):
        cache.exists("k")
    assert calls == []


def test_redis_stopped_mid_test_degrades_fast_and_never_hangs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = start_redis()
    try:
        cache = RedisCache(settings=RedisSettings.load(redis_url=service.url))
        cache.set("k", "cached")
        assert cache.get("k") == "cached"
    finally:
        service.stop()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert cache.get("k") is None
        assert cache.get_or_set("k", lambda: "computed") == "computed"
    assert time.monotonic() - started < 3
    assert "degrades to a miss" in caplog.text


def test_a_server_that_never_answers_is_cut_off_by_the_socket_timeout() -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never replies
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        cache = RedisCache(settings=_settings(silent.getsockname()[1], timeout=0.2))
        started = time.monotonic()
        assert cache.get("k") is None
        assert time.monotonic() - started < 1.5  # two attempts of 0.2 s plus backoff
        strict = RedisCache(
            settings=_settings(silent.getsockname()[1], timeout=0.2), on_error="raise"
        )
        with pytest.raises(TransientError) as info:
            strict.get("k")
        assert info.value.context["error_code"] == "TimeoutError"


@pytest.fixture
def late_redis(down_port: int) -> Iterator[Callable[[], None]]:
    procs: list[subprocess.Popen[bytes]] = []
    workdir = tempfile.mkdtemp(prefix="tradai-redis-late-")
    binary = shutil.which("redis-server")
    assert binary is not None

    def start() -> None:
        args = [binary, "--port", str(down_port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", workdir]
        procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL))
        client = redis.Redis(port=down_port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def test_the_cache_recovers_and_says_so_when_redis_comes_back(
    down_port: int,
    late_redis: Callable[[], None],
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = RedisCache(settings=_settings(down_port))
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert cache.get_or_set("k", lambda: 1) == 1  # computed, not stored
        late_redis()
        assert cache.get_or_set("k", lambda: 2) == 2  # stored now
        assert cache.get("k") == 2
    messages = [r.getMessage() for r in caplog.records]
    assert any("reachable again" in m for m in messages)
    assert sum("degrades to a miss" in m for m in messages) == 1


def test_redis_stopping_inside_the_factory_still_returns_its_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = start_redis()
    try:
        settings = RedisSettings.load(redis_url=service.url, redis_socket_timeout=0.5)
        cache = RedisCache(settings=settings, cross_process_lock=True)

        def factory() -> str:
            service.stop()  # the SET of the value and the lock release both fail
            return "computed"

        with caplog.at_level(logging.WARNING, logger=LOGGER):
            assert cache.get_or_set("k", factory) == "computed"
    finally:
        service.stop()
    assert "could not release cache lock" in caplog.text
    assert "redis SET failed" in caplog.text
