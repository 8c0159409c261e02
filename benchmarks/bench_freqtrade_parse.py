"""Parse a Freqtrade backtest result: ``parse_backtest_result`` against plain ``json.load``.

The script writes a realistic 100,000-trade backtest result the way Freqtrade does: a
``backtest-result-<ts>.zip`` (deflated) holding the stats ``<stem>.json`` (compact JSON,
``{"strategy": {name: stats}, "strategy_comparison": [...]}``, each trade shaped like a
real Freqtrade trade with its two ``orders``), ``<stem>_config.json`` and the strategy
source, plus the ``.meta.json`` beside it.

* **baseline** ``json.load``: open the already extracted stats ``.json`` (the same bytes)
  and ``json.load`` it — the least any reader must do.
* **parse**: ``parse_backtest_result(zip)``: read and inflate the zip member, parse it
  with non-finite numbers as ``None``, validate the metrics into a ``BacktestResult`` and
  attach the trades, read the ``.meta.json``.

Target: parse <= 1.5x the baseline. For information the script also times
``result_from_stats`` on the parsed stats (it validates every trade, as any mapping's
origin is unknown). ``--quick`` uses 10,000 trades.

Usage: ``python benchmarks/bench_freqtrade_parse.py [--runs N] [--quick]``
"""

from __future__ import annotations

import json
import random
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import interleaved, median, parse_args, verdict
from tradai.common.freqtrade.results import parse_backtest_result, result_from_stats

STEM = "backtest-result-2026-11-21_11-19-22"
STRATEGY = "SampleSmaCrossover"
START_MS = 1_706_745_600_000  # 2024-02-01
HOUR_MS = 3_600_000
PAIRS = ("BTC/USDT", "ETH/USDT", "SOL/USDT", "BNB/USDT", "XRP/USDT")
EXITS = ("exit_signal", "roi", "stop_loss", "trailing_stop_loss")


def _iso(ms: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime(ms // 1000))


def _order(amount: float, price: float, ms: int, entry: bool, tag: str) -> dict[str, Any]:
    return {
        "amount": amount, "safe_price": price, "ft_order_side": "buy" if entry else "sell",
        "order_filled_timestamp": ms, "ft_is_entry": entry, "ft_order_tag": tag,
        "cost": amount * price * 1.001,
    }  # fmt: skip


def _trade(rng: random.Random, index: int) -> dict[str, Any]:
    """One trade with the keys, types and precision of a real Freqtrade trade."""
    open_ms = START_MS + index * HOUR_MS
    hours = rng.randint(1, 96)
    close_ms = open_ms + hours * HOUR_MS
    open_rate = rng.uniform(20.0, 70_000.0)
    close_rate = open_rate * rng.uniform(0.93, 1.1)
    amount = round(1000.0 / open_rate, 5)
    profit_ratio = (close_rate / open_rate - 1.0) - 0.002
    exit_reason = rng.choice(EXITS)
    stop = open_rate * 0.95
    return {
        "pair": rng.choice(PAIRS), "stake_amount": amount * open_rate,
        "max_stake_amount": amount * open_rate, "amount": amount,
        "open_date": _iso(open_ms), "close_date": _iso(close_ms),
        "open_rate": open_rate, "close_rate": close_rate, "fee_open": 0.001, "fee_close": 0.001,
        "trade_duration": hours * 60, "profit_ratio": profit_ratio,
        "profit_abs": round(profit_ratio * 1000.0, 8), "exit_reason": exit_reason,
        "initial_stop_loss_abs": stop, "initial_stop_loss_ratio": -0.05,
        "stop_loss_abs": stop, "stop_loss_ratio": -0.05,
        "min_rate": min(open_rate, close_rate) * 0.99,
        "max_rate": max(open_rate, close_rate) * 1.01,
        "is_open": False, "enter_tag": "", "leverage": 1.0, "is_short": False,
        "open_timestamp": open_ms, "close_timestamp": close_ms,
        "orders": [
            _order(amount, open_rate, open_ms, True, ""),
            _order(amount, close_rate, close_ms, False, exit_reason),
        ],
        "funding_fees": 0.0, "weekday": time.gmtime(close_ms // 1000).tm_wday,
    }  # fmt: skip


def _summary(key: str, trades: int, profit: float) -> dict[str, Any]:
    return {
        "key": key, "trades": trades, "profit_mean": profit / max(trades, 1),
        "profit_total_abs": profit * 1000.0, "profit_total": profit, "duration_avg": "1 day",
        "wins": trades // 3, "draws": 0, "losses": trades - trades // 3, "winrate": 1 / 3,
    }  # fmt: skip


def make_stats(n_trades: int, seed: int = 42) -> dict[str, Any]:
    """A strategy's stats with ``n_trades`` trades and Freqtrade's other sections."""
    rng = random.Random(seed)
    trades = [_trade(rng, i) for i in range(n_trades)]
    wins = sum(t["profit_abs"] > 0 for t in trades)
    profit_abs = sum(t["profit_abs"] for t in trades)
    days = max(n_trades // 24, 1)
    stats: dict[str, Any] = {
        "trades": trades, "locks": [],
        "best_pair": _summary("BTC/USDT", n_trades // 5, 0.02),
        "worst_pair": _summary("XRP/USDT", n_trades // 5, -0.01),
        "results_per_pair": [_summary(p, n_trades // 5, 0.01) for p in (*PAIRS, "TOTAL")],
        "results_per_enter_tag": [_summary("", n_trades, 0.01)],
        "exit_reason_summary": [_summary(e, n_trades // 4, 0.01) for e in EXITS],
        "left_open_trades": [_summary("TOTAL", 0, 0.0)],
        "total_trades": n_trades, "wins": wins, "losses": n_trades - wins, "draws": 0,
        "winrate": wins / n_trades, "profit_total": profit_abs / 10_000.0,
        "profit_total_abs": profit_abs, "profit_mean": profit_abs / n_trades / 1000.0,
        "profit_factor": 1.1, "cagr": 0.05, "expectancy": 0.6, "expectancy_ratio": 0.02,
        "sortino": 0.47, "sharpe": 0.13, "calmar": 1.38, "sqn": 0.097, "p_value": 0.92,
        "wallet_stats": {"start_balance": 10000.0, "end_balance": 10000.0 + profit_abs},
        "backtest_start": "2024-02-01 00:00:00", "backtest_start_ts": START_MS,
        "backtest_end_ts": START_MS + n_trades * HOUR_MS, "backtest_days": days,
        "market_change": -0.29, "pairlist": list(PAIRS), "stake_amount": 1000,
        "stake_currency": "USDT", "starting_balance": 10000, "final_balance": 10000 + profit_abs,
        "max_open_trades": 3, "timeframe": "1h", "timerange": "20240201-", "trading_mode": "spot",
        "strategy_name": STRATEGY, "freqaimodel": None, "minimal_roi": {"0": 0.1},
        "daily_profit": [[_iso(START_MS + d * 24 * HOUR_MS)[:10], rng.uniform(-50, 50)]
                         for d in range(days)],
        "max_drawdown_account": 0.05, "max_relative_drawdown": 0.05, "max_drawdown_abs": 505.85,
        "drawdown_start": "2024-02-04 03:00:00", "drawdown_start_ts": START_MS + 75 * HOUR_MS,
    }  # fmt: skip
    return stats


def write_result(directory: Path, n_trades: int) -> tuple[Path, Path]:
    """Write the zip (and its ``.meta.json``) and the extracted stats ``.json``."""
    stats = make_stats(n_trades)
    document = {
        "strategy": {STRATEGY: stats},
        "strategy_comparison": [_summary(STRATEGY, n_trades, stats["profit_total"])],
    }
    text = json.dumps(document, separators=(",", ":"))
    zip_path = directory / f"{STEM}.zip"
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{STEM}.json", text)
        archive.writestr(f"{STEM}_config.json", '{"timeframe":"1h"}')
        archive.writestr(f"{STEM}_{STRATEGY}.py", "class SampleSmaCrossover: ...\n")
    meta = {STRATEGY: {"run_id": "0" * 40, "backtest_start_time": 1795259962}}
    (directory / f"{STEM}.meta.json").write_text(json.dumps(meta))
    json_path = directory / "extracted" / f"{STEM}.json"
    json_path.parent.mkdir()
    json_path.write_text(text)
    return zip_path, json_path


def _timed(function: Callable[[], object]) -> Callable[[], float]:
    def run() -> float:
        start = time.perf_counter()
        function()
        return time.perf_counter() - start

    return run


def _json_load(path: Path) -> Callable[[], object]:
    def run() -> object:
        with path.open("rb") as handle:
            return json.load(handle)

    return run


def _check_and_time_validation(zip_path: Path, json_path: Path, n_trades: int) -> float:
    """Check the parse against json.load, then time ``result_from_stats`` (information).

    A function of its own, so the large results are freed before the timed runs.
    """
    parsed = parse_backtest_result(zip_path)
    assert parsed.result.total_trades == len(parsed.result.trades) == n_trades
    assert parsed.stats == _json_load(json_path)()["strategy"][STRATEGY]  # type: ignore[index]
    return _timed(lambda: result_from_stats(parsed.stats))()


def main() -> None:
    args = parse_args(__doc__ or "", default_runs=7)
    n_trades = 10_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        zip_path, json_path = write_result(Path(tmp), n_trades)
        validated = _check_and_time_validation(zip_path, json_path, n_trades)
        cases = {
            "json.load": _timed(_json_load(json_path)),
            "parse_backtest_result": _timed(lambda: parse_backtest_result(zip_path)),
        }
        samples = interleaved(cases, args.runs)
        sizes = (json_path.stat().st_size / 1e6, zip_path.stat().st_size / 1e6)
    med = {name: median(values) for name, values in samples.items()}
    print(
        f"Freqtrade backtest result, {n_trades:,} trades ({sizes[0]:.1f} MB stats JSON, "
        f"{sizes[1]:.1f} MB zip), median of {args.runs} runs:"
    )
    print(f"  {'json.load (baseline)':<32} {med['json.load'] * 1e3:9.1f} ms")
    print(f"  {'parse_backtest_result(zip)':<32} {med['parse_backtest_result'] * 1e3:9.1f} ms")
    print(f"  {'result_from_stats (information)':<32} {validated * 1e3:9.1f} ms (one run)")
    ratio = med["parse_backtest_result"] / med["json.load"]
    print(
        f"parse_backtest_result takes {ratio:.2f}x the time of json.load "
        f"(target <= 1.5x): {verdict(ratio <= 1.5)}"
    )


if __name__ == "__main__":
    main()
