"""A self-contained HTML report of one backtest: metrics, equity and drawdown, trades.

:func:`render_backtest_report` turns a :class:`~tradai.common.entities.backtest.BacktestConfig`
and its :class:`~tradai.common.entities.backtest.BacktestResult` into ONE HTML document
that needs nothing else to display: the style sheet is inline, both charts are inline SVG
drawn here from the trades, and a Content-Security-Policy forbids any script or network
access. :func:`write_backtest_report` writes it atomically.

Decisions where the issue is silent:

* The equity curve starts at ``starting_balance`` (argument, else
  ``result.raw_stats["starting_balance"]``, else 0 — the curve is then the cumulative
  profit) on the backtest's start date and steps by each closed trade's ``profit_abs`` at
  its close time (``close_timestamp`` in ms, else ``close_date``). Trades without a
  usable close time or profit are listed but not charted.
* The drawdown chart is the distance below the running peak of that curve, in stake
  currency (0 or negative).
* At most :data:`MAX_REPORT_TRADES` trades are listed (with a note saying how many were
  left out); the charts always use every trade.
* Every value that comes from the config, the result or the caller is HTML-escaped;
  numbers are formatted, missing ones shown as ``—``.

Example:
    >>> from tradai.common.entities.backtest import BacktestConfig, BacktestResult
    >>> config = BacktestConfig(strategy="SampleSmaCrossover", timeframe="1h",
    ...     start_date="2024-02-01", end_date="2024-06-30", symbols=["BTC/USDT"])
    >>> trade = {"pair": "BTC/USDT", "open_date": "2024-02-02 10:00:00+00:00",
    ...          "close_date": "2024-02-03 10:00:00+00:00", "profit_ratio": 0.02,
    ...          "profit_abs": 20.0, "exit_reason": "<roi>"}
    >>> page = render_backtest_report(config, BacktestResult(total_trades=1, trades=[trade]),
    ...                               starting_balance=1000.0)
    >>> "<svg" in page, "&lt;roi&gt;" in page, "<roi>" in page
    (True, True, False)
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradai.common._files import write_text_atomic

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tradai.common.entities.backtest import BacktestConfig, BacktestResult

__all__ = ["MAX_REPORT_TRADES", "render_backtest_report", "write_backtest_report"]

#: The most trades the report's table lists.
MAX_REPORT_TRADES = 5000

_DASH = "\u2014"
_WIDTH, _HEIGHT = 920, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 78, 16, 14, 30
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
background:#f6f7f9;color:#1d2330}
main{max-width:960px;margin:0 auto;padding:24px}
h1{font-size:1.5rem;margin:0 0 12px}h2{font-size:1.1rem;margin:28px 0 8px}
table{border-collapse:collapse;background:#fff;width:100%;font-size:.9rem}
th,td{padding:5px 10px;border-bottom:1px solid #e3e6ec;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.kv th{width:30%;color:#55607a;font-weight:500}
.pos{color:#16794c}.neg{color:#b42318}.note{color:#55607a;font-size:.85rem}
svg{background:#fff;display:block;width:100%;height:auto}
svg text{font-size:11px;fill:#55607a}
.grid{stroke:#e3e6ec;stroke-width:1}
footer{margin-top:32px;color:#8a93a6;font-size:.8rem}
"""


@dataclass(frozen=True, slots=True)
class _Point:
    at: float  # epoch seconds
    value: float


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _fmt(value: object, digits: int = 2, suffix: str = "") -> str:
    number = _number(value)
    if number is None:
        return _DASH if value is None else _esc(value)
    if isinstance(value, int):
        return f"{value:,d}{suffix}"
    return f"{number:,.{digits}f}{suffix}"


def _signed_class(value: object) -> str:
    number = _number(value)
    if number is None or number == 0:
        return "n"
    return "n pos" if number > 0 else "n neg"


def _day(date: str) -> float:
    return _dt.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=_dt.UTC).timestamp()


def _close_time(trade: Mapping[str, Any]) -> float | None:
    stamp = _number(trade.get("close_timestamp"))
    if stamp is not None:
        return stamp / 1000.0
    text = trade.get("close_date")
    if not isinstance(text, str):
        return None
    try:
        moment = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return moment.timestamp()


def _resolve_balance(result: BacktestResult, starting_balance: float | None) -> float:
    if starting_balance is not None:
        return float(starting_balance)
    return _number(result.raw_stats.get("starting_balance")) or 0.0


def _equity(
    trades: Sequence[Mapping[str, Any]], balance: float, start: float, end: float
) -> tuple[list[_Point], list[_Point]]:
    closed = []
    for trade in trades:
        at, profit = _close_time(trade), _number(trade.get("profit_abs"))
        if at is not None and profit is not None:
            closed.append((at, profit))
    closed.sort(key=lambda item: item[0])
    first = min([start, *(at for at, _ in closed)])
    equity, drawdown = [_Point(first, balance)], [_Point(first, 0.0)]
    value = peak = balance
    for at, profit in closed:
        value += profit
        peak = max(peak, value)
        equity.append(_Point(at, value))
        drawdown.append(_Point(at, value - peak))
    last = max(end, equity[-1].at)
    equity.append(_Point(last, value))
    drawdown.append(_Point(last, drawdown[-1].value))
    return equity, drawdown


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    step = (high - low) / count
    return [low + step * i for i in range(count + 1)]


def _svg_chart(points: Sequence[_Point], *, label: str, color: str, fill: bool) -> str:
    x0, x1 = points[0].at, points[-1].at
    if x1 <= x0:
        x1 = x0 + 86400.0
    values = [p.value for p in points]
    y0, y1 = min(values), max(values)
    if fill:
        y1 = max(y1, 0.0)
    if y1 - y0 < 1e-9:
        pad = max(abs(y1) * 0.01, 1.0)
        y0, y1 = y0 - pad, y1 + pad
    plot_w, plot_h = _WIDTH - _LEFT - _RIGHT, _HEIGHT - _TOP - _BOTTOM

    def sx(at: float) -> float:
        return _LEFT + (at - x0) / (x1 - x0) * plot_w

    def sy(value: float) -> float:
        return _TOP + (y1 - value) / (y1 - y0) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}" '
        f'role="img" aria-label="{_esc(label)}">'
    ]
    for tick in _ticks(y0, y1):
        y = sy(tick)
        parts.append(
            f'<line class="grid" x1="{_LEFT}" y1="{y:.1f}" x2="{_WIDTH - _RIGHT}" y2="{y:.1f}"/>'
            f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:,.2f}</text>'
        )
    for at, anchor in ((x0, "start"), ((x0 + x1) / 2, "middle"), (x1, "end")):
        day = _dt.datetime.fromtimestamp(at, _dt.UTC).strftime("%Y-%m-%d")
        parts.append(
            f'<text x="{sx(at):.1f}" y="{_HEIGHT - 8}" text-anchor="{anchor}">{day}</text>'
        )
    coords = " ".join(f"{sx(p.at):.1f},{sy(p.value):.1f}" for p in points)
    if fill:
        base = sy(0.0)
        parts.append(
            f'<polygon points="{sx(x0):.1f},{base:.1f} {coords} {sx(points[-1].at):.1f},'
            f'{base:.1f}" fill="{color}" fill-opacity="0.25" stroke="none"/>'
        )
    parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" stroke-width="1.6"/>')
    parts.append("</svg>")
    return "".join(parts)


def _kv_table(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv">{body}</table>'


def _metric_rows(result: BacktestResult, currency: str) -> list[tuple[str, str, str]]:
    rows = [
        ("Trades", _fmt(result.total_trades), "n"),
        (
            "Wins / draws / losses",
            f"{result.winning_trades:,d} / {result.draw_trades:,d} / {result.losing_trades:,d}",
            "n",
        ),
        ("Win rate", _fmt(result.win_rate, 1, " %"), "n"),
        (f"Profit ({currency})", _fmt(result.total_profit), _signed_class(result.total_profit)),
        ("Profit (%)", _fmt(result.total_profit_pct, 2, " %"), _signed_class(result.total_profit)),
        ("Profit factor", _fmt(result.profit_factor, 3), "n"),
        ("Sharpe", _fmt(result.sharpe_ratio, 3), "n"),
        ("Sortino", _fmt(result.sortino_ratio, 3), "n"),
        ("Calmar", _fmt(result.calmar_ratio, 3), "n"),
        ("SQN", _fmt(result.sqn, 3), "n"),
        ("CAGR", _fmt(result.cagr, 4), "n"),
        (f"Max drawdown ({currency})", _fmt(result.max_drawdown), "n"),
        ("Max drawdown (%)", _fmt(result.max_drawdown_pct, 2, " %"), "n"),
    ]
    rows.extend((key, _fmt(value, 4), "n") for key, value in sorted(result.metrics.items()))
    return rows


def _metrics_table(result: BacktestResult, currency: str) -> str:
    body = "".join(
        f'<tr><th>{_esc(name)}</th><td class="{css}">{value}</td></tr>'
        for name, value, css in _metric_rows(result, currency)
    )
    return f'<table class="kv">{body}</table>'


def _trades_table(trades: Sequence[Mapping[str, Any]]) -> str:
    if not trades:
        return '<p class="note">No trades.</p>'
    head = (
        '<tr><th class="n">#</th><th>Pair</th><th>Side</th><th>Open</th><th>Close</th>'
        '<th class="n">Profit %</th><th class="n">Profit</th><th>Exit reason</th></tr>'
    )
    rows = []
    for number, trade in enumerate(trades[:MAX_REPORT_TRADES], start=1):
        ratio = _number(trade.get("profit_ratio"))
        pct = None if ratio is None else ratio * 100
        side = "short" if trade.get("is_short") is True else "long"
        rows.append(
            f'<tr><td class="n">{number}</td><td>{_esc(trade.get("pair", ""))}</td>'
            f"<td>{side}</td><td>{_esc(trade.get('open_date', ''))}</td>"
            f"<td>{_esc(trade.get('close_date', ''))}</td>"
            f'<td class="{_signed_class(pct)}">{_fmt(pct, 2)}</td>'
            f'<td class="{_signed_class(trade.get("profit_abs"))}">'
            f"{_fmt(trade.get('profit_abs'), 4)}</td>"
            f"<td>{_esc(trade.get('exit_reason', ''))}</td></tr>"
        )
    note = ""
    if len(trades) > MAX_REPORT_TRADES:
        note = (
            f'<p class="note">Showing the first {MAX_REPORT_TRADES:,d} of {len(trades):,d} '
            "trades; the charts use all of them.</p>"
        )
    return f"{note}<table>{head}{''.join(rows)}</table>"


def render_backtest_report(
    config: BacktestConfig,
    result: BacktestResult,
    *,
    title: str | None = None,
    starting_balance: float | None = None,
    details: Mapping[str, str] | None = None,
) -> str:
    """Render the HTML report of one backtest (see the module docstring).

    Args:
        config: The backtest's configuration (header).
        result: Its result; ``trades`` feed the charts and the trades table.
        title: The page title (default ``"<strategy> backtest"``).
        starting_balance: Balance the equity curve starts from (default
            ``result.raw_stats["starting_balance"]``, else 0).
        details: Extra header rows (job id, MLflow run...), shown escaped.

    Returns:
        The complete HTML document.
    """
    heading = title or f"{config.strategy} backtest"
    currency = str(result.raw_stats.get("stake_currency") or "stake")
    balance = _resolve_balance(result, starting_balance)
    start, end = _day(config.start_date), _day(config.end_date)
    equity, drawdown = _equity(result.trades, balance, start, end)
    header_rows = [
        ("Strategy", _esc(config.strategy)),
        ("Pairs", _esc(", ".join(config.symbols))),
        ("Timeframe", _esc(config.timeframe)),
        ("Range", f"{_esc(config.start_date)} \u2192 {_esc(config.end_date)}"),
        ("Exchange", _esc(config.exchange)),
        ("Stake amount", _fmt(config.stake_amount)),
        ("Starting balance", _fmt(balance)),
        *((key, _esc(value)) for key, value in (details or {}).items()),
    ]
    generated = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(heading)}</title><style>{_STYLE}</style></head><body><main>",
            f"<h1>{_esc(heading)}</h1>",
            _kv_table(header_rows),
            "<h2>Metrics</h2>",
            _metrics_table(result, _esc(currency)),
            f"<h2>Equity ({_esc(currency)})</h2>",
            _svg_chart(equity, label="equity curve", color="#2f6fdf", fill=False),
            f"<h2>Drawdown ({_esc(currency)})</h2>",
            _svg_chart(drawdown, label="drawdown", color="#b42318", fill=True),
            f"<h2>Trades ({len(result.trades):,d})</h2>",
            _trades_table(result.trades),
            f"<footer>Generated by tradai-common on {generated}.</footer>",
            "</main></body></html>\n",
        ]
    )


def write_backtest_report(
    path: str | os.PathLike[str],
    config: BacktestConfig,
    result: BacktestResult,
    **kwargs: Any,
) -> Path:
    """Render the report and write it atomically (parent directories are created).

    Args:
        path: Where to write the ``.html`` file.
        config: The backtest's configuration.
        result: Its result.
        **kwargs: Passed to :func:`render_backtest_report` (``title``,
            ``starting_balance``, ``details``).

    Returns:
        The absolute path written.

    Example:
        >>> import tempfile, pathlib
        >>> from tradai.common.entities.backtest import BacktestConfig, BacktestResult
        >>> config = BacktestConfig(strategy="S", timeframe="1h", start_date="2024-01-01",
        ...                         end_date="2024-01-31", symbols=["BTC/USDT"])
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = write_backtest_report(pathlib.Path(tmp, "r.html"), config, BacktestResult())
        ...     out.read_text().startswith("<!DOCTYPE html>")
        True
    """
    target = Path(path).absolute()
    write_text_atomic(target, render_backtest_report(config, result, **kwargs))
    return target
