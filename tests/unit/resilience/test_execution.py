"""execute / aexecute / @resilient run callables under a policy."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.resilience import (
    CircuitBreaker,
    ResiliencePolicy,
    RetryConfig,
    aexecute,
    execute,
    resilient,
)


def policy_for(clock: Any) -> ResiliencePolicy:
    return ResiliencePolicy(
        retry=RetryConfig(
            on=ConnectionError, sleep=clock.sleep, async_sleep=clock.async_sleep, clock=clock
        ),
        breaker=CircuitBreaker("exec", clock=clock),
    )


def test_execute_passes_arguments_and_retries(clock: Any) -> None:
    calls = []

    def fn(a: int, *, b: int) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError
        return a + b

    assert execute(policy_for(clock), fn, 1, b=2) == 3
    assert len(calls) == 2


def test_aexecute_awaits_under_the_policy(clock: Any) -> None:
    async def fn(a: int) -> int:
        return a * 3

    assert asyncio.run(aexecute(policy_for(clock), fn, 2)) == 6


def test_resilient_decorates_sync_and_async_functions(clock: Any) -> None:
    policy = policy_for(clock)

    @resilient(policy)
    def sync(x: int) -> int:
        """Sync."""
        return x + 1

    @resilient(policy)
    async def asynchronous(x: int) -> int:
        return x + 2

    assert sync(1) == 2
    assert sync.__doc__ == "Sync."
    assert asyncio.run(asynchronous(1)) == 3


def test_resilient_rejects_generator_functions(clock: Any) -> None:
    def gen() -> Any:
        yield 1

    with pytest.raises(ValidationError):
        resilient(policy_for(clock))(gen)
