"""One interface over MLflow: the :class:`TrackingBackend` port and :class:`MLflowAdapter`.

* :class:`TrackingBackend` — the port (a ``Protocol``): one method per MLflow REST
  endpoint tradai uses (experiments, runs, ``log_batch``, registry, aliases, legacy stages,
  artifacts). Implementations: :class:`SDKTrackingBackend` (the Python SDK, here),
  :class:`~tradai.common.mlflow.memory.InMemoryTrackingBackend` (the twin) and, later, a
  REST client with a circuit breaker (``tradai.common.clients.mlflow_client``).
* :class:`MLflowAdapter` — the facade services use: experiments, registry, artifacts and
  backtest logging over whichever backend it is given.

Example:
    >>> adapter = MLflowAdapter.in_memory()
    >>> experiment_id = adapter.experiments.get_or_create("backtests/PascalStrategy")
    >>> run = adapter.backend.create_run(experiment_id)
    >>> adapter.registry.register_version("PascalStrategy", run_id=run.run_id).version
    '1'
    >>> adapter.resolve_version("PascalStrategy", "latest").version
    '1'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tradai.common.mlflow._protocol import RunEndStatus, TrackingBackend
from tradai.common.mlflow._sdk_backend import SDKTrackingBackend
from tradai.common.mlflow._types import ArtifactInfo, ExperimentInfo, Metric
from tradai.common.mlflow.artifacts import ArtifactManager
from tradai.common.mlflow.backtest_logger import BacktestMLflowLogger, LoggedBacktest
from tradai.common.mlflow.experiments import ExperimentManager
from tradai.common.mlflow.registry import ModelRegistry

if TYPE_CHECKING:
    from tradai.common.entities.backtest import BacktestConfig, BacktestResult
    from tradai.common.entities.mlflow import ModelVersion
    from tradai.common.mlflow.client import MLflowClientConfig
    from tradai.common.protocols import Clock
    from tradai.common.settings_mixins import MLflowSettingsMixin

__all__ = [
    "ArtifactInfo",
    "ExperimentInfo",
    "MLflowAdapter",
    "Metric",
    "RunEndStatus",
    "SDKTrackingBackend",
    "TrackingBackend",
]


class MLflowAdapter:
    """Experiments, registry, artifacts and backtest logging over one backend.

    Args:
        backend: Any :class:`TrackingBackend`.
    """

    def __init__(self, backend: TrackingBackend) -> None:
        self._backend = backend
        self._experiments = ExperimentManager(backend)
        self._registry = ModelRegistry(backend)
        self._artifacts = ArtifactManager(backend)

    @classmethod
    def from_settings(
        cls, settings: MLflowSettingsMixin, *, config: MLflowClientConfig | None = None
    ) -> MLflowAdapter:
        """An adapter over the Python SDK, configured by settings.

        Args:
            settings: Tracking URI and credentials (``MLflowSettingsMixin`` fields).
            config: Retry and timeout behaviour.

        Returns:
            The adapter.

        Raises:
            ConfigurationError: If the settings have no tracking URI.
        """
        return cls(SDKTrackingBackend.from_settings(settings, config=config))

    @classmethod
    def in_memory(cls, *, clock: Clock | None = None) -> MLflowAdapter:
        """An adapter over a fresh in-memory twin (tests, local runs).

        Args:
            clock: Source of timestamps.

        Returns:
            The adapter.
        """
        from tradai.common.mlflow.memory import InMemoryTrackingBackend

        return cls(InMemoryTrackingBackend(clock=clock))

    @property
    def backend(self) -> TrackingBackend:
        """The tracking backend (raw operations).

        Returns:
            The backend.
        """
        return self._backend

    @property
    def experiments(self) -> ExperimentManager:
        """Experiment and run operations.

        Returns:
            The manager.
        """
        return self._experiments

    @property
    def registry(self) -> ModelRegistry:
        """Model registry operations.

        Returns:
            The registry.
        """
        return self._registry

    @property
    def artifacts(self) -> ArtifactManager:
        """Artifact operations.

        Returns:
            The manager.
        """
        return self._artifacts

    def backtest_logger(self, *, experiment_name: str | None = None) -> BacktestMLflowLogger:
        """A backtest logger over this adapter's backend.

        Args:
            experiment_name: Experiment for every run (default ``backtests/<strategy>``).

        Returns:
            The logger.
        """
        return BacktestMLflowLogger(self._backend, experiment_name=experiment_name)

    def log_backtest(
        self, config: BacktestConfig, result: BacktestResult, **options: Any
    ) -> LoggedBacktest:
        """Log a backtest (see :meth:`BacktestMLflowLogger.log_backtest`).

        Args:
            config: The backtest configuration.
            result: The result.
            **options: Keyword arguments of :meth:`BacktestMLflowLogger.log_backtest`.

        Returns:
            What was written.
        """
        return self.backtest_logger().log_backtest(config, result, **options)

    def resolve_version(self, name: str, strategy_version: str) -> ModelVersion:
        """Resolve a ``strategy_version`` (see :meth:`ModelRegistry.resolve_version`).

        Args:
            name: The registered model.
            strategy_version: ``"latest"``, a stage name or a version number.

        Returns:
            The model version.
        """
        return self._registry.resolve_version(name, strategy_version)
