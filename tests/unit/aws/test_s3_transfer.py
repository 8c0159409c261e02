"""The threaded engine's fan-out helper: ordered results, the first error cancels the rest."""

from __future__ import annotations

import threading

import pytest

from tradai.common.aws._s3_transfer import run_parallel


def test_results_come_back_in_item_order() -> None:
    assert run_parallel(lambda n: n * n, [3, 1, 2], workers=3) == [9, 1, 4]
    assert run_parallel(lambda n: n + 1, [5], workers=8) == [6]
    assert run_parallel(lambda n: n, [], workers=1) == []


def test_the_first_error_is_raised_and_items_not_started_never_run() -> None:
    started: list[int] = []
    release = threading.Event()

    def work(n: int) -> int:
        started.append(n)
        if n == 0:
            raise ValueError("part 0 failed")
        release.wait(timeout=5)
        return n

    timer = threading.Timer(0.5, release.set)
    timer.start()
    try:
        with pytest.raises(ValueError, match="part 0 failed"):
            run_parallel(work, [0, 1, 2, 3, 4], workers=2)
    finally:
        timer.cancel()
        release.set()
    # Both workers are held by items 1 and (maybe) 2 until the timer fires, long after the
    # failure cancelled the queued items: 3 and 4 never start.
    assert {0, 1} <= set(started) <= {0, 1, 2}
