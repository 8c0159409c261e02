"""The training entrypoint's reusable parts (see ``design.md``: ``entrypoint/training/``).

So far: :mod:`~tradai.common.entrypoint.training.result_parser`, which reads the backtest
Freqtrade runs after training a FreqAI model. Importing this package loads nothing else;
each name is imported on first use.

Example:
    >>> from tradai.common.entrypoint.training import parse_training_backtest
    >>> parse_training_backtest.__module__
    'tradai.common.entrypoint.training.result_parser'
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from tradai.common.entrypoint.training.result_parser import (
        ParsedBacktest,
        parse_backtest_result,
        parse_training_backtest,
        result_from_stats,
    )

__all__ = [
    "ParsedBacktest",
    "parse_backtest_result",
    "parse_training_backtest",
    "result_from_stats",
]

_EXPORTS = dict.fromkeys(__all__, "tradai.common.entrypoint.training.result_parser")

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
