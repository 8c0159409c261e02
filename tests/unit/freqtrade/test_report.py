"""The HTML backtest report: self-contained, escaped, charts from the trades."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tradai.common.entities.backtest import BacktestConfig, BacktestResult
from tradai.common.freqtrade.report import (
    MAX_REPORT_TRADES,
    render_backtest_report,
    write_backtest_report,
)

CONFIG = BacktestConfig(
    strategy="SampleSmaCrossover",
    timeframe="1h",
    start_date="2024-02-01",
    end_date="2024-03-01",
    symbols=["BTC/USDT", "ETH/USDT"],
    exchange="binance",
)


def _trade(day: int, profit: float, **extra: object) -> dict[str, object]:
    trade: dict[str, object] = {
        "pair": "BTC/USDT",
        "open_date": f"2024-02-{day:02d} 01:00:00+00:00",
        "close_date": f"2024-02-{day:02d} 05:00:00+00:00",
        "profit_ratio": profit / 1000,
        "profit_abs": profit,
        "exit_reason": "exit_signal",
    }
    trade.update(extra)
    return trade


def _polyline(page: str, index: int) -> list[tuple[float, float]]:
    lines = re.findall(r'<polyline points="([^"]+)"', page)
    return [tuple(map(float, p.split(","))) for p in lines[index].split()]  # type: ignore[misc]


def test_report_is_one_self_contained_document() -> None:
    page = render_backtest_report(CONFIG, BacktestResult(total_trades=1, trades=[_trade(2, 5)]))
    assert page.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in page
    assert "<script" not in page
    assert not re.search(r"\b(?:src|href)=", page)
    assert "@import" not in page
    assert "url(" not in page
    assert page.count("<svg") == 2


def test_header_names_strategy_pairs_timeframe_range_and_exchange() -> None:
    page = render_backtest_report(CONFIG, BacktestResult())
    for text in ("SampleSmaCrossover", "BTC/USDT, ETH/USDT", "1h", "2024-02-01", "2024-03-01"):
        assert text in page
    assert "<td>binance</td>" in page
    assert "<title>SampleSmaCrossover backtest</title>" in page


def test_metrics_table_lists_headline_and_extra_metrics() -> None:
    result = BacktestResult(
        total_trades=10,
        winning_trades=6,
        losing_trades=4,
        total_profit=123.456,
        total_profit_pct=-1.5,
        sharpe_ratio=1.25,
        win_rate=60.0,
        metrics={"expectancy": 0.5},
        raw_stats={"stake_currency": "USDT"},
    )
    page = render_backtest_report(CONFIG, result)
    assert "Profit (USDT)" in page
    assert "123.46" in page
    assert "1.250" in page
    assert "60.0 %" in page
    assert "expectancy" in page
    assert "0.5000" in page
    assert "6 / 0 / 4" in page
    assert '<td class="n pos">123.46</td>' in page
    assert "\u2014" in page  # unset metrics (Sortino...) are dashes


@pytest.mark.parametrize(
    "where",
    ["pair", "exit_reason", "open_date", "close_date"],
)
def test_every_trade_field_is_escaped(where: str) -> None:
    trade = _trade(3, 1.0, **{where: "<script>alert(1)</script>"})
    page = render_backtest_report(CONFIG, BacktestResult(total_trades=1, trades=[trade]))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_title_details_and_non_numeric_values_are_escaped() -> None:
    trade = _trade(3, 1.0, profit_abs="<b>x</b>")
    page = render_backtest_report(
        CONFIG,
        BacktestResult(total_trades=1, trades=[trade]),
        title="<i>t</i>",
        details={"<k>": "<v>"},
    )
    assert "<i>" not in page
    assert "&lt;i&gt;t&lt;/i&gt;" in page
    assert "&lt;k&gt;" in page
    assert "&lt;v&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<b>" not in page


def test_zero_trades_still_draw_flat_charts() -> None:
    page = render_backtest_report(CONFIG, BacktestResult(), starting_balance=1000.0)
    assert "No trades." in page
    equity = _polyline(page, 0)
    assert len({y for _, y in equity}) == 1  # flat
    assert "2024-02-01" in page
    assert "2024-03-01" in page


def test_equity_steps_by_profit_at_close_times_from_the_starting_balance() -> None:
    trades = [_trade(5, -50.0), _trade(3, 100.0), _trade(7, 25.0)]
    result = BacktestResult(total_trades=3, trades=trades, raw_stats={"starting_balance": 1000})
    page = render_backtest_report(CONFIG, result)
    equity = _polyline(page, 0)
    ys = [y for _, y in equity]
    # start, +100 (day 3), -50 (day 5), +25 (day 7), end: screen y shrinks as value grows
    assert len(ys) == 5
    assert ys[1] < ys[0]
    assert ys[2] > ys[1]
    assert ys[3] < ys[2]
    assert ys[4] == ys[3]
    xs = [x for x, _ in equity]
    assert xs == sorted(xs)
    assert "1,000.00" in page  # the starting balance, in the header and on the axis
    drawdown = _polyline(page, 1)
    assert drawdown[0][1] == drawdown[1][1]  # no drawdown before the first loss
    assert drawdown[2][1] > drawdown[1][1]  # the loss is below the peak


def test_starting_balance_argument_wins_and_defaults_to_zero() -> None:
    result = BacktestResult(raw_stats={"starting_balance": 5000})
    assert "7,777.00" in render_backtest_report(CONFIG, result, starting_balance=7777.0)
    assert "5,000.00" in render_backtest_report(CONFIG, result)
    page = render_backtest_report(CONFIG, BacktestResult(raw_stats={"starting_balance": "x"}))
    assert "<th>Starting balance</th><td>0.00</td>" in page


def test_close_time_comes_from_timestamp_then_date_and_bad_ones_are_not_charted() -> None:
    trades = [
        _trade(3, 10.0, close_timestamp=1707100000000),  # ms wins over close_date
        _trade(4, 10.0, close_date="2024-02-04T06:00:00"),  # naive: read as UTC
        _trade(5, 10.0, close_date="not a date"),
        _trade(6, 10.0, close_date=None),
        _trade(7, 10.0, profit_abs=None),
    ]
    page = render_backtest_report(CONFIG, BacktestResult(total_trades=5, trades=trades))
    assert len(_polyline(page, 0)) == 4  # start, two charted trades, end
    assert page.count('<tr><td class="n">') == 5  # every trade is listed


def test_trades_after_the_range_extend_the_chart() -> None:
    late = _trade(1, 10.0, close_date="2024-04-15 00:00:00+00:00")
    page = render_backtest_report(CONFIG, BacktestResult(total_trades=1, trades=[late]))
    assert "2024-04-15" in page


def test_short_trades_are_marked() -> None:
    page = render_backtest_report(
        CONFIG, BacktestResult(total_trades=1, trades=[_trade(2, -1.0, is_short=True)])
    )
    assert "<td>short</td>" in page
    assert '<td class="n neg">' in page


def test_trades_table_is_capped_with_a_note() -> None:
    trades = [_trade(2, 0.0) for _ in range(MAX_REPORT_TRADES + 3)]
    page = render_backtest_report(CONFIG, BacktestResult(total_trades=len(trades), trades=trades))
    assert f"Showing the first {MAX_REPORT_TRADES:,d} of {MAX_REPORT_TRADES + 3:,d}" in page
    assert page.count("<td>exit_signal</td>") == MAX_REPORT_TRADES


def test_write_creates_parents_and_replaces_atomically(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.html"
    written = write_backtest_report(target, CONFIG, BacktestResult(), title="first")
    assert written == target
    assert "first" in target.read_text()
    write_backtest_report(target, CONFIG, BacktestResult(), title="second")
    assert "second" in target.read_text()
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]


def test_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.mkdir()  # os.replace cannot put a file over a directory
    with pytest.raises(OSError):
        write_backtest_report(target, CONFIG, BacktestResult())
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


def test_a_one_day_range_without_trades_still_has_a_time_axis() -> None:
    config = CONFIG.model_copy(update={"end_date": "2024-02-01"})
    page = render_backtest_report(config, BacktestResult())
    assert "2024-02-02" in page  # the axis spans one day
