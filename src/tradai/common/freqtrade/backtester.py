"""Run a Freqtrade backtest from a :class:`~tradai.common.entities.backtest.BacktestConfig`.

:class:`FreqtradeBacktester` is the library's main job: market data → Freqtrade →
:class:`~tradai.common.entities.backtest.BacktestResult`. One :meth:`FreqtradeBacktester.run`:

1. **validates everything before any process starts**: the config's exchange and symbols
   (:func:`~tradai.common.freqtrade.config_builder.trading_mode_for`), the strategy source
   (copied into the run directory; the class must be defined there), the FreqAI model name,
   and that the data store holds every candle of ``[start_date, end_date)`` (for FreqAI
   from its training window's start) for every pair
   (:class:`~tradai.common.freqtrade.errors.MissingCandlesError` otherwise) — one read per
   pair, by :class:`~tradai.common.freqtrade.data_export.CandleExporter`;
2. exports those candles (plus the strategy's warm-up when stored) in Freqtrade's feather
   format, spot or futures naming;
3. writes the Freqtrade config (offline exchange metadata wired through
   ``exchange.ccxt_config`` unless ``offline=False``) and the strategy parameter file;
4. runs ``freqtrade backtesting`` through :class:`~tradai.common.freqtrade.runner.FreqtradeRunner`
   (process-group timeout, cancellation, output streamed to the logger) — success means a
   *new* result zip in this run's fresh backtest directory;
5. parses that zip into a :class:`BacktestRun` with every metric and the trades.

Decisions where the issue is silent:

* Date range: Freqtrade's ``--timerange`` is ``start_date-end_date``, i.e. candles with open
  time in ``[start_date 00:00, end_date 00:00)`` UTC; that is the range that must be stored.
* FreqAI: ``freqai_model`` (e.g. ``LightGBMRegressor``) turns FreqAI on; the ``freqai``
  block comes from ``StrategyConfig.freqai`` or :data:`DEFAULT_FREQAI_CONFIG`; its
  ``identifier`` gets the run's stamp appended, because FreqAI silently reuses predictions
  stored under the same identifier. Its training window (``train_period_days`` before the
  start) must be stored too.
* The strategy files are copied, so hyperopt parameter files next to the user's strategy
  are never picked up implicitly; ``StrategyConfig.buy_params``/``sell_params`` are written
  as the strategy's parameter file instead.
"""

from __future__ import annotations

import copy
import datetime as _dt
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade._workspace import (
    FreqtradeJob,
    RunLayout,
    copy_strategy,
    parse_startup_candles,
    utc_day,
)

if TYPE_CHECKING:
    import os
    import threading
    from collections.abc import Callable

    from tradai.common.config.catalog import StrategyConfig
    from tradai.common.entities.backtest import BacktestConfig, BacktestResult
    from tradai.common.freqtrade.data_export import ExportedSeries

__all__ = ["DEFAULT_FREQAI_CONFIG", "BacktestRun", "FreqtradeBacktester"]

_MODEL_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")

#: The FreqAI block used when a FreqAI model is asked for and the strategy config has none:
#: small and fast (a few LightGBM trees per 30-day window), for trying FreqAI out.
DEFAULT_FREQAI_CONFIG: dict[str, Any] = {
    "enabled": True,
    "identifier": "tradai",
    "purge_old_models": 2,
    "train_period_days": 30,
    "backtest_period_days": 30,
    "live_retrain_hours": 0,
    "expiration_hours": 0,
    "fit_live_predictions_candles": 0,
    "save_backtest_models": True,
    "feature_parameters": {
        "include_timeframes": [],
        "include_corr_pairlist": [],
        "label_period_candles": 12,
        "include_shifted_candles": 1,
        "DI_threshold": 0,
        "weight_factor": 0,
        "indicator_periods_candles": [10, 20],
        "principal_component_analysis": False,
        "use_SVM_to_remove_outliers": False,
    },
    "data_split_parameters": {"test_size": 0.25, "random_state": 1, "shuffle": False},
    "model_training_parameters": {"n_estimators": 50, "num_leaves": 15, "verbosity": -1},
}


@dataclass(frozen=True)
class BacktestRun:
    """What one backtest produced.

    Attributes:
        result: Every metric of the run plus its trades.
        result_file: Freqtrade's result zip.
        config_file: The Freqtrade config the run used.
        workdir: The run directory.
        duration_seconds: Wall time of the whole run (preparation, Freqtrade, parsing).
        exported: The candle files written for Freqtrade.
        stats: Freqtrade's stats of the strategy (as in the result file).
    """

    result: BacktestResult
    result_file: Path
    config_file: Path
    workdir: Path
    duration_seconds: float
    exported: tuple[ExportedSeries, ...]
    stats: dict[str, Any]


def _freqai_block(
    timeframe: str, strategy_config: StrategyConfig | None, stamp: str
) -> dict[str, Any]:
    given = strategy_config.freqai if strategy_config is not None else None
    block = copy.deepcopy(dict(given) if given else DEFAULT_FREQAI_CONFIG)
    block["enabled"] = True
    block["identifier"] = f"{block.get('identifier') or 'tradai'}-{stamp}"
    features = block.setdefault("feature_parameters", {})
    if not features.get("include_timeframes"):
        features["include_timeframes"] = [timeframe]
    return block


class FreqtradeBacktester(FreqtradeJob):
    """Run backtests with Freqtrade on candles from a :class:`DataRepository`.

    Args:
        data: The market data store the candles come from.
        workdir: Directory of the runs (one sub-directory per run is NOT made: each run
            gets a fresh ``results/<stamp>/``; data, config and strategies are rewritten).
        runner: The process runner (default: a :class:`FreqtradeRunner` on the installed
            ``freqtrade``).
        offline: Serve the exchange's market metadata from a local endpoint (default).
        timeout: Seconds one Freqtrade process may run before its process group is killed.

    Example:
        >>> from tradai.common.repositories.memory_market_data import InMemoryDataRepository
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     backtester = FreqtradeBacktester(InMemoryDataRepository(), workdir=tmp)
        >>> backtester.offline
        True
    """

    def run(
        self,
        config: BacktestConfig,
        *,
        strategy_path: str | os.PathLike[str] | None = None,
        strategy_config: StrategyConfig | None = None,
        freqai_model: str | None = None,
        cancel: threading.Event | None = None,
        on_line: Callable[[str, str], None] | None = None,
    ) -> BacktestRun:
        """Run one backtest (see the module docstring for the steps).

        Args:
            config: What to backtest.
            strategy_path: The strategy's ``.py`` file or directory (``None``: the bundled
                sample strategies).
            strategy_config: Parameters (``buy_params``/``sell_params``, config overrides
                in ``parameters``, a ``freqai`` block).
            freqai_model: A FreqAI model class (e.g. ``"LightGBMRegressor"``) to turn
                FreqAI on.
            cancel: Set it to stop the run (the process group is killed).
            on_line: Called with ``(stream, line)`` for each line Freqtrade prints.

        Returns:
            The run's result and files.

        Raises:
            ValidationError: For bad input, before anything runs (``MissingCandlesError``
                when the store lacks candles of the range).
            FreqtradeError: If Freqtrade fails, times out, is cancelled or writes no result.
        """
        from tradai.common.freqtrade.cli import FreqtradeCLIBuilder
        from tradai.common.freqtrade.config_builder import (
            build_freqtrade_config,
            trading_mode_for,
            write_config,
            write_strategy_params,
        )
        from tradai.common.freqtrade.data_export import CandleExporter
        from tradai.common.freqtrade.results import parse_backtest_result

        started = time.monotonic()
        if freqai_model is not None and not _MODEL_NAME_RE.fullmatch(freqai_model):
            raise ValidationError(
                f"freqai_model {freqai_model[:40]!r} is not a class name", field="freqai_model"
            )
        mode = trading_mode_for(config)
        layout = RunLayout.create(self._workdir)
        strategy_file = copy_strategy(config.strategy, strategy_path, layout.strategies)
        start, end = utc_day(config.start_date), utc_day(config.end_date)
        if end <= start:
            raise ValidationError("end_date must be after start_date", field="end_date")
        overrides: dict[str, Any] = {}
        required_start = start  # FreqAI also trains on the days before the range
        if freqai_model is not None:
            block = _freqai_block(config.timeframe, strategy_config, layout.stamp)
            overrides["freqai"] = block
            required_start = start - _dt.timedelta(days=float(block.get("train_period_days", 0)))
        # checks every candle of [required_start, end) is stored before writing anything
        exported = CandleExporter(self._data).export(
            config.symbols,
            config.timeframe,
            required_start,
            end,
            layout.datadir,
            trading_mode=mode,
            warmup_candles=parse_startup_candles(strategy_file),
        )
        if strategy_config is not None:
            write_strategy_params(layout.strategies, config.strategy, strategy_config)
        builder = (
            FreqtradeCLIBuilder(layout.root)
            .backtesting()
            .config(layout.config_file)
            .strategy(config.strategy)
            .strategy_path(layout.strategies)
            .timerange(config.timerange)
            .datadir(layout.datadir)
            .backtest_directory(layout.results)
            .cache("none")
            .export("trades")
        )
        if freqai_model is not None:
            builder.freqai_model(freqai_model)
        args = builder.build()
        self.logger.info(
            "backtesting %s on %s %s %s",
            config.strategy,
            ",".join(config.symbols),
            config.timeframe,
            config.timerange,
        )

        def write(ccxt_config: dict[str, Any] | None) -> Path:
            return write_config(
                layout.config_file,
                build_freqtrade_config(
                    config,
                    user_data_dir=layout.user_data,
                    strategy_config=strategy_config,
                    ccxt_config=ccxt_config,
                    overrides=overrides,
                ),
            )

        self._run_freqtrade(
            args,
            layout,
            pairs=config.symbols,
            mode=mode,
            write_config=write,
            result_dir=layout.results,
            result_glob="backtest-result-*.zip",
            cancel=cancel,
            on_line=on_line,
        )
        parsed = parse_backtest_result(layout.results, strategy=config.strategy)
        return BacktestRun(
            result=parsed.result,
            result_file=parsed.result_file,
            config_file=layout.config_file,
            workdir=layout.root,
            duration_seconds=time.monotonic() - started,
            exported=tuple(exported),
            stats=parsed.stats,
        )
