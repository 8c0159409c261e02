"""The :class:`TrackingBackend` port: every MLflow operation tradai uses, transport-neutral.

Each method maps to one MLflow REST endpoint, so a backend over the Python SDK
(:class:`~tradai.common.mlflow.adapter.SDKTrackingBackend`), one over plain HTTP (a REST
client with a circuit breaker) and the in-memory twin
(:class:`~tradai.common.mlflow.memory.InMemoryTrackingBackend`) implement it alike.

The contract every implementation keeps (tests/contract/mlflow proves it):

* Input is validated before any request (names, run ids, aliases, keys, batch limits):
  :class:`~tradai.common.exceptions.ValidationError`.
* Unknown experiment, run, model, version or alias: ``NotFoundError``; creating an
  experiment or registered model that exists: ``ConflictError``; changing a logged param:
  ``ValidationError``; an unreachable server: ``TransientError``.
* ``log_batch`` sends ONE request within the server limits (≤ 1000 metrics, 100 params,
  100 tags, 1000 entities; param values ≤ 6000 and tag values ≤ 8000 characters); callers
  with more data split it (see :class:`~tradai.common.mlflow.backtest_logger.BatchPacker`).
* An empty ``log_batch`` sends nothing (and so checks no run);
  ``delete_alias`` of an alias that does not exist is a no-op; ``get_latest_versions``
  returns the newest version per stage, sorted by version number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from tradai.common.entities.mlflow import ExperimentRun, ModelStage, ModelVersion, RegisteredModel
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.mlflow._types import ArtifactInfo, ExperimentInfo, Metric

__all__ = ["RunEndStatus", "TrackingBackend"]

RunEndStatus = Literal["FINISHED", "FAILED", "KILLED"]
"""Terminal statuses a run can be ended with."""


@runtime_checkable
class TrackingBackend(Protocol):
    """MLflow tracking, registry and artifact operations (one REST endpoint each)."""

    def create_experiment(
        self,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        artifact_location: str | None = None,
    ) -> str:
        """Create an experiment.

        Args:
            name: Unique experiment name.
            tags: Experiment tags.
            artifact_location: Root URI of its runs' artifacts (default: the server's).

        Returns:
            The new experiment's id.
        """
        ...

    def get_experiment(self, experiment_id: str) -> ExperimentInfo:
        """Get an experiment by id (``NotFoundError`` if absent).

        Args:
            experiment_id: The id.

        Returns:
            The experiment.
        """
        ...

    def get_experiment_by_name(self, name: str) -> ExperimentInfo | None:
        """Get an experiment by name.

        Args:
            name: The name.

        Returns:
            The experiment, or ``None`` if there is none of that name.
        """
        ...

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        """Set one experiment tag.

        Args:
            experiment_id: The experiment.
            key: Tag key.
            value: Tag value.
        """
        ...

    def create_run(
        self,
        experiment_id: str,
        *,
        run_name: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> ExperimentRun:
        """Start a run (status ``RUNNING``).

        Args:
            experiment_id: The experiment.
            run_name: Display name (``mlflow.runName``).
            tags: Initial tags.

        Returns:
            The new run.
        """
        ...

    def log_batch(
        self,
        run_id: str,
        *,
        metrics: Sequence[Metric] = (),
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Log metrics, params and tags in ONE request (within the server limits).

        Args:
            run_id: The run.
            metrics: Metric points.
            params: Params (immutable once logged).
            tags: Tags (overwritten).
        """
        ...

    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        """Set run tags (at most 100 per call).

        Args:
            run_id: The run.
            tags: Tags to set.
        """
        ...

    def end_run(self, run_id: str, *, status: RunEndStatus = "FINISHED") -> None:
        """End a run.

        Args:
            run_id: The run.
            status: ``FINISHED``, ``FAILED`` or ``KILLED``.
        """
        ...

    def get_run(self, run_id: str) -> ExperimentRun:
        """Get a run with its latest metrics, params and tags.

        Args:
            run_id: The run.

        Returns:
            The run.
        """
        ...

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        *,
        filter_string: str = "",
        order_by: Sequence[str] | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> PaginatedResponse[ExperimentRun]:
        """Search active runs.

        Args:
            experiment_ids: Experiments to search.
            filter_string: MLflow filter (``metrics.sharpe_ratio > 1 AND tags.x = 'y'``).
            order_by: Sort keys (``metrics.sharpe_ratio DESC``).
            max_results: Page size (1-1000).
            page_token: Cursor from a previous page.

        Returns:
            One page of runs.
        """
        ...

    def create_registered_model(
        self,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """Create a registered model.

        Args:
            name: Unique model name.
            tags: Model tags.
            description: Free text.

        Returns:
            The model.
        """
        ...

    def get_registered_model(self, name: str) -> RegisteredModel:
        """Get a registered model with its aliases and latest version per stage.

        Args:
            name: The model name.

        Returns:
            The model.
        """
        ...

    def create_model_version(
        self,
        name: str,
        *,
        source: str,
        run_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> ModelVersion:
        """Register a new version of a model.

        Args:
            name: The registered model.
            source: URI of the model artifacts (``runs:/<run_id>/model``).
            run_id: The run that produced it.
            tags: Version tags.
            description: Free text.

        Returns:
            The new version (numbered 1, 2, ...).
        """
        ...

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        """Get one model version.

        Args:
            name: The registered model.
            version: Its version number.

        Returns:
            The version.
        """
        ...

    def get_latest_versions(
        self, name: str, stages: Sequence[ModelStage] | None = None
    ) -> list[ModelVersion]:
        """Get the newest version in each legacy stage.

        Args:
            name: The registered model.
            stages: Stages to look at (all four when ``None``).

        Returns:
            The versions, sorted by version number.
        """
        ...

    def transition_stage(
        self, name: str, version: str, stage: ModelStage, *, archive_existing: bool = False
    ) -> ModelVersion:
        """Move a version to a legacy stage (deprecated by MLflow 3; still served).

        Args:
            name: The registered model.
            version: The version.
            stage: The target stage.
            archive_existing: Move the other versions in that stage to ``Archived``.

        Returns:
            The updated version.
        """
        ...

    def set_alias(self, name: str, alias: str, version: str) -> None:
        """Point an alias at a version (moving it if it pointed elsewhere).

        Args:
            name: The registered model.
            alias: The alias (``champion``).
            version: The version.
        """
        ...

    def get_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """Get the version an alias points at (``NotFoundError`` if unset).

        Args:
            name: The registered model.
            alias: The alias.

        Returns:
            The version.
        """
        ...

    def delete_alias(self, name: str, alias: str) -> None:
        """Remove an alias (no-op if unset).

        Args:
            name: The registered model.
            alias: The alias.
        """
        ...

    def log_artifact(
        self, run_id: str, local_path: str | Path, *, artifact_path: str | None = None
    ) -> None:
        """Upload one local file into the run's artifacts.

        Args:
            run_id: The run.
            local_path: The file to upload.
            artifact_path: Directory inside the run's artifacts (root when ``None``).
        """
        ...

    def download_artifact(self, run_id: str, path: str, dst_dir: str | Path) -> Path:
        """Download a run artifact (file or directory) into a local directory.

        As MLflow does, ``a/b/x.json`` lands at ``<dst_dir>/x.json`` and directory ``a/b``
        at ``<dst_dir>/b/...``.

        Args:
            run_id: The run.
            path: Artifact path inside the run.
            dst_dir: Existing local directory.

        Returns:
            The local path of the downloaded file or directory.
        """
        ...

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """List the direct children of an artifact directory.

        Args:
            run_id: The run.
            path: Directory inside the run's artifacts (root when ``None``).

        Returns:
            The entries, sorted by path.
        """
        ...
