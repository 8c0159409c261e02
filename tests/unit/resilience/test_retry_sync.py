"""Sync retry: bounded by attempts and deadline, honours server delays, re-raises the original."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tradai.common.exceptions import TransientError
from tradai.common.resilience.retry import RetryConfig, Retrying, retry


class Flaky:
    """Fails ``failures`` times with ``exc_factory()``, then returns ``"ok"``."""

    def __init__(self, failures: int, exc_factory: Any = lambda: ConnectionError("reset")) -> None:
        self.failures = failures
        self.exc_factory = exc_factory
        self.calls = 0
        self.raised: list[BaseException] = []

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            exc = self.exc_factory()
            self.raised.append(exc)
            raise exc
        return "ok"


def test_a_transient_failure_is_retried_until_success(clock: Any) -> None:
    flaky = Flaky(2)
    wrapped = retry(on=ConnectionError, attempts=3, sleep=clock.sleep, clock=clock)(flaky)
    assert wrapped() == "ok"
    assert flaky.calls == 3
    assert len(clock.sleeps) == 2


def test_giving_up_reraises_the_original_exception_object_unchained(clock: Any) -> None:
    flaky = Flaky(10)
    wrapped = retry(on=ConnectionError, attempts=3, sleep=clock.sleep, clock=clock)(flaky)
    with pytest.raises(ConnectionError) as info:
        wrapped()
    assert info.value is flaky.raised[-1]
    assert info.value.__context__ is None
    assert flaky.calls == 3


def test_an_exception_not_named_in_on_is_raised_at_once(clock: Any) -> None:
    flaky = Flaky(1, lambda: KeyError("bad input"))
    with pytest.raises(KeyError):
        retry(on=ConnectionError, sleep=clock.sleep, clock=clock)(flaky)()
    assert flaky.calls == 1


def test_a_later_non_retryable_exception_stops_the_retry(clock: Any) -> None:
    errors = iter([ConnectionError("a"), KeyError("b")])

    def fn() -> None:
        raise next(errors)

    with pytest.raises(KeyError):
        retry(on=ConnectionError, attempts=5, sleep=clock.sleep, clock=clock)(fn)()
    assert len(clock.sleeps) == 1


def test_keyboard_interrupt_is_never_retried_even_when_named(clock: Any) -> None:
    flaky = Flaky(1, KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        retry(on=BaseException, sleep=clock.sleep, clock=clock)(flaky)()
    assert flaky.calls == 1


def test_waits_use_full_jitter_with_an_exponential_ceiling(clock: Any) -> None:
    flaky = Flaky(4)
    wrapped = retry(
        on=ConnectionError,
        attempts=5,
        wait_initial=1.0,
        wait_max=3.0,
        rng=lambda: 0.5,
        sleep=clock.sleep,
        clock=clock,
    )(flaky)
    wrapped()
    assert clock.sleeps == [0.5, 1.0, 1.5, 1.5]


def test_the_deadline_stops_retrying_before_attempts_run_out(clock: Any) -> None:
    def slow_failure() -> None:
        clock.advance(4.0)
        raise ConnectionError("timeout")

    calls = Flaky(0)
    wrapped = retry(
        on=ConnectionError,
        attempts=100,
        deadline=10.0,
        wait_initial=0.0,
        sleep=clock.sleep,
        clock=clock,
    )(lambda: (calls(), slow_failure()))
    with pytest.raises(ConnectionError):
        wrapped()
    # the deadline counts from the first failure (t=0); failures at t=4 and t=8 are retried,
    # the one at t=12 is past the 10 s deadline
    assert calls.calls == 4


def test_a_server_provided_delay_replaces_the_backoff_and_is_capped(clock: Any) -> None:
    flaky = Flaky(2, lambda: TransientError("throttled", retry_after=120))
    wrapped = retry(
        on=TransientError, retry_after_max=7.0, deadline=60.0, sleep=clock.sleep, clock=clock
    )(flaky)
    assert wrapped() == "ok"
    assert clock.sleeps == [7.0, 7.0]


def test_a_custom_retry_after_extractor_is_used(clock: Any) -> None:
    class ThrottledError(Exception):
        wait_ms = 2500

    flaky = Flaky(1, ThrottledError)
    wrapped = retry(
        on=ThrottledError,
        retry_after=lambda exc: getattr(exc, "wait_ms", 0) / 1000,
        sleep=clock.sleep,
        clock=clock,
    )(flaky)
    wrapped()
    assert clock.sleeps == [2.5]


def test_retry_on_result_retries_and_returns_the_last_result_when_giving_up(clock: Any) -> None:
    results = iter([None, None, "late"])
    wrapped = retry(
        on=OSError, retry_on_result=lambda r: r is None, sleep=clock.sleep, clock=clock
    )(lambda: next(results))
    assert wrapped() == "late"
    always_none = retry(
        on=OSError, retry_on_result=lambda r: r is None, attempts=2, sleep=clock.sleep, clock=clock
    )(lambda: None)
    assert always_none() is None


def test_the_decorator_keeps_the_function_name_and_arguments(clock: Any) -> None:
    @retry(on=OSError, sleep=clock.sleep, clock=clock)
    def add(a: int, b: int = 0) -> int:
        """Add."""
        return a + b

    assert add(1, b=2) == 3
    assert add.__name__ == "add"
    assert add.__doc__ == "Add."


def test_the_call_api_retries_like_the_decorator(clock: Any) -> None:
    flaky = Flaky(1)
    retrying = Retrying(RetryConfig(on=ConnectionError, sleep=clock.sleep, clock=clock))
    assert retrying.call(flaky, 1, key="v") == "ok"
    assert flaky.calls == 2
    assert retrying.call(lambda: 5) == 5
    with pytest.raises(KeyError):
        retrying.call(Flaky(1, KeyError))


def test_the_call_api_honours_retry_on_result(clock: Any) -> None:
    results = iter([0, 1])
    retrying = retry(on=OSError, retry_on_result=lambda r: r == 0, sleep=clock.sleep, clock=clock)
    assert retrying.call(lambda: next(results)) == 1
    assert retrying.call(lambda: 2) == 2


def test_the_block_api_retries_the_block_and_numbers_attempts(clock: Any) -> None:
    seen = []
    for attempt in retry(on=ConnectionError, sleep=clock.sleep, clock=clock):
        with attempt:
            seen.append(attempt.number)
            if attempt.number < 3:
                raise ConnectionError("again")
    assert seen == [1, 2, 3]
    assert repr(attempt) == "<Attempt 3>"


def run_block(retrying: Any, make_error: Any, raised: list[BaseException]) -> None:
    for attempt in retrying:
        with attempt:
            raised.append(make_error(attempt.number))
            raise raised[-1]


def test_the_block_api_reraises_the_original_on_the_last_attempt(clock: Any) -> None:
    raised: list[BaseException] = []
    retrying = retry(on=ConnectionError, attempts=2, sleep=clock.sleep, clock=clock)
    with pytest.raises(ConnectionError) as info:
        run_block(retrying, ConnectionError, raised)
    assert info.value is raised[-1]
    assert len(raised) == 2


def test_the_block_api_lets_other_exceptions_through(clock: Any) -> None:
    raised: list[BaseException] = []
    with pytest.raises(KeyError):
        run_block(retry(on=ConnectionError, sleep=clock.sleep, clock=clock), KeyError, raised)
    with pytest.raises(KeyboardInterrupt):
        run_block(
            retry(on=BaseException, sleep=clock.sleep, clock=clock),
            lambda n: KeyboardInterrupt(),
            raised,
        )
    assert len(raised) == 2


def test_each_retry_is_logged_with_the_exception_type_only(
    clock: Any, caplog: pytest.LogCaptureFixture
) -> None:
    flaky = Flaky(1, lambda: ConnectionError("password=hunter2"))
    with caplog.at_level(logging.INFO, logger="tradai.common.resilience"):
        retry(on=ConnectionError, sleep=clock.sleep, clock=clock, name="fetch")(flaky)()
    assert "retrying fetch" in caplog.text
    assert "ConnectionError" in caplog.text
    assert "hunter2" not in caplog.text


def test_repr_and_config_are_exposed() -> None:
    retrying = retry(on=OSError, attempts=4, deadline=9.0, name="x")
    assert retrying.config.attempts == 4
    assert repr(retrying) == "Retrying(attempts=4, deadline=9.0, name='x')"
