"""What the ``tradai`` commands print: rich tables, messages and JSON documents.

Results go to standard output, messages and progress to standard error, so
``tradai backtest --json > result.json`` captures exactly one JSON document.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tradai.common.entities.backtest import BacktestResult
    from tradai.common.entities.hyperopt import TrialResult

__all__ = [
    "Consoles",
    "format_value",
    "metrics_table",
    "params_table",
    "series_table",
    "trials_table",
    "write_json",
]

_DASH = "\u2014"
#: The most trials the hyperopt table lists (the best ones when there are more).
MAX_TRIAL_ROWS = 50


@dataclass(frozen=True)
class Consoles:
    """The two consoles of a command.

    Attributes:
        out: Standard output (results).
        err: Standard error (messages, progress).
    """

    out: Console
    err: Console

    @classmethod
    def create(cls) -> Consoles:
        """Consoles on the current ``sys.stdout``/``sys.stderr``.

        Returns:
            The pair.
        """
        return cls(out=Console(highlight=False), err=Console(stderr=True, highlight=False))

    def error(self, message: str) -> None:
        """Print a red error message on stderr.

        Args:
            message: Plain text (markup characters are escaped).
        """
        self.err.print(f"[bold red]error:[/bold red] {escape(message)}", soft_wrap=True)

    def warning(self, message: str) -> None:
        """Print a yellow warning on stderr.

        Args:
            message: Plain text.
        """
        self.err.print(f"[yellow]warning:[/yellow] {escape(message)}", soft_wrap=True)

    def note(self, message: str) -> None:
        """Print a plain message on stderr.

        Args:
            message: Plain text.
        """
        self.err.print(escape(message), soft_wrap=True)

    def line(self, label: str, value: str) -> None:
        """Print ``label: value`` on stdout, never wrapped (paths stay copyable).

        Args:
            label: The label.
            value: The value (plain text).
        """
        self.out.print(f"[bold]{escape(label)}:[/bold] {escape(value)}", soft_wrap=True)


def write_json(document: Mapping[str, Any]) -> None:
    """Write one JSON document and a newline to standard output.

    Args:
        document: JSON-compatible data (non-finite floats become ``null``).
    """
    sys.stdout.write(json.dumps(_finite(document), indent=2, sort_keys=True) + "\n")
    sys.stdout.flush()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def format_value(value: object, digits: int = 2, suffix: str = "") -> str:
    """Format a number for a table (``—`` when missing).

    Args:
        value: The value.
        digits: Decimals of a float.
        suffix: Appended to a number (``" %"``).

    Returns:
        The text.

    Example:
        >>> format_value(1234.5678), format_value(None), format_value(7, suffix=" %")
        ('1,234.57', '—', '7 %')
    """
    if value is None:
        return _DASH
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,d}{suffix}"
    return f"{value:,.{digits}f}{suffix}" if math.isfinite(value) else _DASH


def metrics_table(result: BacktestResult, *, currency: str = "USDT") -> Table:
    """The summary table of a backtest.

    Args:
        result: The result.
        currency: The stake currency, for labels.

    Returns:
        A two-column table.
    """
    table = Table(title="Backtest result", show_header=True, header_style="bold")
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("trades", format_value(result.total_trades)),
        ("win rate", format_value(result.win_rate, 1, " %")),
        (f"profit ({currency})", format_value(result.total_profit)),
        ("profit (%)", format_value(result.total_profit_pct, 2, " %")),
        ("profit factor", format_value(result.profit_factor, 3)),
        ("Sharpe", format_value(result.sharpe_ratio, 3)),
        ("Sortino", format_value(result.sortino_ratio, 3)),
        ("Calmar", format_value(result.calmar_ratio, 3)),
        ("SQN", format_value(result.sqn, 3)),
        ("CAGR", format_value(result.cagr, 4)),
        (f"max drawdown ({currency})", format_value(result.max_drawdown)),
        ("max drawdown (%)", format_value(result.max_drawdown_pct, 2, " %")),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def _when(value: object) -> str:
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return _DASH if value is None else str(value)


def series_table(rows: Sequence[Mapping[str, Any]], *, title: str) -> Table:
    """A table of stored series.

    Args:
        rows: Dicts with ``pair``, ``timeframe``, ``first``, ``last`` (UTC datetimes or
            ``None``), ``candles``.
        title: The table title.

    Returns:
        The table.
    """
    table = Table(title=title, header_style="bold")
    for name, justify in (
        ("pair", "left"),
        ("timeframe", "left"),
        ("first", "left"),
        ("last", "left"),
        ("candles", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]  # literal values
    for row in rows:
        table.add_row(
            str(row["pair"]),
            str(row["timeframe"]),
            _when(row["first"]),
            _when(row["last"]),
            format_value(row["candles"]),
        )
    return table


def trials_table(trials: Sequence[TrialResult], best: TrialResult) -> Table:
    """A table of hyperopt trials, the best one marked with ``*``.

    Lists every trial up to :data:`MAX_TRIAL_ROWS`, else the best ones by loss.

    Args:
        trials: The trials.
        best: The best trial.

    Returns:
        The table.
    """
    shown = list(trials)
    title = f"Hyperopt trials ({len(shown)})"
    if len(shown) > MAX_TRIAL_ROWS:
        shown = sorted(shown, key=lambda t: (t.loss, t.number))[:MAX_TRIAL_ROWS]
        title += f", best {MAX_TRIAL_ROWS} shown"
    table = Table(title=title, header_style="bold")
    for name in ("", "trial", "loss", "trades", "profit %", "max dd %", "params"):
        table.add_column(name, justify="left" if name in {"", "params"} else "right")
    for trial in shown:
        params = ", ".join(f"{k}={v}" for k, v in sorted(trial.params.items()))
        table.add_row(
            "*" if trial.number == best.number else "",
            str(trial.number),
            format_value(trial.loss, 5),
            format_value(trial.total_trades),
            format_value(trial.total_profit_pct, 2),
            format_value(trial.max_drawdown_pct, 2),
            escape(params),
        )
    return table


def params_table(params: Mapping[str, Any], *, title: str) -> Table:
    """A two-column table of parameters.

    Args:
        params: Name -> value.
        title: The table title.

    Returns:
        The table.
    """
    table = Table(title=title, header_style="bold")
    table.add_column("parameter")
    table.add_column("value", justify="right")
    for key, value in sorted(params.items()):
        table.add_row(escape(str(key)), escape(str(value)))
    return table
