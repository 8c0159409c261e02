"""The secrets cache engine: single flight, TTL with jitter, forced refresh, stale-while-error.

The fetch is a plain function here (the real one, against moto, is proved in
tests/integration/aws/test_secrets_manager_moto.py); time is a ManualClock.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

import pytest
from pydantic import SecretStr

from tradai.common.aws._secret_cache import SingleFlightCache
from tradai.common.exceptions import (
    AuthenticationError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
)
from tradai.common.protocols import ManualClock

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Source:
    """What the fetch reads: a value or an error, a call count, an optional gate."""

    def __init__(self, value: str = "v1") -> None:
        self.value = value
        self.error: BaseException | None = None
        self.calls = 0
        self.gate: threading.Event | None = None
        self.entered = threading.Event()

    def fetch(self, name: str) -> SecretStr:
        self.calls += 1
        value, error = self.value, self.error  # what the backend holds when the call starts
        self.entered.set()
        if self.gate is not None:
            self.gate.wait(5)
        if error is not None:
            raise error
        return SecretStr(f"{name}={value}")


def make(
    source: Source,
    clock: ManualClock,
    *,
    ttl: float = 60,
    jitter: float = 0.0,
    max_stale: float = 120,
    backoff: float = 5,
    rng: Callable[[], float] = lambda: 0.5,
) -> SingleFlightCache:
    return SingleFlightCache(
        source.fetch,
        ttl=dt.timedelta(seconds=ttl),
        jitter=jitter,
        max_stale=dt.timedelta(seconds=max_stale),
        backoff=dt.timedelta(seconds=backoff),
        clock=clock,
        rng=rng,
    )


def value(cache: SingleFlightCache, name: str = "s") -> str:
    return cache.get(name).get_secret_value()


def run_threads(
    count: int, target: Callable[[], object]
) -> tuple[list[object], list[BaseException]]:
    results: list[object] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def worker() -> None:
        barrier.wait()
        try:
            results.append(target())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results, errors


# ------------------------------------------------------------------ TTL


def test_a_value_is_served_from_the_cache_until_its_ttl_ends() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock, ttl=60)
    assert value(cache) == "s=v1"
    source.value = "v2"
    clock.advance(59.9)
    assert value(cache) == "s=v1"
    clock.advance(0.1)
    assert value(cache) == "s=v2"
    assert source.calls == 2


def test_jitter_shortens_the_ttl_by_at_most_its_fraction() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock, ttl=100, jitter=0.2, rng=lambda: 0.5)  # 100 * (1 - 0.1)
    value(cache)
    clock.advance(89.9)
    value(cache)
    assert source.calls == 1
    clock.advance(0.1)
    value(cache)
    assert source.calls == 2


def test_each_secret_has_its_own_entry() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock)
    assert (value(cache, "a"), value(cache, "b"), value(cache, "a")) == ("a=v1", "b=v1", "a=v1")
    assert source.calls == 2
    assert len(cache) == 2


def test_invalidate_forgets_one_secret_or_all() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock)
    value(cache, "a")
    value(cache, "b")
    cache.invalidate("a")
    value(cache, "a")
    value(cache, "b")
    assert source.calls == 3
    cache.invalidate()
    assert len(cache) == 0


# ------------------------------------------------------------------ single flight


def test_concurrent_misses_share_one_fetch() -> None:
    source, clock = Source(), ManualClock(T0)
    source.gate = threading.Event()
    cache = make(source, clock)
    threading.Timer(0.2, source.gate.set).start()
    results, errors = run_threads(32, lambda: value(cache))
    assert errors == []
    assert results == ["s=v1"] * 32
    assert source.calls == 1


def test_concurrent_misses_share_one_failure() -> None:
    source, clock = Source(), ManualClock(T0)
    source.error = NotFoundError("gone", resource="s")
    source.gate = threading.Event()
    cache = make(source, clock)
    threading.Timer(0.5, source.gate.set).start()  # a late thread would refetch
    results, errors = run_threads(16, lambda: value(cache))
    assert results == []
    assert len(errors) == 16
    assert all(isinstance(e, NotFoundError) for e in errors)
    assert source.calls == 1


def test_a_failed_fetch_is_not_cached() -> None:
    source, clock = Source(), ManualClock(T0)
    source.error = TransientError("throttled")
    cache = make(source, clock)
    with pytest.raises(TransientError):
        value(cache)
    source.error = None
    assert value(cache) == "s=v1"
    assert source.calls == 2


# ------------------------------------------------------------------ forced refresh


def test_refresh_fetches_now_even_while_the_value_is_fresh() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock)
    value(cache)
    source.value = "v2"
    cache.refresh("s")
    assert value(cache) == "s=v2"
    assert source.calls == 2


def test_refresh_does_not_accept_a_fetch_that_started_before_it_was_asked() -> None:
    source, clock = Source(), ManualClock(T0)
    source.gate = threading.Event()
    cache = make(source, clock)
    reader = threading.Thread(target=lambda: value(cache))
    reader.start()
    assert source.entered.wait(5)  # a fetch reading "v1" is in flight
    source.value = "v2"  # rotated while it runs
    refresher = threading.Thread(target=lambda: cache.refresh("s"))
    refresher.start()
    source.gate.set()
    reader.join(5)
    refresher.join(5)
    assert source.calls == 2
    assert value(cache) == "s=v2"


def test_concurrent_refreshes_share_fetches() -> None:
    source, clock = Source(), ManualClock(T0)
    value(make(source, clock))
    cache = make(source, clock)
    source.gate = threading.Event()
    threading.Timer(0.2, source.gate.set).start()
    _, errors = run_threads(16, lambda: cache.refresh("s"))
    assert errors == []
    # The first read, the gated refresh, one shared by everyone who waited for it (plus, on a
    # loaded machine, one for a thread that arrived late): never one per caller.
    assert source.calls <= 4


def test_a_failed_refresh_raises_and_keeps_a_fresh_value() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock)
    value(cache)
    source.error = AuthenticationError("denied")
    with pytest.raises(AuthenticationError):
        cache.refresh("s")
    assert value(cache) == "s=v1"


def test_a_failed_refresh_never_serves_stale() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock, ttl=10, max_stale=100)
    value(cache)
    clock.advance(11)
    source.error = TransientError("down")
    with pytest.raises(TransientError):
        cache.refresh("s")
    assert value(cache) == "s=v1"  # a plain read still may


# ------------------------------------------------------------------ stale-while-error


def test_an_external_error_serves_the_expired_value_then_fails_closed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    source, clock = Source("TOPSECRET"), ManualClock(T0)
    cache = make(source, clock, ttl=10, max_stale=30, backoff=5)
    value(cache)
    source.error = ExternalServiceError("secretsmanager is down")
    clock.advance(12)
    with caplog.at_level(logging.DEBUG, logger="tradai.common.aws"):
        assert value(cache) == "s=TOPSECRET"  # stale, 2 s past the TTL
        clock.advance(29)  # 41 s: past expires_at + max_stale
        with pytest.raises(ExternalServiceError):
            value(cache)
    assert "serving secret 's' past its TTL" in caplog.text
    assert "TOPSECRET" not in caplog.text
    source.error = None
    assert value(cache) == "s=TOPSECRET"  # the backend is back: fetched again


def test_while_serving_stale_refetches_wait_for_the_backoff() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock, ttl=10, max_stale=60, backoff=5)
    value(cache)
    source.error = TransientError("throttled")
    clock.advance(11)
    for _ in range(3):
        assert value(cache) == "s=v1"
    assert source.calls == 2  # one failed refetch; the others waited for the backoff
    clock.advance(5)
    value(cache)
    assert source.calls == 3
    source.error = None
    clock.advance(5)
    value(cache)
    clock.advance(5)
    value(cache)
    assert source.calls == 4  # recovered: a fresh TTL again


@pytest.mark.parametrize(
    "error", [NotFoundError("deleted"), AuthenticationError("denied"), ValueError("bug")]
)
def test_other_errors_fail_closed_at_once_and_drop_the_expired_value(
    error: Exception,
) -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock, ttl=10, max_stale=600)
    value(cache)
    clock.advance(11)
    source.error = error
    with pytest.raises(type(error)):
        value(cache)
    source.error = TransientError("now down")
    with pytest.raises(TransientError):  # nothing stale is left to serve
        value(cache)


def test_zero_max_stale_disables_stale_serving() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock, ttl=10, max_stale=0)
    value(cache)
    clock.advance(10.5)
    source.error = TransientError("down")
    with pytest.raises(TransientError):
        value(cache)


def test_concurrent_readers_of_an_expired_value_share_one_failing_fetch_and_get_stale() -> None:
    source, clock = Source(), ManualClock(T0)
    cache = make(source, clock, ttl=10, max_stale=60)
    value(cache)
    clock.advance(11)
    source.error = TransientError("down")
    source.gate = threading.Event()
    threading.Timer(0.2, source.gate.set).start()
    results, errors = run_threads(16, lambda: value(cache))
    assert errors == []
    assert results == ["s=v1"] * 16
    assert source.calls == 2
