"""What the commands print: tables, messages and JSON."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from rich.console import Console

from tradai.common.cli._render import (
    MAX_TRIAL_ROWS,
    Consoles,
    format_value,
    metrics_table,
    params_table,
    series_table,
    trials_table,
    write_json,
)
from tradai.common.entities.backtest import BacktestResult
from tradai.common.entities.hyperopt import TrialResult


def _text(renderable: object) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=160).print(renderable)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (None, {}, "\u2014"),
        (3, {}, "3"),
        (12345, {"suffix": " %"}, "12,345 %"),
        (1.23456, {"digits": 3}, "1.235"),
        (float("nan"), {}, "\u2014"),
        (True, {}, "True"),
        ("x", {}, "x"),
    ],
)
def test_format_value(value: object, kwargs: dict[str, object], expected: str) -> None:
    assert format_value(value, **kwargs) == expected  # type: ignore[arg-type]


def test_metrics_table_lists_the_headline_metrics() -> None:
    result = BacktestResult(
        total_trades=90, win_rate=34.4, total_profit=309.7, total_profit_pct=14.7,
        profit_factor=1.16, sharpe_ratio=0.71, sortino_ratio=2.48, calmar_ratio=8.95,
        sqn=0.58, cagr=0.4, max_drawdown=517.26, max_drawdown_pct=21.1,
    )  # fmt: skip
    text = _text(metrics_table(result, currency="USDC"))
    for label in ("trades", "win rate", "profit (USDC)", "profit factor", "Sharpe", "Sortino",
                  "Calmar", "SQN", "CAGR", "max drawdown (USDC)", "max drawdown (%)"):  # fmt: skip
        assert label in text
    assert "309.70" in text
    assert "34.4 %" in text
    assert "21.10 %" in text


def test_series_table_formats_times_and_missing_values() -> None:
    when = dt.datetime(2024, 1, 1, 5, tzinfo=dt.UTC)
    rows = [
        {"pair": "BTC/USDT", "timeframe": "1h", "first": when, "last": None, "candles": 0},
        {"pair": "ETH/USDT", "timeframe": "1h", "first": "?", "last": when, "candles": 4368},
    ]
    text = _text(series_table(rows, title="t"))
    assert "2024-01-01 05:00" in text
    assert "\u2014" in text
    assert "4,368" in text


def test_trials_table_marks_the_best_and_caps_the_rows() -> None:
    trials = [
        TrialResult(number=n, params={"fast": n}, loss=float(-n % 7), total_trades=n)
        for n in range(MAX_TRIAL_ROWS + 5)
    ]
    best = TrialResult.best(trials)
    text = _text(trials_table(trials, best))
    assert f"best {MAX_TRIAL_ROWS} shown" in text
    assert text.count("*") == 1
    few = _text(trials_table(trials[:3], TrialResult.best(trials[:3])))
    assert "Hyperopt trials (3)" in few
    assert "fast=2" in few


def test_params_table_escapes_markup() -> None:
    text = _text(params_table({"buy_[red]x[/red]": 1}, title="Best"))
    assert "buy_[red]x[/red]" in text


def test_write_json_writes_one_document_with_non_finite_values_as_null(
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_json({"a": float("inf"), "b": [1.5, float("nan")], "c": (1, 2), "d": {"e": "f"}})
    assert json.loads(capsys.readouterr().out) == {
        "a": None, "b": [1.5, None], "c": [1, 2], "d": {"e": "f"},
    }  # fmt: skip


def test_messages_go_to_stderr_and_results_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    consoles = Consoles.create()
    consoles.error("bad [value]")
    consoles.warning("careful")
    consoles.note("fyi")
    consoles.line("report", "/tmp/" + "x" * 200 + ".html")
    captured = capsys.readouterr()
    assert "error: bad [value]" in captured.err
    assert "warning: careful" in captured.err
    assert "fyi" in captured.err
    assert captured.out.strip() == "report: /tmp/" + "x" * 200 + ".html"  # never wrapped
