"""Log a backtest to MLflow: config as params, result as metrics, artifacts and tags.

:class:`BacktestMLflowLogger` writes one run per backtest in the experiment
``backtests/<strategy>`` (or the one given):

* params: the :class:`~tradai.common.entities.backtest.BacktestConfig` fields (``symbols``
  comma-joined; unset fields omitted) plus the caller's extra params;
* metrics: every numeric :class:`~tradai.common.entities.backtest.BacktestResult` field
  that is set, plus ``result.metrics`` (a field wins over a custom key of the same name);
* tags: the standard ``tradai.*`` tags (:mod:`tradai.common.mlflow.tags`) plus the
  caller's;
* artifacts: ``backtest/config.json``, ``backtest/trades.json``, ``backtest/raw_stats.json``
  and ``backtest/result.json`` (the result without trades and raw stats).

Everything is sent in as few ``log_batch`` requests as the server limits allow
(:func:`pack_batches`). Decisions where the design document is silent:

* Every key is validated and the batches are packed BEFORE the run is created: bad input
  raises ``ValidationError`` and writes nothing.
* Param values over 6,000 characters and tag values over 8,000 are cut to the limit and
  end with :data:`TRUNCATION_MARKER`; the full values of cut params go to the artifact
  ``backtest/truncated_params.json`` and their keys to the tag ``TAG_PARAMS_TRUNCATED``.
* ``TAG_TRADING_MODE`` is the exchange key's suffix (``binance_futures`` → ``futures``;
  no suffix → ``spot``); ``TAG_CONFIG_HASH`` is the SHA-256 of the canonical config JSON.
* Extra param and tag values that are not strings are converted with ``str()``, as
  MLflow's own ``log_param``/``set_tag`` do.
* A failure after the run was created ends it ``FAILED`` (best effort) and re-raises.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tradai.common.entities.backtest import BacktestConfig, BacktestResult
from tradai.common.exceptions import TradAIError
from tradai.common.logger_mixin import LoggerMixin
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow import tags as t
from tradai.common.mlflow._batching import TRUNCATION_MARKER, Batch, pack_batches, truncate
from tradai.common.mlflow._types import Metric
from tradai.common.mlflow._validation import MAX_PARAM_VALUE_LENGTH, MAX_TAG_VALUE_LENGTH
from tradai.common.mlflow.artifacts import ArtifactManager
from tradai.common.mlflow.experiments import ExperimentManager

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tradai.common.mlflow._protocol import TrackingBackend
    from tradai.common.utils.git import GitInfo

__all__ = [
    "TRUNCATION_MARKER",
    "BacktestMLflowLogger",
    "Batch",
    "LoggedBacktest",
    "config_params",
    "pack_batches",
    "result_metrics",
    "standard_tags",
    "truncate",
]

_RESULT_METRICS = (
    "total_trades",
    "winning_trades",
    "losing_trades",
    "draw_trades",
    "total_profit",
    "total_profit_pct",
    "profit_factor",
    "sharpe_ratio",
    "sortino_ratio",
    "calmar_ratio",
    "sqn",
    "cagr",
    "max_drawdown",
    "max_drawdown_pct",
    "win_rate",
)
_HEADLINE_TAGS = {
    t.TAG_SHARPE_RATIO: "sharpe_ratio",
    t.TAG_SORTINO_RATIO: "sortino_ratio",
    t.TAG_CALMAR_RATIO: "calmar_ratio",
    t.TAG_TOTAL_TRADES: "total_trades",
    t.TAG_PROFIT: "total_profit",
    t.TAG_PROFIT_PCT: "total_profit_pct",
    t.TAG_PROFIT_FACTOR: "profit_factor",
    t.TAG_MAX_DRAWDOWN: "max_drawdown",
    t.TAG_MAX_DRAWDOWN_PCT: "max_drawdown_pct",
    t.TAG_WIN_RATE: "win_rate",
}
_ARTIFACT_DIR = "backtest"


@dataclass(frozen=True, slots=True)
class LoggedBacktest:
    """What :meth:`BacktestMLflowLogger.log_backtest` wrote.

    Attributes:
        run_id: The new run.
        experiment_id: Its experiment.
        batches: Number of ``log_batch`` requests sent.
        truncated_params: Keys of params whose values were cut.
        config_artifact_uri: ``runs:/<run_id>/backtest/config.json``.
    """

    run_id: str
    experiment_id: str
    batches: int
    truncated_params: tuple[str, ...]
    config_artifact_uri: str


def config_params(config: BacktestConfig) -> dict[str, str]:
    """The params logged for a backtest config (unset fields omitted).

    Args:
        config: The config.

    Returns:
        Field name to string value; ``symbols`` comma-joined.
    """
    values = config.model_dump(mode="json", exclude_none=True)
    values["symbols"] = ",".join(config.symbols)
    return {key: str(value) for key, value in values.items()}


def result_metrics(result: BacktestResult) -> dict[str, float]:
    """The metrics logged for a backtest result.

    Args:
        result: The result.

    Returns:
        Custom metrics overlaid by the numeric fields that are set.
    """
    values = {key: float(value) for key, value in result.metrics.items()}
    for name in _RESULT_METRICS:
        value = getattr(result, name)
        if value is not None:
            values[name] = float(value)
    return values


def _config_hash(config: BacktestConfig) -> str:
    canonical = json.dumps(config.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def standard_tags(
    config: BacktestConfig,
    result: BacktestResult,
    *,
    job_id: str | None = None,
    backtest_id: str | None = None,
    git: GitInfo | None = None,
) -> dict[str, str]:
    """The standard ``tradai.*`` tags of a backtest run.

    Args:
        config: The config.
        result: The result.
        job_id: Backtest job id (default ``result.job_id``).
        backtest_id: Backtest id.
        git: Git state of the strategy code.

    Returns:
        Tag key to value (unset values omitted).
    """
    exchange, _, mode = config.exchange.partition("_")
    tags: dict[str, Any] = {
        t.TAG_RUN_TYPE: t.RunType.BACKTEST.value,
        t.TAG_STRATEGY_NAME: config.strategy,
        t.TAG_STRATEGY_VERSION: config.strategy_version,
        t.TAG_RESOLVED_STRATEGY_VERSION: result.resolved_strategy_version,
        t.TAG_TIMEFRAME: config.timeframe,
        t.TAG_SYMBOLS: ",".join(config.symbols),
        t.TAG_EXCHANGE: exchange,
        t.TAG_TRADING_MODE: mode or "spot",
        t.TAG_DATA_RANGE_START: config.start_date,
        t.TAG_DATA_RANGE_END: config.end_date,
        t.TAG_CONFIG_HASH: _config_hash(config),
        t.TAG_CONFIG_VERSION_ID: config.config_version_id or result.config_version_id,
        t.TAG_JOB_ID: job_id or result.job_id,
        t.TAG_BACKTEST_ID: backtest_id,
        t.TAG_RESULTS_URI: result.results_artifact_uri,
        t.TAG_GIT_COMMIT: result.git_commit or (git.commit if git else None),
    }
    if git is not None:
        tags[t.TAG_GIT_BRANCH] = git.branch
        tags[t.TAG_GIT_DIRTY] = None if git.dirty is None else str(git.dirty).lower()
    for tag, field in _HEADLINE_TAGS.items():
        tags[tag] = getattr(result, field)
    return {key: str(value) for key, value in tags.items() if value is not None}


class BacktestMLflowLogger(LoggerMixin):
    """Log backtests as MLflow runs (see the module docstring).

    Args:
        backend: The tracking backend.
        experiment_name: Experiment for every run (default ``backtests/<strategy>``).

    Example:
        >>> from tradai.common.entities.backtest import BacktestConfig, BacktestResult
        >>> from tradai.common.mlflow.memory import InMemoryTrackingBackend
        >>> backend = InMemoryTrackingBackend()
        >>> config = BacktestConfig(strategy="PascalStrategy", timeframe="1h",
        ...     start_date="2024-01-01", end_date="2024-06-30", symbols=["BTC/USDT:USDT"])
        >>> logged = BacktestMLflowLogger(backend).log_backtest(
        ...     config, BacktestResult(total_trades=10, sharpe_ratio=1.4))
        >>> run = backend.get_run(logged.run_id)
        >>> run.metrics["sharpe_ratio"], run.params["timeframe"], run.status
        (1.4, '1h', 'FINISHED')
    """

    def __init__(self, backend: TrackingBackend, *, experiment_name: str | None = None) -> None:
        if experiment_name is not None:
            checks.experiment_name(experiment_name)
        self._backend = backend
        self._experiment_name = experiment_name
        self._experiments = ExperimentManager(backend)
        self._artifacts = ArtifactManager(backend)

    def log_data(
        self,
        run_id: str,
        *,
        metrics: Mapping[str, float] | Sequence[Metric] = (),
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> int:
        """Log any amount of data to a run in as few requests as the limits allow.

        Values are NOT truncated here: an over-long value raises ``ValidationError``.

        Args:
            run_id: The run.
            metrics: Metric name to value, or metric points.
            params: Params.
            tags: Tags.

        Returns:
            The number of ``log_batch`` requests sent.

        Raises:
            ValidationError: If any key or value is invalid (nothing is sent).
        """
        batches = self._pack(metrics, params or {}, tags or {})
        self._send(run_id, batches)
        return len(batches)

    @staticmethod
    def _pack(
        metrics: Mapping[str, float] | Sequence[Metric],
        params: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> list[Batch]:
        points = (
            [Metric(key, value) for key, value in metrics.items()]
            if isinstance(metrics, Mapping)
            else checks.metric_points(metrics)
        )
        batches = pack_batches(points, params, tags)
        for batch in batches:
            checks.batch(batch.metrics, batch.params, batch.tags)
        return batches

    def _send(self, run_id: str, batches: list[Batch]) -> None:
        for batch in batches:
            self._backend.log_batch(
                run_id, metrics=batch.metrics, params=batch.params, tags=batch.tags
            )

    def log_backtest(
        self,
        config: BacktestConfig,
        result: BacktestResult,
        *,
        run_name: str | None = None,
        job_id: str | None = None,
        backtest_id: str | None = None,
        git: GitInfo | None = None,
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> LoggedBacktest:
        """Log one backtest as a finished run.

        Args:
            config: The backtest configuration (logged as params and ``config.json``).
            result: The result (metrics, ``trades.json``, ``raw_stats.json``).
            run_name: Run name (default ``<strategy>-<timerange>``).
            job_id: Backtest job id, tagged ``TAG_JOB_ID``.
            backtest_id: Backtest id, tagged ``TAG_BACKTEST_ID``.
            git: Git state of the strategy code.
            params: Extra params (strategy parameters...); values are truncated.
            tags: Extra tags (override the standard ones); values are truncated.

        Returns:
            What was written.

        Raises:
            ValidationError: If any key or value is invalid (nothing is written).
            TradAIError: If the backend fails (the run is ended ``FAILED``).
        """
        all_params, cut = self._params(config, params or {})
        all_tags = standard_tags(config, result, job_id=job_id, backtest_id=backtest_id, git=git)
        all_tags.update({key: str(value) for key, value in (tags or {}).items()})
        if cut:
            all_tags[t.TAG_PARAMS_TRUNCATED] = ",".join(cut)
        all_tags = {k: truncate(v, MAX_TAG_VALUE_LENGTH)[0] for k, v in all_tags.items()}
        batches = self._pack(result_metrics(result), all_params, all_tags)
        name = run_name or f"{config.strategy}-{config.timerange}"
        checks.run_name(name)
        experiment_id = self._experiments.get_or_create(
            self._experiment_name or f"backtests/{config.strategy}"
        )
        run = self._backend.create_run(
            experiment_id, run_name=name, tags={t.TAG_RUN_TYPE: t.RunType.BACKTEST.value}
        )
        try:
            self._send(run.run_id, batches)
            self._log_artifacts(run.run_id, config, result, {k: (params or {})[k] for k in cut})
            self._backend.end_run(run.run_id, status="FINISHED")
        except TradAIError:
            with contextlib.suppress(TradAIError):
                self._backend.end_run(run.run_id, status="FAILED")
            raise
        self.logger.info(
            "logged backtest %s to run %s in %d batches", config.strategy, run.run_id, len(batches)
        )
        return LoggedBacktest(
            run_id=run.run_id,
            experiment_id=experiment_id,
            batches=len(batches),
            truncated_params=tuple(cut),
            config_artifact_uri=f"runs:/{run.run_id}/{_ARTIFACT_DIR}/config.json",
        )

    @staticmethod
    def _params(
        config: BacktestConfig, extra: Mapping[str, str]
    ) -> tuple[dict[str, str], list[str]]:
        merged = {**config_params(config), **{k: str(v) for k, v in extra.items()}}
        out: dict[str, str] = {}
        cut: list[str] = []
        for key, value in merged.items():
            out[key], was_cut = truncate(value, MAX_PARAM_VALUE_LENGTH)
            if was_cut:
                cut.append(key)
        return out, cut

    def _log_artifacts(
        self,
        run_id: str,
        config: BacktestConfig,
        result: BacktestResult,
        truncated: Mapping[str, str],
    ) -> None:
        files: dict[str, Any] = {
            "config.json": config.model_dump(mode="json"),
            "trades.json": result.trades,
            "raw_stats.json": result.raw_stats,
            "result.json": result.model_dump(mode="json", exclude={"trades", "raw_stats"}),
        }
        if truncated:
            files["truncated_params.json"] = dict(truncated)
        for name, data in files.items():
            self._artifacts.log_json(run_id, data, f"{_ARTIFACT_DIR}/{name}")
