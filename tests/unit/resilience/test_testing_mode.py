"""Test mode: fixed attempts, no sleeping, one locked global object that restores itself."""

from __future__ import annotations

from typing import Any

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.resilience import is_testing, reset_testing, retry, set_testing


def _always_failing(counter: list[int]) -> Any:
    def fn() -> None:
        counter.append(1)
        raise ConnectionError

    return fn


def test_test_mode_fixes_attempts_and_skips_sleeping(clock: Any) -> None:
    calls: list[int] = []
    wrapped = retry(on=ConnectionError, attempts=10, sleep=clock.sleep, clock=clock)(
        _always_failing(calls)
    )
    with set_testing(attempts=2), pytest.raises(ConnectionError):
        wrapped()
    assert len(calls) == 2
    assert clock.sleeps == []


def test_test_mode_can_keep_sleeping(clock: Any) -> None:
    calls: list[int] = []
    wrapped = retry(on=ConnectionError, sleep=clock.sleep, clock=clock)(_always_failing(calls))
    with set_testing(attempts=3, sleep=True), pytest.raises(ConnectionError):
        wrapped()
    assert len(clock.sleeps) == 2


def test_the_context_manager_restores_the_previous_mode_even_when_nested() -> None:
    assert not is_testing()
    with set_testing(attempts=1):
        with set_testing(attempts=5):
            assert is_testing()
        assert is_testing()
        with set_testing(False):
            assert not is_testing()
        assert is_testing()
    assert not is_testing()


def test_the_context_manager_restores_after_an_exception() -> None:
    with pytest.raises(RuntimeError), set_testing(attempts=1):
        raise RuntimeError
    assert not is_testing()


def test_set_testing_without_a_block_stays_on_until_reset() -> None:
    set_testing(attempts=1)
    assert is_testing()
    reset_testing()
    assert not is_testing()


def test_test_mode_applies_to_the_block_api(clock: Any) -> None:
    numbers = []

    def block() -> None:
        for attempt in retry(on=ConnectionError, attempts=5, sleep=clock.sleep, clock=clock):
            with attempt:
                numbers.append(attempt.number)
                raise ConnectionError

    with set_testing(attempts=1), pytest.raises(ConnectionError):
        block()
    assert numbers == [1]


@pytest.mark.parametrize("attempts", [0, -1, True, 1.5, "2"])
def test_set_testing_refuses_bad_attempt_counts(attempts: object) -> None:
    with pytest.raises(ValidationError):
        set_testing(attempts=attempts)  # type: ignore[arg-type]  # bad on purpose
    assert not is_testing()


def test_the_testing_mode_object_describes_itself() -> None:
    from tradai.common.resilience._config import CONFIG

    with set_testing(attempts=2, sleep=True):
        assert repr(CONFIG.testing) == "TestingMode(attempts=2, sleep=True)"
