"""Helpers for the Freqtrade tests: seeded market data stores and orphan-process checks."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterable
from pathlib import Path

from tradai.common.data import SyntheticSource
from tradai.common.repositories.market_data import ArcticDBDataRepository, DataRepository
from tradai.common.settings_mixins import ArcticSettingsMixin

SPOT_PAIRS = ("BTC/USDT", "ETH/USDT")
FUTURES_PAIRS = ("BTC/USDT:USDT",)
SEED_START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
SEED_END = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)


def seed(
    repo: DataRepository,
    pairs: Iterable[str],
    *,
    timeframe: str = "1h",
    start: dt.datetime = SEED_START,
    end: dt.datetime = SEED_END,
    seed_value: int = 7,
) -> DataRepository:
    """Write deterministic synthetic candles for ``pairs`` into ``repo``."""
    source = SyntheticSource(seed=seed_value, volatility=0.01)
    for pair in pairs:
        repo.write(pair, timeframe, source.fetch_ohlcv(pair, timeframe, start, end))
    return repo


def arctic_repo(path: Path) -> ArcticDBDataRepository:
    """A real ArcticDB repository on LMDB under ``path``."""
    return ArcticDBDataRepository(ArcticSettingsMixin(), lmdb_path=path)


def processes_mentioning(text: str) -> list[int]:
    """PIDs of live processes whose command line contains ``text`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            raw = (entry / "cmdline").read_bytes()
            cmdline = raw.replace(b"\0", b" ").decode(errors="replace")
            state = next(
                (
                    ln
                    for ln in (entry / "status").read_text().splitlines()
                    if ln.startswith("State:")
                ),
                "",
            )
        except OSError:
            continue
        if text in cmdline and "zombie" not in state:
            found.append(int(entry.name))
    return found


def wait_no_processes(text: str, timeout: float = 5.0) -> list[int]:
    """Wait until no live process mentions ``text``; return the ones still there."""
    deadline = time.monotonic() + timeout
    while (left := processes_mentioning(text)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left
