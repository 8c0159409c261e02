"""Backoff delays always lie in [0, cap] and their total never exceeds the deadline."""

from __future__ import annotations

import contextlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradai.common.exceptions import TransientError, ValidationError
from tradai.common.resilience._backoff import next_delay
from tradai.common.resilience.retry import RetryConfig, full_jitter_backoff, retry

seconds = st.floats(min_value=0.0, max_value=120.0, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.001, max_value=120.0, allow_nan=False, allow_infinity=False)
unit = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)


@settings(max_examples=100)
@given(
    retry_number=st.integers(min_value=1, max_value=10_000),
    initial=seconds,
    cap=seconds,
    base=st.floats(min_value=1.0, max_value=100.0),
    rand=unit,
)
def test_full_jitter_backoff_is_within_zero_and_cap(
    retry_number: int, initial: float, cap: float, base: float, rand: float
) -> None:
    delay = full_jitter_backoff(retry_number, initial=initial, cap=cap, base=base, rand=rand)
    assert 0.0 <= delay <= cap


@settings(max_examples=100, deadline=None)
@given(
    attempts=st.integers(min_value=1, max_value=60),
    deadline=positive,
    wait_initial=seconds,
    wait_max=seconds,
    base=st.floats(min_value=1.0, max_value=10.0),
    retry_after_max=seconds,
    server_delays=st.lists(st.none() | seconds, min_size=60, max_size=60),
    durations=st.lists(seconds, min_size=60, max_size=60),
    rands=st.lists(unit, min_size=60, max_size=60),
)
def test_a_retry_sleeps_within_bounds_and_in_total_no_longer_than_the_deadline(
    attempts: int,
    deadline: float,
    wait_initial: float,
    wait_max: float,
    base: float,
    retry_after_max: float,
    server_delays: list[float | None],
    durations: list[float],
    rands: list[float],
) -> None:
    now = [0.0]
    sleeps: list[float] = []
    caps: list[float] = []
    last_server: list[float | None] = [None]
    calls = iter(zip(server_delays, durations, strict=True))
    rand_iter = iter(rands)

    def sleep(s: float) -> None:
        sleeps.append(s)
        caps.append(wait_max if last_server[0] is None else retry_after_max)
        now[0] += s

    def always_fails() -> None:
        server, duration = next(calls)
        last_server[0] = server
        now[0] += duration  # the attempt itself takes time
        raise TransientError("busy", retry_after=server)

    wrapped = retry(
        on=TransientError,
        attempts=attempts,
        deadline=deadline,
        wait_initial=wait_initial,
        wait_max=wait_max,
        wait_exp_base=base,
        retry_after_max=retry_after_max,
        sleep=sleep,
        clock=lambda: now[0],
        rng=lambda: next(rand_iter),
    )(always_fails)
    with contextlib.suppress(TransientError):
        wrapped()
    # a computed wait is within [0, wait_max]; a server-provided one within [0, retry_after_max]
    assert all(0.0 <= s <= cap for s, cap in zip(sleeps, caps, strict=True))
    assert math.fsum(sleeps) <= deadline + 1e-9
    assert len(sleeps) <= attempts - 1


@settings(max_examples=100)
@given(retry_number=st.integers(min_value=1, max_value=100), elapsed=seconds, rand=unit)
def test_next_delay_is_never_longer_than_the_time_left(
    retry_number: int, elapsed: float, rand: float
) -> None:
    config = RetryConfig(on=OSError, deadline=30.0, wait_max=5.0, rng=lambda: rand)
    delay = next_delay(config, retry_number, OSError(), elapsed)
    if elapsed >= 30.0:
        assert delay is None
    else:
        assert delay is not None
        assert 0.0 <= delay <= min(5.0, 30.0 - elapsed)


near_miss_numbers = st.sampled_from([0, -1, -0.5, math.inf, -math.inf, math.nan, True, "1", None])


@settings(max_examples=50)
@given(value=near_miss_numbers, field=st.sampled_from(["deadline", "attempts"]))
def test_near_miss_bounds_raise_validation_error_and_nothing_else(
    value: object, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        RetryConfig(on=OSError, **{field: value})  # type: ignore[arg-type]  # bad on purpose
    assert info.value.field == field
