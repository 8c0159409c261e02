"""Freqtrade integration: backtests, hyperopts and FreqAI models driven by the library.

Importing this package loads nothing else (no freqtrade, no pandas); each name is imported
on first use, and Freqtrade itself only ever runs as a subprocess (extra ``freqtrade``).

* :class:`FreqtradeBacktester` — ``BacktestConfig`` + candles from a ``DataRepository`` →
  Freqtrade → ``BacktestResult`` (:class:`BacktestRun`).
* :class:`FreqtradeHyperopter` — ``OptunaHyperoptConfig`` → ``TrialResult`` s and the best
  parameters (:class:`HyperoptRun`).
* :class:`FreqtradeCLIBuilder` (validated argv lists) and :class:`FreqtradeRunner`
  (process-group timeouts, cancellation, streamed output).
* :class:`OfflineExchange` — the local exchange-metadata endpoint that lets Freqtrade run
  without internet.
* :func:`parse_backtest_result` / :func:`result_from_stats` — result zip → ``BacktestResult``;
  :class:`FreqAIModelRegistry` — FreqAI model directories.

Example:
    >>> import tradai.common.freqtrade as ft
    >>> "FreqtradeBacktester" in ft.__all__
    True
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from tradai.common.freqtrade.backtester import (
        DEFAULT_FREQAI_CONFIG,
        BacktestRun,
        FreqtradeBacktester,
    )
    from tradai.common.freqtrade.cli import FreqtradeCLIBuilder
    from tradai.common.freqtrade.config_builder import (
        build_freqtrade_config,
        trading_mode_for,
    )
    from tradai.common.freqtrade.data_export import (
        CandleExporter,
        ExportedSeries,
        check_coverage,
        freqtrade_data_filename,
    )
    from tradai.common.freqtrade.errors import FreqtradeError, MissingCandlesError
    from tradai.common.freqtrade.hyperopt import FreqtradeHyperopter, HyperoptRun
    from tradai.common.freqtrade.offline_exchange import OfflineExchange, exchange_info
    from tradai.common.freqtrade.registry import FreqAIModel, FreqAIModelRegistry
    from tradai.common.freqtrade.results import (
        ParsedBacktest,
        parse_backtest_result,
        parse_hyperopt_results,
        result_from_stats,
    )
    from tradai.common.freqtrade.runner import FreqtradeRunner, ProcessOutcome, find_freqtrade
    from tradai.common.freqtrade.strategies import SAMPLE_STRATEGY, sample_strategy_dir

__all__ = [
    "DEFAULT_FREQAI_CONFIG",
    "SAMPLE_STRATEGY",
    "BacktestRun",
    "CandleExporter",
    "ExportedSeries",
    "FreqAIModel",
    "FreqAIModelRegistry",
    "FreqtradeBacktester",
    "FreqtradeCLIBuilder",
    "FreqtradeError",
    "FreqtradeHyperopter",
    "FreqtradeRunner",
    "HyperoptRun",
    "MissingCandlesError",
    "OfflineExchange",
    "ParsedBacktest",
    "ProcessOutcome",
    "build_freqtrade_config",
    "check_coverage",
    "exchange_info",
    "find_freqtrade",
    "freqtrade_data_filename",
    "parse_backtest_result",
    "parse_hyperopt_results",
    "result_from_stats",
    "sample_strategy_dir",
    "trading_mode_for",
]

_PKG = "tradai.common.freqtrade"
_EXPORTS = {
    "DEFAULT_FREQAI_CONFIG": f"{_PKG}.backtester",
    "BacktestRun": f"{_PKG}.backtester",
    "FreqtradeBacktester": f"{_PKG}.backtester",
    "FreqtradeCLIBuilder": f"{_PKG}.cli",
    "build_freqtrade_config": f"{_PKG}.config_builder",
    "trading_mode_for": f"{_PKG}.config_builder",
    "CandleExporter": f"{_PKG}.data_export",
    "ExportedSeries": f"{_PKG}.data_export",
    "check_coverage": f"{_PKG}.data_export",
    "freqtrade_data_filename": f"{_PKG}.data_export",
    "FreqtradeError": f"{_PKG}.errors",
    "MissingCandlesError": f"{_PKG}.errors",
    "FreqtradeHyperopter": f"{_PKG}.hyperopt",
    "HyperoptRun": f"{_PKG}.hyperopt",
    "OfflineExchange": f"{_PKG}.offline_exchange",
    "exchange_info": f"{_PKG}.offline_exchange",
    "FreqAIModel": f"{_PKG}.registry",
    "FreqAIModelRegistry": f"{_PKG}.registry",
    "ParsedBacktest": f"{_PKG}.results",
    "parse_backtest_result": f"{_PKG}.results",
    "parse_hyperopt_results": f"{_PKG}.results",
    "result_from_stats": f"{_PKG}.results",
    "FreqtradeRunner": f"{_PKG}.runner",
    "ProcessOutcome": f"{_PKG}.runner",
    "find_freqtrade": f"{_PKG}.runner",
    "SAMPLE_STRATEGY": f"{_PKG}.strategies",
    "sample_strategy_dir": f"{_PKG}.strategies",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
