"""What the FreqtradeBacktester wrapper costs on top of Freqtrade itself.

Baseline: the ``freqtrade backtesting`` CLI invoked directly (a subprocess) on data, config
and strategy already prepared on disk, with the offline exchange endpoint already running.
Candidate: ``FreqtradeBacktester.run`` doing the whole job — validate, check candle coverage,
export the candles from ArcticDB (LMDB) to feather, write the config, start the offline
endpoint, run the same Freqtrade command, parse the result zip into a ``BacktestResult``.
Data: 2 pairs x 1 year of 1h candles (``--quick``: 2 pairs x 2 months, one run).
Target: candidate / baseline <= 1.05 (the wrapper costs at most 5 %).

Usage: ``python benchmarks/bench_freqtrade_backtest.py [--runs N] [--quick]``
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
import time
from pathlib import Path

from _common import interleaved, median, parse_args, verdict
from tradai.common.data.sources import SyntheticSource
from tradai.common.entities.backtest import BacktestConfig
from tradai.common.freqtrade.backtester import FreqtradeBacktester
from tradai.common.freqtrade.offline_exchange import OfflineExchange
from tradai.common.freqtrade.runner import find_freqtrade
from tradai.common.repositories.market_data import ArcticDBDataRepository
from tradai.common.settings_mixins import ArcticSettingsMixin

PAIRS = ["BTC/USDT", "ETH/USDT"]


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=9)
    if args.quick:
        args.runs = 1
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=60 if args.quick else 365)
    config = BacktestConfig(
        strategy="SampleSmaCrossover",
        timeframe="1h",
        start_date=f"{start + dt.timedelta(days=7):%Y-%m-%d}",
        end_date=f"{end:%Y-%m-%d}",
        symbols=PAIRS,
        exchange="binance",
    )
    with tempfile.TemporaryDirectory(prefix="bench-freqtrade-") as tmp:
        repo = ArcticDBDataRepository(ArcticSettingsMixin(), lmdb_path=Path(tmp) / "arctic")
        source = SyntheticSource(seed=3, volatility=0.01)
        for pair in PAIRS:
            repo.write(pair, "1h", source.fetch_ohlcv(pair, "1h", start, end))
        backtester = FreqtradeBacktester(repo, workdir=Path(tmp) / "wrapper")
        prepared = backtester.run(config)  # warm-up; also leaves the prepared run on disk
        workdir = prepared.workdir
        direct_results = Path(tmp) / "direct"
        with OfflineExchange(PAIRS) as exchange:
            freqtrade_config = json.loads(prepared.config_file.read_text())
            freqtrade_config["exchange"]["ccxt_config"] = exchange.ccxt_config("spot")
            freqtrade_config["exchange"]["ccxt_async_config"] = exchange.ccxt_config("spot")
            direct_config = Path(tmp) / "direct-config.json"
            direct_config.write_text(json.dumps(freqtrade_config))
            counter = iter(range(1_000_000))

            def direct() -> float:
                results = direct_results / str(next(counter))
                results.mkdir(parents=True)
                argv = [
                    find_freqtrade(),
                    "backtesting",
                    "--config", str(direct_config),
                    "--strategy", config.strategy,
                    "--strategy-path", str(workdir / "strategies"),
                    "--timerange", config.timerange,
                    "--datadir", str(workdir / "data" / "binance"),
                    "--cache", "none",
                    "--backtest-directory", str(results),
                    "--export", "trades",
                ]  # fmt: skip
                begin = time.perf_counter()
                subprocess.run(argv, check=True, capture_output=True, cwd=workdir)
                return time.perf_counter() - begin

            def wrapper() -> float:
                begin = time.perf_counter()
                run = backtester.run(config)
                elapsed = time.perf_counter() - begin
                assert run.result.total_trades == prepared.result.total_trades
                return elapsed

            samples = interleaved(
                {"freqtrade CLI": direct, "FreqtradeBacktester": wrapper}, args.runs
            )
    medians = {name: median(values) for name, values in samples.items()}
    trades = prepared.result.total_trades
    print(f"median of {args.runs} runs, {len(PAIRS)} pairs, {config.timerange}, {trades} trades:")
    for name, value in medians.items():
        spread = ", ".join(f"{v:.2f}" for v in sorted(samples[name]))
        print(f"  {name:<20} {value:8.3f} s   (runs: {spread})")
    ratio = medians["FreqtradeBacktester"] / medians["freqtrade CLI"]
    print(
        f"FreqtradeBacktester / freqtrade CLI = {ratio:.3f}x (target <= 1.05x): "
        f"{verdict(ratio <= 1.05)}"
    )


if __name__ == "__main__":
    main()
