"""Run a Freqtrade hyperopt from an :class:`~tradai.common.entities.hyperopt.OptunaHyperoptConfig`.

:class:`FreqtradeHyperopter` validates the config, exports the candles like the backtester,
and runs ``freqtrade hyperopt`` on a generated subclass of the strategy that carries the
config's choices Freqtrade otherwise only reads from strategy code:

* every :class:`~tradai.common.entities.hyperopt.HyperparamSearchSpace` becomes a Freqtrade
  parameter (``IntParameter``, ``DecimalParameter``/``RealParameter``,
  ``CategoricalParameter``, ``BooleanParameter``) overriding the strategy's own;
* the Optuna sampler (``sampler``) is returned by the subclass's ``HyperOpt.generate_estimator``.

The generated file only holds literals rendered with ``repr`` from validated entities.
The run returns every trial as a :class:`~tradai.common.entities.hyperopt.TrialResult` and the
best parameters. Freqtrade is called with ``--disable-param-export`` and works on copies of
the strategy files, so no ``<Strategy>.json`` parameter file is left behind for later
backtests to load silently (a test proves the user's strategy directory is unchanged).

Decisions where the issue is silent:

* An open-ended timerange (``20240101-``) runs over the whole days every pair has stored:
  from the first midnight after all pairs start, to the midnight before the first pair ends.
* The exchange defaults to ``binance`` (spot); pass ``exchange="binance_futures"`` with
  ``BASE/QUOTE:SETTLE`` pairs for futures.
"""

from __future__ import annotations

import datetime as _dt
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradai.common.entities.hyperopt import HyperoptSampler, ParamKind
from tradai.common.exceptions import ValidationError
from tradai.common.freqtrade._workspace import (
    FreqtradeJob,
    RunLayout,
    copy_strategy,
    parse_startup_candles,
    utc_day,
)
from tradai.common.freqtrade.errors import FreqtradeError

if TYPE_CHECKING:
    import os
    import threading
    from collections.abc import Callable

    from tradai.common.entities.hyperopt import (
        HyperparamSearchSpace,
        OptunaHyperoptConfig,
        TrialResult,
    )

__all__ = ["FreqtradeHyperopter", "HyperoptRun", "render_hyperopt_strategy"]

#: Suffix of the generated strategy subclass's name.
GENERATED_SUFFIX = "TradaiHyperopt"


@dataclass(frozen=True)
class HyperoptRun:
    """What one hyperopt produced.

    Attributes:
        trials: Every trial, in epoch order.
        best: The best trial (lowest loss).
        best_params: The best trial's parameters.
        results_file: Freqtrade's ``.fthypt`` results file.
        strategy_file: The generated strategy file the run used.
        duration_seconds: Wall time of the whole run.
    """

    trials: tuple[TrialResult, ...]
    best: TrialResult
    best_params: dict[str, Any]
    results_file: Path
    strategy_file: Path
    duration_seconds: float


def _parameter(space: HyperparamSearchSpace) -> str:
    common = f"space={space.space.value!r}, optimize=True"
    if space.kind is ParamKind.INT:
        default = space.default if space.default is not None else space.low
        return f"IntParameter({space.low!r}, {space.high!r}, default={default!r}, {common})"
    if space.kind is ParamKind.FLOAT:
        default = space.default if space.default is not None else space.low
        if space.step is not None:
            exponent = Decimal(repr(float(space.step))).normalize().as_tuple().exponent
            decimals = max(0, -int(exponent))
            return (
                f"DecimalParameter({float(space.low or 0)!r}, {float(space.high or 0)!r}, "
                f"default={float(default or 0)!r}, decimals={decimals}, {common})"
            )
        return (
            f"RealParameter({float(space.low or 0)!r}, {float(space.high or 0)!r}, "
            f"default={float(default or 0)!r}, {common})"
        )
    if space.kind is ParamKind.CATEGORICAL:
        choices = list(space.choices or [])
        default = space.default if space.default is not None else choices[0]
        return f"CategoricalParameter({choices!r}, default={default!r}, {common})"
    default = space.default if space.default is not None else False
    return f"BooleanParameter(default={bool(default)!r}, {common})"


def render_hyperopt_strategy(config: OptunaHyperoptConfig, base_file: str) -> str:
    """The source of the generated strategy subclass (see the module docstring).

    Args:
        config: The hyperopt config (strategy, search spaces, sampler).
        base_file: File name of the strategy's source in the same directory.

    Returns:
        Python source defining ``class <strategy>TradaiHyperopt(<strategy>)``.

    Example:
        >>> from tradai.common.entities.hyperopt import OptunaHyperoptConfig
        >>> cfg = OptunaHyperoptConfig(strategy="Sma", timeframe="1h",
        ...     timerange="20240101-20240301", pairs=["BTC/USDT"])
        >>> "class SmaTradaiHyperopt(_Base):" in render_hyperopt_strategy(cfg, "Sma.py")
        True
    """
    if not base_file.endswith(".py") or "/" in base_file or "\\" in base_file:
        raise ValidationError(f"base_file {base_file!r:.60} is not a file name", field="base_file")
    name = config.strategy
    lines = [
        "# Generated by tradai-common for one hyperopt run; do not edit.",
        "import importlib.util as _util",
        "import pathlib as _pathlib",
        "import sys as _sys",
        "",
        "from freqtrade.strategy import (",
        "    BooleanParameter, CategoricalParameter, DecimalParameter, IntParameter,",
        "    RealParameter,",
        ")",
        "",
        f"_spec = _util.spec_from_file_location({'_tradai_base_' + name!r},",
        f"    _pathlib.Path(__file__).with_name({base_file!r}))",
        "_module = _util.module_from_spec(_spec)",
        "_sys.modules[_spec.name] = _module",
        "_spec.loader.exec_module(_module)",
        f"_Base = _module.{name}",
        "",
        "",
        f"class {name}{GENERATED_SUFFIX}(_Base):",
    ]
    lines += [f"    {space.name} = {_parameter(space)}" for space in config.search_spaces]
    sampler = config.sampler
    if sampler is HyperoptSampler.RANDOM:
        estimator = "__import__('optuna').samplers.RandomSampler(seed=kwargs.get('random_state'))"
    else:
        estimator = repr(sampler.optuna_class_name)
    lines += [
        "",
        "    class HyperOpt:",
        "        @staticmethod",
        "        def generate_estimator(dimensions, **kwargs):",
        f"            return {estimator}",
        "",
    ]
    return "\n".join(lines)


class FreqtradeHyperopter(FreqtradeJob):
    """Run hyperopts with Freqtrade on candles from a :class:`DataRepository`.

    Args:
        data: The market data store.
        workdir: The run directory.
        runner: The process runner (default: the installed ``freqtrade``).
        offline: Serve the exchange's market metadata locally (default).
        timeout: Seconds the hyperopt may run before its process group is killed.
    """

    def _date_range(self, config: OptunaHyperoptConfig) -> tuple[str, str]:
        start_text, _, end_text = config.freqtrade_timerange.partition("-")
        if start_text and end_text:
            return _iso(start_text), _iso(end_text)
        firsts = [self._data.first_timestamp(p, config.timeframe) for p in config.pairs]
        lasts = [self._data.last_timestamp(p, config.timeframe) for p in config.pairs]
        # the range every pair covers: from the latest first day to the earliest last one
        first_day = max(firsts) + _dt.timedelta(days=1) - _dt.timedelta(microseconds=1)
        start = _iso(start_text) if start_text else f"{first_day:%Y-%m-%d}"
        end = _iso(end_text) if end_text else f"{min(lasts):%Y-%m-%d}"
        return start, end

    def run(
        self,
        config: OptunaHyperoptConfig,
        *,
        strategy_path: str | os.PathLike[str] | None = None,
        exchange: str = "binance",
        stake_amount: float = 1000.0,
        cancel: threading.Event | None = None,
        on_line: Callable[[str, str], None] | None = None,
    ) -> HyperoptRun:
        """Run one hyperopt.

        Args:
            config: What to optimise.
            strategy_path: The strategy's file or directory (``None``: bundled strategies).
            exchange: ``"binance"`` (spot) or ``"binance_futures"``.
            stake_amount: Stake per trade.
            cancel: Set it to stop the run.
            on_line: Called with ``(stream, line)`` for each line Freqtrade prints.

        Returns:
            The trials and the best parameters.

        Raises:
            ValidationError: For bad input, before anything runs.
            FreqtradeError: If Freqtrade fails, times out, is cancelled or writes no results.
        """
        from tradai.common.entities.backtest import BacktestConfig
        from tradai.common.entities.hyperopt import TrialResult
        from tradai.common.freqtrade.config_builder import (
            build_freqtrade_config,
            trading_mode_for,
            write_config,
        )
        from tradai.common.freqtrade.data_export import CandleExporter
        from tradai.common.freqtrade.results import parse_hyperopt_results

        started = time.monotonic()
        start_date, end_date = self._date_range(config)
        try:
            backtest = BacktestConfig(
                strategy=config.strategy,
                timeframe=config.timeframe,
                start_date=start_date,
                end_date=end_date,
                symbols=list(config.pairs),
                exchange=exchange,
                stake_amount=stake_amount,
            )
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            raise ValidationError(f"invalid hyperopt inputs: {exc}", field="config") from None
        mode = trading_mode_for(backtest)
        layout = RunLayout.create(self._workdir)
        base_file = copy_strategy(config.strategy, strategy_path, layout.strategies)
        generated_name = f"{config.strategy}{GENERATED_SUFFIX}"
        generated = layout.strategies / f"{generated_name}.py"
        generated.write_text(render_hyperopt_strategy(config, base_file.name), encoding="utf-8")
        start, end = utc_day(start_date), utc_day(end_date)
        CandleExporter(self._data).export(
            backtest.symbols,
            config.timeframe,
            start,
            end,
            layout.datadir,
            trading_mode=mode,
            warmup_candles=parse_startup_candles(base_file),
        )
        args, overrides = _command(config, layout, generated_name, backtest.timerange)
        results_dir = layout.user_data / "hyperopt_results"
        results_dir.mkdir(parents=True, exist_ok=True)

        def write(ccxt_config: dict[str, Any] | None) -> Path:
            return write_config(
                layout.config_file,
                build_freqtrade_config(
                    backtest,
                    user_data_dir=layout.user_data,
                    ccxt_config=ccxt_config,
                    overrides=overrides,
                ),
            )

        outcome = self._run_freqtrade(
            args,
            layout,
            pairs=backtest.symbols,
            mode=mode,
            write_config=write,
            result_dir=results_dir,
            result_glob="*.fthypt",
            cancel=cancel,
            on_line=on_line,
        )
        results_file = max(
            (f for f in outcome.new_files if f.suffix == ".fthypt"), key=lambda f: f.stat().st_mtime
        )
        trials = tuple(parse_hyperopt_results(results_file))
        try:
            best = TrialResult.best(trials)
        except ValueError:
            raise FreqtradeError(
                f"hyperopt of {config.strategy} produced no complete trial "
                f"({len(trials)} epochs; each needs at least {config.min_trades} trades)",
                exit_code=outcome.exit_code,
                reason="no_result",
                stderr_tail=outcome.stderr_tail,
                command="hyperopt",
            ) from None
        return HyperoptRun(
            trials=trials,
            best=best,
            best_params=dict(best.params),
            results_file=results_file,
            strategy_file=generated,
            duration_seconds=time.monotonic() - started,
        )


def _command(
    config: OptunaHyperoptConfig, layout: RunLayout, strategy: str, timerange: str
) -> tuple[list[str], dict[str, Any]]:
    """The hyperopt argv, and the config overrides for what the command line refuses."""
    from tradai.common.freqtrade.cli import FreqtradeCLIBuilder

    builder = (
        FreqtradeCLIBuilder(layout.root)
        .hyperopt()
        .config(layout.config_file)
        .strategy(strategy)
        .strategy_path(layout.strategies)
        .timerange(timerange)
        .datadir(layout.datadir)
        .hyperopt_loss(config.loss_function)
        .spaces(list(config.spaces))
        .epochs(config.epochs)
        .jobs(config.n_jobs)
        .disable_param_export()
        .no_color()
    )
    # Freqtrade's command line refuses 0 for these two; its config file takes it.
    overrides: dict[str, Any] = {}
    if config.min_trades > 0:
        builder.min_trades(config.min_trades)
    else:
        overrides["hyperopt_min_trades"] = 0
    if config.seed is not None and config.seed > 0:
        builder.random_state(config.seed)
    elif config.seed == 0:
        overrides["hyperopt_random_state"] = 0
    return builder.build(), overrides


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"
