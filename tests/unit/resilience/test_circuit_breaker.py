"""CircuitBreaker state machine: closed → open → half-open → closed/open, with a fake clock."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import pytest

from tradai.common.exceptions import ExternalServiceError, NotFoundError, ValidationError
from tradai.common.resilience.circuit_breaker import (
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    InMemoryBreakerStore,
    StateChange,
)


def fail() -> None:
    raise ConnectionError("refused")


def trip(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        with pytest.raises(ConnectionError):
            breaker.call(fail)


def make(clock: Any, **kwargs: Any) -> CircuitBreaker:
    kwargs.setdefault("failure_threshold", 3)
    kwargs.setdefault("recovery_timeout", 10.0)
    return CircuitBreaker("svc", clock=clock, **kwargs)


def test_consecutive_failures_open_the_breaker_at_the_threshold(clock: Any) -> None:
    breaker = make(clock)
    trip(breaker, 2)
    assert breaker.state is CircuitState.CLOSED
    assert breaker.snapshot().failures == 2
    trip(breaker, 1)
    assert breaker.state is CircuitState.OPEN
    assert breaker.is_open


def test_a_success_resets_the_consecutive_failure_count(clock: Any) -> None:
    breaker = make(clock)
    trip(breaker, 2)
    assert breaker.call(lambda: "ok") == "ok"
    assert breaker.snapshot().failures == 0
    trip(breaker, 2)
    assert breaker.state is CircuitState.CLOSED


def test_an_open_breaker_fails_fast_with_name_and_remaining_time(clock: Any) -> None:
    breaker = make(clock)
    trip(breaker, 3)
    clock.advance(4.0)
    ran = []
    with pytest.raises(CircuitOpenError) as info:
        breaker.call(lambda: ran.append(1))
    assert ran == []
    err = info.value
    assert isinstance(err, ExternalServiceError)
    assert not err.retryable
    assert (err.breaker, err.state, err.service) == ("svc", "open", "svc")
    assert err.remaining == pytest.approx(6.0)


def test_after_the_recovery_timeout_one_probe_success_closes_it(clock: Any) -> None:
    breaker = make(clock)
    trip(breaker, 3)
    clock.advance(10.0)
    assert breaker.call(lambda: "probe ok") == "probe ok"
    assert breaker.state is CircuitState.CLOSED
    assert breaker.snapshot().failures == 0


def test_a_failed_probe_reopens_for_another_timeout(clock: Any) -> None:
    breaker = make(clock)
    trip(breaker, 3)
    clock.advance(10.0)
    trip(breaker, 1)
    assert breaker.state is CircuitState.OPEN
    clock.advance(9.0)
    with pytest.raises(CircuitOpenError):
        breaker.call(lambda: None)
    clock.advance(1.0)
    breaker.call(lambda: None)
    assert breaker.state is CircuitState.CLOSED


def test_while_the_probe_runs_other_calls_are_refused(clock: Any) -> None:
    breaker = make(clock, probe_timeout=5.0)
    trip(breaker, 3)
    clock.advance(10.0)
    refused: list[CircuitOpenError] = []

    def probe() -> str:
        with pytest.raises(CircuitOpenError) as info:
            breaker.call(lambda: "second")
        refused.append(info.value)
        return "probe"

    assert breaker.call(probe) == "probe"
    assert refused[0].state == "half_open"
    assert refused[0].remaining == pytest.approx(5.0)


def test_a_probe_that_outlives_its_lease_lets_another_call_probe(clock: Any) -> None:
    breaker = make(clock, probe_timeout=5.0)
    trip(breaker, 3)
    clock.advance(10.0)
    outcomes = []

    def stuck_probe() -> None:
        clock.advance(6.0)  # the lease ran out while this probe "hung"
        outcomes.append(breaker.call(lambda: "second probe"))
        raise ConnectionError("late failure of the first probe")

    with pytest.raises(ConnectionError):
        breaker.call(stuck_probe)
    assert outcomes == ["second probe"]
    # the late failure of the first probe was reported with a stale generation: ignored
    assert breaker.state is CircuitState.CLOSED


def test_a_slow_call_started_before_opening_cannot_flip_the_state(clock: Any) -> None:
    breaker = make(clock, failure_threshold=1)

    def slow_success() -> str:
        trip(breaker, 1)  # another caller opens the breaker meanwhile
        return "late"

    assert breaker.call(slow_success) == "late"
    assert breaker.state is CircuitState.OPEN


def test_excluded_exceptions_do_not_count_and_close_a_probe(clock: Any) -> None:
    breaker = make(clock, excluded=(NotFoundError,))

    def missing() -> None:
        raise NotFoundError("no such run")

    trip(breaker, 2)
    with pytest.raises(NotFoundError):
        breaker.call(missing)
    assert breaker.snapshot().failures == 0
    trip(breaker, 3)
    clock.advance(10.0)
    with pytest.raises(NotFoundError):
        breaker.call(missing)
    assert breaker.state is CircuitState.CLOSED


def test_base_exceptions_in_a_probe_give_the_token_back_without_an_outcome(clock: Any) -> None:
    breaker = make(clock)
    trip(breaker, 3)
    clock.advance(10.0)

    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        breaker.call(interrupted)
    assert breaker.state is CircuitState.HALF_OPEN
    assert not breaker.snapshot().probe_in_flight
    assert breaker.call(lambda: 1) == 1
    assert breaker.state is CircuitState.CLOSED


def test_listeners_hear_every_transition_and_a_failing_listener_is_ignored(
    clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    events: list[StateChange] = []

    def broken(event: StateChange) -> None:
        raise RuntimeError("listener bug")

    breaker = make(clock, failure_threshold=1, listeners=[broken, events.append])
    with caplog.at_level(logging.INFO, logger="tradai.common.resilience"):
        trip(breaker, 1)
        clock.advance(10.0)
        breaker.call(lambda: None)
    assert [(e.old.value, e.new.value) for e in events] == [
        ("closed", "open"),
        ("open", "half_open"),
        ("half_open", "closed"),
    ]
    assert {e.breaker for e in events} == {"svc"}
    assert "a state listener failed" in caplog.text


def test_listeners_can_be_added_and_removed(clock: Any) -> None:
    events: list[StateChange] = []
    breaker = make(clock, failure_threshold=1)
    breaker.add_listener(events.append)
    breaker.force_open()
    breaker.remove_listener(events.append)
    breaker.remove_listener(print)  # absent: no error
    breaker.reset()
    assert [(e.old, e.new) for e in events] == [(CircuitState.CLOSED, CircuitState.OPEN)]


def test_reset_and_force_open_are_operator_overrides(clock: Any) -> None:
    breaker = make(clock)
    breaker.reset()  # already closed: no transition
    breaker.force_open()
    breaker.force_open()  # already open: no transition
    with pytest.raises(CircuitOpenError):
        breaker.call(lambda: None)
    breaker.reset()
    assert breaker.call(lambda: 2) == 2


def test_the_decorator_guards_sync_functions_and_keeps_metadata(clock: Any) -> None:
    breaker = make(clock, failure_threshold=1)

    @breaker
    def lookup(key: str) -> str:
        """Look up."""
        if key == "bad":
            raise ConnectionError
        return key.upper()

    assert lookup("a") == "A"
    assert lookup.__doc__ == "Look up."
    with pytest.raises(ConnectionError):
        lookup("bad")
    with pytest.raises(CircuitOpenError):
        lookup("a")
    clock.advance(10.0)
    assert lookup("b") == "B"


def test_the_decorator_rejects_generator_functions(clock: Any) -> None:
    breaker = make(clock)

    def gen() -> Any:
        yield 1

    with pytest.raises(ValidationError):
        breaker(gen)


def test_breakers_sharing_an_in_memory_store_and_name_share_state(clock: Any) -> None:
    store = InMemoryBreakerStore(clock=clock)
    a = CircuitBreaker("shared", failure_threshold=1, store=store)
    b = CircuitBreaker("shared", failure_threshold=1, store=store)
    trip(a, 1)
    assert b.state is CircuitState.OPEN
    assert a.store is store


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"failure_threshold": 0}, "failure_threshold"),
        ({"failure_threshold": True}, "failure_threshold"),
        ({"recovery_timeout": 0}, "recovery_timeout"),
        ({"recovery_timeout": float("inf")}, "recovery_timeout"),
        ({"probe_timeout": -1}, "probe_timeout"),
        ({"excluded": [KeyError]}, "excluded"),
        ({"excluded": (KeyError, "x")}, "excluded"),
        ({"store": InMemoryBreakerStore(), "clock": lambda: 0.0}, "clock"),
    ],
)
def test_bad_parameters_are_refused_naming_the_field(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        CircuitBreaker("svc", **kwargs)
    assert info.value.field == field


@pytest.mark.parametrize("name", ["", " svc", "svc\n", "-svc", "svc;rm", "ѕvc", "a/../b"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError) as info:
        CircuitBreaker(name)
    assert info.value.field == "name"


def test_repr_params_and_default_clock() -> None:
    breaker = CircuitBreaker("mlflow", failure_threshold=2, recovery_timeout=3, probe_timeout=4)
    assert repr(breaker) == "CircuitBreaker('mlflow', state='closed')"
    assert breaker.params.failure_threshold == 2
    assert breaker.params.recovery_timeout == 3.0
    assert breaker.name == "mlflow"


def test_circuit_open_error_pickles_with_its_attributes() -> None:
    err = CircuitOpenError("svc", remaining=1.25, state="open")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.breaker, copy.remaining, copy.state, str(copy)) == (
        "svc",
        1.25,
        "open",
        str(err),
    )


def test_a_decorated_success_after_failures_resets_the_count(clock: Any) -> None:
    breaker = make(clock)
    calls = []

    @breaker
    def flaky() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError
        return "ok"

    with pytest.raises(ConnectionError):
        flaky()
    assert breaker.snapshot().failures == 1
    assert flaky() == "ok"
    assert breaker.snapshot().failures == 0
