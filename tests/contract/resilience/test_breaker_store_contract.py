"""One contract for breaker-state stores: the in-memory twin and Redis behave the same."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tradai.common.resilience._breaker_store import BreakerParams, Transition
from tradai.common.resilience.circuit_breaker import (
    BreakerStore,
    CircuitState,
    InMemoryBreakerStore,
)

CLOSED, OPEN, HALF = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
PARAMS = BreakerParams(failure_threshold=2, recovery_timeout=10.0, probe_lease=5.0)
NAME = "contract"


class WallClock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> WallClock:
    return WallClock()


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.integration)])
def store(request: pytest.FixtureRequest, clock: WallClock) -> Iterator[BreakerStore]:
    if request.param == "memory":
        yield InMemoryBreakerStore(clock=clock)
        return
    request.getfixturevalue("redis_server")
    from tradai.common.resilience.redis_store import RedisBreakerStore

    redis_store = RedisBreakerStore(key_prefix=f"test:{uuid.uuid4().hex}:", clock=clock)
    yield redis_store
    redis_store.close()


def open_it(store: BreakerStore) -> None:
    gen = store.admit(NAME, PARAMS).generation
    assert store.record_failure(NAME, PARAMS, gen) is None
    assert store.record_failure(NAME, PARAMS, gen) == Transition(CLOSED, OPEN)


def test_a_new_breaker_is_closed_and_admits(store: BreakerStore) -> None:
    admission = store.admit(NAME, PARAMS)
    assert (admission.allowed, admission.probe, admission.state) == (True, False, CLOSED)
    snap = store.snapshot(NAME)
    assert (snap.state, snap.failures, snap.opened_at, snap.probe_in_flight) == (
        CLOSED,
        0,
        None,
        False,
    )


def test_failures_up_to_the_threshold_open_it(store: BreakerStore, clock: WallClock) -> None:
    open_it(store)
    snap = store.snapshot(NAME)
    assert (snap.state, snap.failures, snap.opened_at) == (OPEN, 2, clock.now)


def test_a_success_resets_the_failure_count(store: BreakerStore) -> None:
    gen = store.admit(NAME, PARAMS).generation
    store.record_failure(NAME, PARAMS, gen)
    assert store.admit(NAME, PARAMS).failures == 1
    assert store.record_success(NAME, PARAMS, gen) is None
    assert store.snapshot(NAME).failures == 0


def test_open_refuses_with_the_remaining_time(store: BreakerStore, clock: WallClock) -> None:
    open_it(store)
    clock.now += 4
    admission = store.admit(NAME, PARAMS)
    assert (admission.allowed, admission.state) == (False, OPEN)
    assert admission.remaining == pytest.approx(6.0)


def test_after_the_timeout_exactly_one_probe_is_granted(
    store: BreakerStore, clock: WallClock
) -> None:
    open_it(store)
    clock.now += 10
    probe = store.admit(NAME, PARAMS)
    assert (probe.allowed, probe.probe, probe.state) == (True, True, HALF)
    assert probe.transition == Transition(OPEN, HALF)
    other = store.admit(NAME, PARAMS)
    assert (other.allowed, other.state) == (False, HALF)
    assert other.remaining == pytest.approx(5.0)
    assert store.snapshot(NAME).probe_in_flight


def test_a_probe_success_closes_and_a_failure_reopens(
    store: BreakerStore, clock: WallClock
) -> None:
    open_it(store)
    clock.now += 10
    probe = store.admit(NAME, PARAMS)
    assert store.record_failure(NAME, PARAMS, probe.generation) == Transition(HALF, OPEN)
    assert store.snapshot(NAME).opened_at == clock.now
    clock.now += 10
    probe = store.admit(NAME, PARAMS)
    assert store.record_success(NAME, PARAMS, probe.generation) == Transition(HALF, CLOSED)
    snap = store.snapshot(NAME)
    assert (snap.state, snap.failures) == (CLOSED, 0)


def test_outcomes_with_a_stale_generation_are_ignored(
    store: BreakerStore, clock: WallClock
) -> None:
    early = store.admit(NAME, PARAMS).generation
    open_it(store)
    clock.now += 10
    probe = store.admit(NAME, PARAMS)
    assert store.record_failure(NAME, PARAMS, early) is None
    assert store.record_success(NAME, PARAMS, early) is None
    assert store.snapshot(NAME).state is HALF
    assert store.record_success(NAME, PARAMS, probe.generation) == Transition(HALF, CLOSED)


def test_an_expired_probe_lease_lets_another_call_probe(
    store: BreakerStore, clock: WallClock
) -> None:
    open_it(store)
    clock.now += 10
    first = store.admit(NAME, PARAMS)
    clock.now += 5
    second = store.admit(NAME, PARAMS)
    assert (second.allowed, second.probe, second.transition) == (True, True, None)
    assert second.generation != first.generation
    assert store.record_failure(NAME, PARAMS, first.generation) is None
    assert store.record_success(NAME, PARAMS, second.generation) == Transition(HALF, CLOSED)


def test_releasing_a_probe_frees_the_token(store: BreakerStore, clock: WallClock) -> None:
    open_it(store)
    clock.now += 10
    probe = store.admit(NAME, PARAMS)
    store.release_probe(NAME, probe.generation + 100)  # not the probe's: ignored
    assert not store.admit(NAME, PARAMS).allowed
    store.release_probe(NAME, probe.generation)
    assert not store.snapshot(NAME).probe_in_flight
    assert store.admit(NAME, PARAMS).probe


def test_reset_and_force_open(store: BreakerStore, clock: WallClock) -> None:
    assert store.reset(NAME) is None
    assert store.force_open(NAME) == Transition(CLOSED, OPEN)
    assert store.force_open(NAME) is None
    assert store.snapshot(NAME).opened_at == clock.now
    assert not store.admit(NAME, PARAMS).allowed
    assert store.reset(NAME) == Transition(OPEN, CLOSED)
    assert store.admit(NAME, PARAMS).allowed


def test_names_are_independent(store: BreakerStore) -> None:
    open_it(store)
    assert store.admit("other", PARAMS).allowed
    assert store.snapshot("other").state is CLOSED
