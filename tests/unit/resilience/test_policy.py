"""ResiliencePolicy: retry inside the breaker, stop on an open breaker, timeout, fallback."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from tradai.common.exceptions import ExternalServiceError, TransientError, ValidationError
from tradai.common.resilience.circuit_breaker import (
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    InMemoryBreakerStore,
)
from tradai.common.resilience.policy import CallTimeoutError, ResiliencePolicy
from tradai.common.resilience.retry import RetryConfig


def retry_config(clock: Any, **kwargs: Any) -> RetryConfig:
    kwargs.setdefault("on", (ConnectionError, TransientError))
    return RetryConfig(sleep=clock.sleep, async_sleep=clock.async_sleep, clock=clock, **kwargs)


class Flaky:
    def __init__(self, failures: int, exc: type[Exception] = ConnectionError) -> None:
        self.failures, self.exc, self.calls = failures, exc, 0

    def __call__(self, value: str = "ok") -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.exc("down")
        return value


def test_a_retried_operation_counts_once_in_the_breaker(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=2, clock=clock)
    policy = ResiliencePolicy(retry=retry_config(clock, attempts=3), breaker=breaker)
    flaky = Flaky(100)
    with pytest.raises(ConnectionError):
        policy.call(flaky)
    assert flaky.calls == 3
    assert breaker.snapshot().failures == 1
    assert breaker.state is CircuitState.CLOSED


def test_a_retry_that_recovers_resets_the_breaker_count(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=5, clock=clock)
    policy = ResiliencePolicy(retry=retry_config(clock), breaker=breaker)
    with pytest.raises(ConnectionError):
        policy.call(Flaky(100))
    assert policy.call(Flaky(1), "x") == "x"
    assert breaker.snapshot().failures == 0
    assert policy.call(lambda: "plain") == "plain"


def test_retries_stop_as_soon_as_the_breaker_is_open(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=1, clock=clock)
    policy = ResiliencePolicy(retry=retry_config(clock, attempts=10), breaker=breaker)
    calls = []

    def fn() -> None:
        calls.append(1)
        breaker.force_open()  # another caller tripped it meanwhile
        raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        policy.call(fn)
    assert calls == [1]


def test_an_open_breaker_refuses_without_running_and_is_not_retried(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=1, clock=clock)
    breaker.force_open()
    policy = ResiliencePolicy(retry=retry_config(clock, on=ExternalServiceError), breaker=breaker)
    flaky = Flaky(0)
    with pytest.raises(CircuitOpenError):
        policy.call(flaky)
    assert flaky.calls == 0
    assert clock.sleeps == []


def test_the_fallback_handles_dependency_failures_only(clock: Any) -> None:
    seen: list[BaseException] = []

    def fallback(exc: BaseException) -> str:
        seen.append(exc)
        return "cached"

    breaker = CircuitBreaker("svc", failure_threshold=1, clock=clock)
    policy = ResiliencePolicy(retry=retry_config(clock), breaker=breaker, fallback=fallback)
    assert policy.call(Flaky(100)) == "cached"
    assert isinstance(seen[-1], ConnectionError)
    assert policy.call(Flaky(0)) == "cached"  # open now: CircuitOpenError → fallback
    assert isinstance(seen[-1], CircuitOpenError)
    breaker.reset()
    with pytest.raises(TypeError):
        policy.call(Flaky(1, TypeError))


def test_fallback_on_can_be_narrowed(clock: Any) -> None:
    policy = ResiliencePolicy(
        retry=None, fallback=lambda exc: "fb", fallback_on=(KeyError,), name="n"
    )
    assert policy.call(Flaky(1, KeyError)) == "fb"
    with pytest.raises(ConnectionError):
        policy.call(Flaky(1))


def test_without_a_breaker_the_policy_retries_and_falls_back(clock: Any) -> None:
    policy = ResiliencePolicy(retry=retry_config(clock), fallback=lambda exc: "fb")
    assert policy.call(Flaky(1)) == "ok"
    assert policy.call(Flaky(100)) == "fb"
    assert ResiliencePolicy(retry=None).call(lambda: 3) == 3


def test_breaker_only_policy_and_non_retryable_first_failure(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=2, clock=clock)
    policy = ResiliencePolicy(retry=None, breaker=breaker)
    with pytest.raises(ConnectionError):
        policy.call(Flaky(1))
    assert breaker.snapshot().failures == 1
    retrying = ResiliencePolicy(retry=retry_config(clock), breaker=breaker)
    with pytest.raises(KeyError):
        retrying.call(Flaky(1, KeyError))
    assert breaker.state is CircuitState.OPEN
    with pytest.raises(CircuitOpenError):
        retrying.call(Flaky(0))


def test_retry_on_result_runs_inside_the_breaker(clock: Any) -> None:
    breaker = CircuitBreaker("svc", clock=clock)
    results = iter([None, None, 5])
    policy = ResiliencePolicy(
        retry=retry_config(clock, retry_on_result=lambda r: r is None), breaker=breaker
    )
    assert policy.call(lambda: next(results)) == 5
    assert policy.call(lambda: 6) == 6


def test_a_sync_attempt_past_the_timeout_raises_call_timeout_and_is_retried(clock: Any) -> None:
    calls = []

    def slow() -> str:
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.5)
        return "fast now"

    policy = ResiliencePolicy(
        retry=retry_config(clock, on=CallTimeoutError), timeout=0.05, name="quotes"
    )
    assert policy.call(slow) == "fast now"
    assert len(calls) == 2
    with pytest.raises(CallTimeoutError) as info:
        ResiliencePolicy(retry=None, timeout=0.05, name="quotes").call(time.sleep, 0.5)
    assert info.value.service == "quotes"
    assert info.value.retryable


def test_a_sync_timeout_passes_results_errors_and_context_through(clock: Any) -> None:
    from tradai.common.logger_mixin import correlation_context, get_correlation_id

    breaker = CircuitBreaker("svc", clock=clock)
    policy = ResiliencePolicy(retry=retry_config(clock), breaker=breaker, timeout=5.0)
    with correlation_context("req-7"):
        assert policy.call(get_correlation_id) == "req-7"
    assert policy.call(Flaky(1)) == "ok"
    with pytest.raises(KeyError):
        policy.call(Flaky(1, KeyError))
    assert policy.call(threading.get_ident) != threading.get_ident()


def test_async_policy_retries_inside_the_breaker_and_falls_back(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=1, clock=clock)
    calls = []

    async def down() -> str:
        calls.append(1)
        raise ConnectionError

    async def fallback(exc: BaseException) -> str:
        return f"fb:{type(exc).__name__}"

    policy = ResiliencePolicy(retry=retry_config(clock), breaker=breaker, fallback=fallback)

    async def main() -> tuple[str, str]:
        return await policy.acall(down), await policy.acall(down)

    assert asyncio.run(main()) == ("fb:ConnectionError", "fb:CircuitOpenError")
    assert len(calls) == 3


def test_async_policy_timeout_cancels_the_attempt(clock: Any) -> None:
    cancelled = []

    async def hang() -> None:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            cancelled.append(1)
            raise

    async def own_timeout() -> None:
        raise TimeoutError("the callee's own")

    async def quick(x: int) -> int:
        return x

    policy = ResiliencePolicy(retry=None, timeout=0.05, fallback=lambda e: type(e).__name__)
    assert asyncio.run(policy.acall(hang)) == "CallTimeoutError"
    assert cancelled == [1]
    strict = ResiliencePolicy(retry=None, timeout=1.0)
    with pytest.raises(TimeoutError) as info:
        asyncio.run(strict.acall(own_timeout))
    assert not isinstance(info.value, CallTimeoutError)
    assert asyncio.run(strict.acall(quick, 4)) == 4


def test_async_policy_without_breaker_or_retry(clock: Any) -> None:
    async def value() -> int:
        return 9

    assert asyncio.run(ResiliencePolicy(retry=None).acall(value)) == 9
    assert asyncio.run(ResiliencePolicy(retry=retry_config(clock)).acall(value)) == 9


def test_a_shared_store_breaker_uses_the_general_path(clock: Any) -> None:
    store = InMemoryBreakerStore(clock=clock)
    breaker = CircuitBreaker("svc", failure_threshold=1, store=store)
    policy = ResiliencePolicy(retry=retry_config(clock), breaker=breaker, timeout=1.0)
    assert policy.call(Flaky(1)) == "ok"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"retry": "3"}, "retry"),
        ({"retry": None, "breaker": "svc"}, "breaker"),
        ({"retry": None, "timeout": 0}, "timeout"),
        ({"retry": None, "timeout": float("nan")}, "timeout"),
        ({"retry": None, "timeout": True}, "timeout"),
        ({"retry": None, "fallback_on": [KeyError]}, "fallback_on"),
    ],
)
def test_bad_parameters_are_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        ResiliencePolicy(**kwargs)
    assert info.value.field == field


def test_retry_is_a_required_keyword() -> None:
    with pytest.raises(TypeError):
        ResiliencePolicy()  # type: ignore[call-arg]  # proving it is required


def test_call_timeout_error_pickles_with_its_attributes() -> None:
    import pickle

    err = CallTimeoutError(1.5, service="svc")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.timeout, copy.service, str(copy)) == (1.5, "svc", str(err))


def test_properties_and_repr(clock: Any) -> None:
    breaker = CircuitBreaker("svc", clock=clock)
    policy = ResiliencePolicy(retry=retry_config(clock, attempts=4), breaker=breaker, timeout=2)
    assert policy.breaker is breaker
    assert policy.timeout == 2.0
    assert policy.retry is not None
    assert policy.retry.attempts == 4
    assert repr(policy) == "ResiliencePolicy(attempts=4, breaker='svc', timeout=2.0)"
    assert repr(ResiliencePolicy(retry=None)) == (
        "ResiliencePolicy(attempts=1, breaker=None, timeout=None)"
    )


def test_a_fast_path_success_after_an_earlier_failure_resets_the_count(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=3, clock=clock)
    policy = ResiliencePolicy(retry=None, breaker=breaker)
    with pytest.raises(ConnectionError):
        policy.call(Flaky(1))
    assert breaker.snapshot().failures == 1
    assert policy.call(lambda: "ok") == "ok"
    assert breaker.snapshot().failures == 0


def test_a_breaker_only_policy_with_a_timeout_guards_each_call(clock: Any) -> None:
    breaker = CircuitBreaker("svc", failure_threshold=1, clock=clock)
    policy = ResiliencePolicy(retry=None, breaker=breaker, timeout=1.0)
    assert policy.call(Flaky(0)) == "ok"
    with pytest.raises(ConnectionError):
        policy.call(Flaky(1))
    with pytest.raises(CircuitOpenError):
        policy.call(Flaky(0))
