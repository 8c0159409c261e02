"""Backtest result parsing for the training entrypoint.

The training handler runs a Freqtrade backtest of the freshly trained FreqAI model and
reports its metrics. Reading that result is exactly what
:mod:`tradai.common.freqtrade.results` does, so this module only gives the training
pipeline its named entry point and re-exports the parser — there is one implementation.

Example:
    >>> import tradai.common.freqtrade.results as results
    >>> parse_backtest_result is results.parse_backtest_result
    True
    >>> result_from_stats({"total_trades": 3, "wins": 2, "winrate": 2 / 3}).win_rate
    66.66666666666666
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradai.common.freqtrade.results import (
    ParsedBacktest,
    parse_backtest_result,
    result_from_stats,
)

if TYPE_CHECKING:
    import os

__all__ = [
    "ParsedBacktest",
    "parse_backtest_result",
    "parse_training_backtest",
    "result_from_stats",
]


def parse_training_backtest(
    path: str | os.PathLike[str], *, strategy: str | None = None
) -> ParsedBacktest:
    """Read the backtest result of a training run.

    Same as :func:`~tradai.common.freqtrade.results.parse_backtest_result`: pass the
    backtest directory the training run wrote to (its latest result is read), or the
    result ``.zip``/``.json`` itself.

    Args:
        path: A backtest directory, a result ``.zip`` or a stats ``.json``.
        strategy: The strategy to read; needed only when the result holds several.

    Returns:
        The parsed result: ``.result`` (a ``BacktestResult``), ``.stats``, ``.meta``...

    Raises:
        NotFoundError: If there is no result at ``path``.
        ValidationError: If the result cannot be read or the strategy is ambiguous.

    Example:
        >>> parse_training_backtest("/nonexistent/backtest_results")
        Traceback (most recent call last):
        ...
        tradai.common.exceptions.NotFoundError: backtest result /nonexistent/... does not exist ...
    """
    return parse_backtest_result(path, strategy=strategy)
