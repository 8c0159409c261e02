"""Small helpers shared by the benchmark scripts (stdlib only)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence


def parse_args(description: str, default_runs: int) -> argparse.Namespace:
    """Parse ``--runs`` and ``--quick`` (a smoke run used by the test suite)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--runs", type=int, default=default_runs, help="repetitions per case")
    parser.add_argument("--quick", action="store_true", help="a few runs only (smoke test)")
    args = parser.parse_args()
    if args.quick:
        args.runs = 3
    return args


def time_command(argv: Sequence[str]) -> float:
    """Wall time of one subprocess run, in seconds."""
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def interleaved(cases: dict[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    """Run every case once per round, ``runs`` rounds, so drift hits all cases alike."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            samples[name].append(case())
    return samples


def median(values: list[float]) -> float:
    """The median of ``values``."""
    return statistics.median(values)


def verdict(ok: bool) -> str:
    """``PASS``/``MISS`` label for a target line."""
    return "PASS" if ok else "MISS"


def python() -> str:
    """The interpreter running the benchmark."""
    return sys.executable
