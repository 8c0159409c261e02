"""Reading OHLCV candles: ArcticDB (local LMDB) through the repository vs a Parquet file.

Baseline: ``pd.read_parquet`` of the same candles (one file, written by pandas/pyarrow).
Candidate: ``ArcticDBDataRepository.get_ohlcv`` on a local LMDB store.
Cases: one year of 1-minute candles (525,600 rows; ``--quick``: 20,000) read whole, and a
one-week range (baseline: ``read_parquet`` with a row filter on the date, pushed down to
pyarrow). Target: ArcticDB read time / Parquet read time <= 1.0 for the full read.

Usage: ``python benchmarks/bench_market_data.py [--runs N] [--quick]``
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from _common import interleaved, median, parse_args, verdict
from tradai.common.data.sources import SyntheticSource
from tradai.common.repositories.market_data import ArcticDBDataRepository
from tradai.common.settings_mixins import ArcticSettingsMixin

PAIR = "BTC/USDT:USDT"
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
WEEK_START = START + dt.timedelta(days=1)
WEEK_END = WEEK_START + dt.timedelta(days=7)


def _timed(action: Callable[[], object]) -> float:
    begin = time.perf_counter()
    action()
    return time.perf_counter() - begin


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=9)
    rows = 20_000 if args.quick else 525_600
    candles = SyntheticSource(seed=1).fetch_ohlcv(
        PAIR, "1m", START, START + dt.timedelta(minutes=rows)
    )
    with tempfile.TemporaryDirectory(prefix="bench-market-") as tmp:
        parquet = Path(tmp) / "BTC_USDT_USDT-1m.parquet"
        candles.to_parquet(parquet)
        repo = ArcticDBDataRepository(ArcticSettingsMixin(), lmdb_path=Path(tmp) / "arctic")
        repo.write(PAIR, "1m", candles)
        assert len(repo.get_ohlcv(PAIR, "1m")) == len(pd.read_parquet(parquet)) == rows
        week_filter = [("date", ">=", WEEK_START), ("date", "<", WEEK_END)]
        samples = interleaved(
            {
                "parquet full": lambda: _timed(lambda: pd.read_parquet(parquet)),
                "arcticdb full": lambda: _timed(lambda: repo.get_ohlcv(PAIR, "1m")),
                "parquet week": lambda: _timed(
                    lambda: pd.read_parquet(parquet, filters=week_filter)
                ),
                "arcticdb week": lambda: _timed(
                    lambda: repo.get_ohlcv(PAIR, "1m", WEEK_START, WEEK_END)
                ),
            },
            args.runs,
        )
    medians = {name: median(values) for name, values in samples.items()}
    print(f"median of {args.runs} runs, {rows:,} one-minute candles:")
    for name, value in medians.items():
        print(f"  {name:<16} {value * 1e3:10.2f} ms")
    full = medians["arcticdb full"] / medians["parquet full"]
    week = medians["arcticdb week"] / medians["parquet week"]
    print(f"one-week range: arcticdb / parquet = {week:.2f}x")
    print(f"full read: arcticdb / parquet = {full:.2f}x (target <= 1.0x): {verdict(full <= 1.0)}")


if __name__ == "__main__":
    main()
