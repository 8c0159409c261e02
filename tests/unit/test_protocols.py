"""Shared protocols: structural checks, the system clock and the manual clock twin."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from tradai.common.protocols import (
    Clock,
    HealthCheckable,
    ManualClock,
    ModeHandler,
    ModeHandlerFactory,
    SecretsProvider,
    SystemClock,
)

T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


class _Handler:
    def __init__(self, entrypoint: object) -> None:
        self.entrypoint = entrypoint

    def run(self) -> int:
        return 0


class _Secrets:
    def get_secret(self, name: str) -> str:
        return f"value-of-{name}"


class _Healthy:
    def health_check(self) -> bool:
        return True


def test_runtime_checks_match_structurally() -> None:
    assert isinstance(_Handler(None), ModeHandler)
    assert isinstance(_Secrets(), SecretsProvider)
    assert isinstance(_Healthy(), HealthCheckable)
    assert isinstance(SystemClock(), Clock)
    assert isinstance(ManualClock(T0), Clock)
    assert not isinstance(object(), ModeHandler)
    assert not isinstance(_Handler(None), SecretsProvider)


def test_a_handler_class_is_a_mode_handler_factory() -> None:
    factory: ModeHandlerFactory = _Handler
    assert factory(None).run() == 0  # type: ignore[arg-type]  # no entrypoint needed here


def test_system_clock_returns_aware_utc_now() -> None:
    before = dt.datetime.now(dt.UTC)
    now = SystemClock().now()
    assert now.tzinfo is dt.UTC
    assert before <= now <= dt.datetime.now(dt.UTC)


def test_manual_clock_moves_only_when_told() -> None:
    clock = ManualClock(T0)
    assert clock.now() == clock.now() == T0
    assert clock.advance(90) == T0 + dt.timedelta(seconds=90)
    assert clock.advance(dt.timedelta(hours=1)) == T0 + dt.timedelta(hours=1, seconds=90)
    clock.set(T0)
    assert clock.now() == T0


def test_manual_clock_converts_to_utc_and_refuses_naive_times() -> None:
    paris = dt.timezone(dt.timedelta(hours=2))
    assert ManualClock(dt.datetime(2024, 1, 1, 2, tzinfo=paris)).now() == T0
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(dt.datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(T0).set(dt.datetime(2024, 1, 1))


def test_manual_clock_cannot_go_backwards_by_advancing() -> None:
    with pytest.raises(ValueError, match="backwards"):
        ManualClock(T0).advance(-1)


def test_manual_clock_is_thread_safe() -> None:
    clock = ManualClock(T0)
    threads = [
        threading.Thread(target=lambda: [clock.advance(1) for _ in range(500)]) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert clock.now() == T0 + dt.timedelta(seconds=2000)
