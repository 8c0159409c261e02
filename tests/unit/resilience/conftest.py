"""Fixtures for the resilience unit tests: a fake monotonic clock and a recording sleep."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tradai.common.resilience import reset_testing


class FakeClock:
    """Monotonic seconds that only move when told (or when ``sleep`` is called)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def _no_leaked_testing_mode() -> Iterator[None]:
    yield
    reset_testing()
