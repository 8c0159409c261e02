"""``tradai backtest`` and ``tradai hyperopt``: run Freqtrade on the workspace's data.

``backtest`` in order: build the :class:`~tradai.common.entities.backtest.BacktestConfig`
(bad options: exit 2, nothing created); create the job (``PENDING``) and move it to
``RUNNING``; run :class:`~tradai.common.freqtrade.backtester.FreqtradeBacktester` in
``runs/<job_id>`` with a progress display; log the run to MLflow
(:class:`~tradai.common.mlflow.backtest_logger.BacktestMLflowLogger`); write the HTML
report and attach it and Freqtrade's result zip to the MLflow run; move the job to
``COMPLETED`` with the result (without trades and raw stats: a DynamoDB item holds at most
400 KB); print the summary. Any library error moves the job to ``FAILED`` with the error
text (for Freqtrade, :meth:`FreqtradeError.describe`) and exits 1, leaving no ``FINISHED``
MLflow run (a run whose job could not be completed is ended ``FAILED``); Ctrl-C stops
Freqtrade, records ``CANCELLED`` and exits 130.

``hyperopt`` runs :class:`~tradai.common.freqtrade.hyperopt.FreqtradeHyperopter`, prints
the trials and the best parameters, and logs one MLflow run with the best trial's
parameters and loss (and the ``.fthypt`` results file). Its summary is written to
``runs/<id>/hyperopt.json`` (there is no job store for hyperopt runs).

Decisions where the issue is silent: attaching the report and the zip is best effort (a
failure is a warning: the run and its metrics are logged); ``--exchange`` defaults to
``binance_futures`` when a pair has a settle currency (``BTC/USDT:USDT``) and to
``binance`` otherwise; every output line of Freqtrade is kept in ``runs/<id>/freqtrade.log``;
a job store that fails while recording a failure gets a warning, and ``job.json`` still
says ``FAILED``.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradai.common.cli._options import option_error, split_values
from tradai.common.cli._progress import Cancelled, RunMonitor
from tradai.common.cli._render import metrics_table, params_table, trials_table, write_json
from tradai.common.cli.workspace import new_job_id
from tradai.common.entities.aws import JobStatus
from tradai.common.exceptions import TradAIError, ValidationError
from tradai.common.freqtrade.errors import FreqtradeError, MissingCandlesError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tradai.common.aws.state_repository import DynamoDBStateRepository
    from tradai.common.cli._render import Consoles
    from tradai.common.cli.workspace import Workspace
    from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus
    from tradai.common.entities.hyperopt import OptunaHyperoptConfig
    from tradai.common.freqtrade.backtester import BacktestRun
    from tradai.common.freqtrade.hyperopt import HyperoptRun
    from tradai.common.mlflow.adapter import SDKTrackingBackend

__all__ = [
    "EXIT_CANCELLED",
    "EXIT_FAILED",
    "EXIT_INVALID",
    "BacktestOptions",
    "HyperoptOptions",
    "run_backtest",
    "run_hyperopt",
]

EXIT_FAILED, EXIT_INVALID, EXIT_CANCELLED = 1, 2, 130
_LOG_FILE = "freqtrade.log"
_SEED_HINT = "add the candles first: `tradai data seed ...` or `tradai data import ...`"


@dataclass(frozen=True)
class BacktestOptions:
    """The options of ``tradai backtest`` (see ``tradai backtest --help``)."""

    pairs: Sequence[str]
    timeframe: str
    start: str
    end: str
    strategy: str = "SampleSmaCrossover"
    strategy_path: Path | None = None
    exchange: str | None = None
    stake_amount: float | None = None
    stoploss: float | None = None
    freqai_model: str | None = None
    experiment: str | None = None
    timeout: float = 3600.0
    as_json: bool = False


@dataclass(frozen=True)
class HyperoptOptions:
    """The options of ``tradai hyperopt`` (see ``tradai hyperopt --help``)."""

    pairs: Sequence[str]
    timeframe: str
    start: str
    end: str
    strategy: str = "SampleSmaCrossover"
    strategy_path: Path | None = None
    epochs: int = 10
    spaces: Sequence[str] = field(default_factory=lambda: ["buy"])
    loss: str = "SharpeHyperOptLoss"
    seed: int | None = 42
    min_trades: int = 1
    exchange: str | None = None
    stake_amount: float = 1000.0
    experiment: str | None = None
    timeout: float = 3600.0
    as_json: bool = False


def _default_exchange(pairs: Sequence[str], exchange: str | None) -> str:
    if exchange:
        return exchange
    return "binance_futures" if any(":" in pair for pair in pairs) else "binance"


def build_backtest_config(options: BacktestOptions) -> BacktestConfig:
    """Build the backtest configuration from the options.

    Args:
        options: The parsed options.

    Returns:
        The configuration.

    Raises:
        ValidationError: Naming the option at fault (``field="--pairs"``...).
    """
    import pydantic

    from tradai.common.entities.backtest import BacktestConfig

    pairs = split_values(options.pairs)
    values: dict[str, Any] = {
        "strategy": options.strategy,
        "timeframe": options.timeframe,
        "start_date": options.start,
        "end_date": options.end,
        "symbols": pairs,
        "exchange": _default_exchange(pairs, options.exchange),
        "stoploss": options.stoploss,
    }
    if options.stake_amount is not None:
        values["stake_amount"] = options.stake_amount
    try:
        return BacktestConfig(**values)
    except pydantic.ValidationError as exc:
        raise option_error(exc) from None


def build_hyperopt_config(options: HyperoptOptions) -> OptunaHyperoptConfig:
    """Build the hyperopt configuration from the options.

    Args:
        options: The parsed options.

    Returns:
        The configuration.

    Raises:
        ValidationError: Naming the option at fault.
    """
    import pydantic

    from tradai.common.entities.hyperopt import OptunaHyperoptConfig

    try:
        return OptunaHyperoptConfig(
            strategy=options.strategy,
            timeframe=options.timeframe,
            start_date=options.start,
            end_date=options.end,
            pairs=split_values(options.pairs),
            epochs=options.epochs,
            spaces=split_values(options.spaces),  # type: ignore[arg-type]  # validated
            loss_function=options.loss,  # type: ignore[arg-type]  # validated by pydantic
            seed=options.seed,
            min_trades=options.min_trades,
        )
    except pydantic.ValidationError as exc:
        raise option_error(exc) from None


# ------------------------------------------------------------------------- backtest
@dataclass
class _Job:
    """One backtest job as the command moves it along (store + job.json)."""

    ws: Workspace
    store: DynamoDBStateRepository
    state: BacktestJobStatus

    def move(self, target: JobStatus, **changes: Any) -> None:
        self.state = self.store.transition_from(self.state, target, **changes)
        self.ws.save_job(self.state)

    def fail(self, error: str, consoles: Consoles, *, status: JobStatus = JobStatus.FAILED) -> None:
        try:
            self.move(status, error=error)
        except TradAIError as exc:  # the store is down: keep the local record right
            consoles.warning(f"could not record the failure in the job store: {exc}")
            self.state = self.state.with_status(status, error=error)
            self.ws.save_job(self.state)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, FreqtradeError):
        return exc.describe()
    if isinstance(exc, ValidationError):  # its context repeats the message
        return exc.message
    return str(exc)


def _start_job(ws: Workspace, config: BacktestConfig) -> _Job:
    from tradai.common.entities.backtest import BacktestJobStatus

    store = ws.job_store()
    job_id = new_job_id("bt")
    created = store.create(BacktestJobStatus(job_id=job_id, config=config))
    job = _Job(ws, store, created)
    ws.save_job(created)
    job.move(JobStatus.RUNNING)
    return job


def run_backtest(ws: Workspace, options: BacktestOptions, consoles: Consoles) -> int:
    """Run ``tradai backtest`` (module docstring) and return its exit code.

    Args:
        ws: The workspace.
        options: The parsed options.
        consoles: Where to print.

    Returns:
        0, :data:`EXIT_FAILED`, :data:`EXIT_INVALID` or :data:`EXIT_CANCELLED`.
    """
    try:
        config = build_backtest_config(options)
    except ValidationError as exc:
        consoles.error(exc.message)
        return EXIT_INVALID
    try:
        data = ws.market_data()
        job = _start_job(ws, config)
    except TradAIError as exc:
        consoles.error(f"cannot start the backtest: {exc}")
        return EXIT_FAILED
    job_id = job.state.job_id
    consoles.note(f"backtest {job_id}: {config.strategy} on {', '.join(config.symbols)}")
    try:
        run = _execute_backtest(ws, job_id, data, config=config, options=options, consoles=consoles)
        with consoles.err.status("logging to MLflow and writing the report"):
            summary = _finish_backtest(
                ws, job, config=config, run=run, options=options, consoles=consoles
            )
    except (Cancelled, KeyboardInterrupt):  # Ctrl-C during the run, or after it
        job.fail("cancelled", consoles, status=JobStatus.CANCELLED)
        consoles.error(f"backtest {job_id} cancelled")
        _print_failure(job, options)
        return EXIT_CANCELLED
    except (TradAIError, OSError) as exc:
        job.fail(_describe(exc), consoles)
        consoles.error(f"backtest {job_id} failed: {_describe(exc)}")
        if isinstance(exc, MissingCandlesError):
            consoles.note(_SEED_HINT)
        _print_failure(job, options)
        return EXIT_FAILED
    _print_backtest(summary, run, options, consoles)
    return 0


def _execute_backtest(
    ws: Workspace,
    job_id: str,
    data: Any,
    *,
    config: BacktestConfig,
    options: BacktestOptions,
    consoles: Consoles,
) -> BacktestRun:
    from tradai.common.freqtrade.backtester import FreqtradeBacktester

    workdir = ws.run_dir(job_id)
    monitor = RunMonitor(consoles.err, label="backtest", log_path=workdir / _LOG_FILE)
    backtester = FreqtradeBacktester(data, workdir=workdir, timeout=options.timeout)
    return monitor.run(
        lambda cancel: backtester.run(
            config,
            strategy_path=options.strategy_path,
            freqai_model=options.freqai_model,
            cancel=cancel,
            on_line=monitor.on_line,
        )
    )


def _finish_backtest(
    ws: Workspace,
    job: _Job,
    *,
    config: BacktestConfig,
    run: BacktestRun,
    options: BacktestOptions,
    consoles: Consoles,
) -> dict[str, Any]:
    from tradai.common.freqtrade.report import write_backtest_report
    from tradai.common.mlflow.backtest_logger import BacktestMLflowLogger, result_metrics

    job_id = job.state.job_id
    experiment = options.experiment or f"backtests/{config.strategy}"
    backend = ws.tracking_backend()
    ws.experiment_id(backend, experiment)  # a new local experiment keeps its artifacts in ws
    extra = {"freqai_model": options.freqai_model} if options.freqai_model else None
    logged = BacktestMLflowLogger(backend, experiment_name=experiment).log_backtest(
        config, run.result, job_id=job_id, params=extra
    )
    report = write_backtest_report(
        ws.report_path(job_id),
        config,
        run.result,
        details={"Job": job_id, "MLflow run": logged.run_id, "Tracking URI": ws.tracking_uri},
    )
    results_uri = _attach(backend, logged.run_id, report, run.result_file, consoles)
    stored = run.result.model_copy(
        update={
            "trades": [],
            "raw_stats": {},
            "mlflow_run_id": logged.run_id,
            "job_id": job_id,
            "config_artifact_uri": logged.config_artifact_uri,
            "results_artifact_uri": results_uri,
        }
    )
    try:
        job.move(JobStatus.COMPLETED, result=stored)
    except TradAIError:  # no FINISHED run for a job that is not COMPLETED
        with contextlib.suppress(TradAIError):
            backend.end_run(logged.run_id, status="FAILED")
        raise
    return {
        "job_id": job_id,
        "status": job.state.status.value,
        "run_id": logged.run_id,
        "experiment": experiment,
        "tracking_uri": ws.tracking_uri,
        "report": str(report),
        "workdir": str(run.workdir),
        "job_store": ws.job_store_label,
        "duration_seconds": round(run.duration_seconds, 3),
        "metrics": result_metrics(run.result),
    }


def _attach(
    backend: SDKTrackingBackend, run_id: str, report: Path, result_file: Path, consoles: Consoles
) -> str | None:
    from tradai.common.mlflow.artifacts import ArtifactManager

    artifacts = ArtifactManager(backend)
    try:
        artifacts.log_file(run_id, report, artifact_path="report")
        artifacts.log_file(run_id, result_file, artifact_path="freqtrade")
    except TradAIError as exc:
        consoles.warning(f"could not attach the report/result files to the MLflow run: {exc}")
        return None
    return f"runs:/{run_id}/freqtrade/{result_file.name}"


def _print_failure(job: _Job, options: BacktestOptions) -> None:
    if options.as_json:
        write_json(
            {
                "job_id": job.state.job_id,
                "status": job.state.status.value,
                "error": job.state.error,
                "run_id": None,
                "report": None,
                "metrics": {},
            }
        )


def _print_backtest(
    summary: dict[str, Any], run: BacktestRun, options: BacktestOptions, consoles: Consoles
) -> None:
    if options.as_json:
        write_json(summary)
        return
    currency = str(run.result.raw_stats.get("stake_currency") or "USDT")
    consoles.out.print(metrics_table(run.result, currency=currency))
    consoles.line("job", f"{summary['job_id']} ({summary['status']}, {summary['job_store']})")
    consoles.line("MLflow run", f"{summary['run_id']} ({summary['tracking_uri']})")
    consoles.line("report", summary["report"])


# ------------------------------------------------------------------------- hyperopt
def run_hyperopt(ws: Workspace, options: HyperoptOptions, consoles: Consoles) -> int:
    """Run ``tradai hyperopt`` (module docstring) and return its exit code.

    Args:
        ws: The workspace.
        options: The parsed options.
        consoles: Where to print.

    Returns:
        0, :data:`EXIT_FAILED`, :data:`EXIT_INVALID` or :data:`EXIT_CANCELLED`.
    """
    try:
        config = build_hyperopt_config(options)
    except ValidationError as exc:
        consoles.error(exc.message)
        return EXIT_INVALID
    run_id = new_job_id("ho")
    summary_file = ws.run_dir(run_id) / "hyperopt.json"
    consoles.note(f"hyperopt {run_id}: {config.strategy}, {config.epochs} epochs")
    try:
        data = ws.market_data()
        result = _execute_hyperopt(
            ws, run_id, data, config=config, options=options, consoles=consoles
        )
        with consoles.err.status("logging to MLflow"):
            summary = _log_hyperopt(ws, run_id, config, result, options)
    except (Cancelled, KeyboardInterrupt):  # Ctrl-C during the run, or after it
        ws.save_json(summary_file, json.dumps({"id": run_id, "status": "cancelled"}))
        consoles.error(f"hyperopt {run_id} cancelled")
        return EXIT_CANCELLED
    except (TradAIError, OSError) as exc:
        error = _describe(exc)
        ws.save_json(summary_file, json.dumps({"id": run_id, "status": "failed", "error": error}))
        consoles.error(f"hyperopt {run_id} failed: {error}")
        return EXIT_FAILED
    ws.save_json(summary_file, json.dumps(summary, indent=2))
    if options.as_json:
        write_json(summary)
        return 0
    consoles.out.print(trials_table(result.trials, result.best))
    consoles.out.print(params_table(result.best_params, title="Best parameters"))
    consoles.line("best trial", f"{result.best.number} (loss {result.best.loss:.5f})")
    consoles.line("MLflow run", f"{summary['run_id']} ({summary['tracking_uri']})")
    return 0


def _execute_hyperopt(
    ws: Workspace,
    run_id: str,
    data: Any,
    *,
    config: OptunaHyperoptConfig,
    options: HyperoptOptions,
    consoles: Consoles,
) -> HyperoptRun:
    from tradai.common.freqtrade.hyperopt import FreqtradeHyperopter

    workdir = ws.run_dir(run_id)
    monitor = RunMonitor(consoles.err, label="hyperopt", log_path=workdir / _LOG_FILE)
    hyperopter = FreqtradeHyperopter(data, workdir=workdir, timeout=options.timeout)
    exchange = _default_exchange(config.pairs, options.exchange)
    return monitor.run(
        lambda cancel: hyperopter.run(
            config,
            strategy_path=options.strategy_path,
            exchange=exchange,
            stake_amount=options.stake_amount,
            cancel=cancel,
            on_line=monitor.on_line,
        )
    )


def _log_hyperopt(
    ws: Workspace,
    run_id: str,
    config: OptunaHyperoptConfig,
    result: HyperoptRun,
    options: HyperoptOptions,
) -> dict[str, Any]:
    from tradai.common.mlflow import tags as t
    from tradai.common.mlflow.artifacts import ArtifactManager
    from tradai.common.mlflow.backtest_logger import BacktestMLflowLogger

    experiment = options.experiment or f"hyperopt/{config.strategy}"
    backend = ws.tracking_backend()
    experiment_id = ws.experiment_id(backend, experiment)
    logger = BacktestMLflowLogger(backend, experiment_name=experiment)
    best = result.best
    metrics = {
        "best_loss": best.loss,
        "best_trial": float(best.number),
        "best_total_trades": float(best.total_trades),
        "trials": float(len(result.trials)),
        "duration_seconds": result.duration_seconds,
    }
    optional = ("total_profit_abs", "total_profit_pct", "avg_profit_pct", "max_drawdown_pct")
    values = {name: getattr(best, name) for name in optional}
    metrics.update({f"best_{k}": float(v) for k, v in values.items() if v is not None})
    params = {
        "strategy": config.strategy,
        "timeframe": config.timeframe,
        "timerange": config.freqtrade_timerange,
        "pairs": ",".join(config.pairs),
        "epochs": str(config.epochs),
        "spaces": ",".join(s.value for s in config.spaces),
        "loss_function": config.loss_function.value,
        "seed": str(config.seed),
        "min_trades": str(config.min_trades),
        **{f"best_{key}": str(value) for key, value in sorted(result.best_params.items())},
    }
    tags = {
        t.TAG_RUN_TYPE: t.RunType.HYPEROPT.value,
        t.TAG_STRATEGY_NAME: config.strategy,
        t.TAG_TIMEFRAME: config.timeframe,
        t.TAG_SYMBOLS: ",".join(config.pairs),
        t.TAG_JOB_ID: run_id,
    }
    mlflow_run = backend.create_run(
        experiment_id, run_name=f"{config.strategy}-hyperopt-{config.freqtrade_timerange}"
    )
    try:
        logger.log_data(mlflow_run.run_id, metrics=metrics, params=params, tags=tags)
        ArtifactManager(backend).log_file(
            mlflow_run.run_id, result.results_file, artifact_path="hyperopt"
        )
        backend.end_run(mlflow_run.run_id, status="FINISHED")
    except TradAIError:
        with contextlib.suppress(TradAIError):
            backend.end_run(mlflow_run.run_id, status="FAILED")
        raise
    return {
        "id": run_id,
        "status": "completed",
        "run_id": mlflow_run.run_id,
        "experiment": experiment,
        "tracking_uri": ws.tracking_uri,
        "best_trial": best.number,
        "best_loss": best.loss,
        "best_params": dict(result.best_params),
        "trials": [trial.model_dump(mode="json") for trial in result.trials],
        "results_file": str(result.results_file),
        "duration_seconds": round(result.duration_seconds, 3),
    }
