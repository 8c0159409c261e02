"""The :class:`TrackingBackend` over the MLflow Python SDK (``mlflow.MlflowClient``).

Decisions:

* Input is checked with the shared rules before the SDK is touched; SDK errors are
  translated by :class:`~tradai.common.mlflow.client.MLflowSDKClient`.
* ``log_batch`` is synchronous; metric points without a timestamp get the current time.
* The registry operations live in :mod:`tradai.common.mlflow._sdk_registry`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradai.common._lazy import require
from tradai.common.entities.mlflow import ExperimentRun
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow._convert import (
    artifact_info_from_sdk,
    experiment_from_sdk,
    experiment_run_from_sdk,
)
from tradai.common.mlflow._sdk_registry import SDKRegistryOps
from tradai.common.mlflow._types import ArtifactInfo, ExperimentInfo, Metric
from tradai.common.mlflow.client import MLflowClientConfig, MLflowSDKClient

if TYPE_CHECKING:
    from tradai.common.mlflow._protocol import RunEndStatus
    from tradai.common.settings_mixins import MLflowSettingsMixin

__all__ = ["SDKTrackingBackend"]


def _entities() -> Any:
    return require("mlflow.entities", extra="mlflow")


class SDKTrackingBackend(SDKRegistryOps):
    """:class:`~tradai.common.mlflow.adapter.TrackingBackend` over ``mlflow.MlflowClient``.

    Args:
        client: The wrapped SDK client (tracking URI, credentials, retries).

    Example:
        >>> backend = SDKTrackingBackend.from_uri("http://127.0.0.1:5000")
        >>> backend.client.tracking_uri
        'http://127.0.0.1:5000'
    """

    def __init__(self, client: MLflowSDKClient) -> None:
        self._client = client

    @classmethod
    def from_settings(
        cls, settings: MLflowSettingsMixin, *, config: MLflowClientConfig | None = None
    ) -> SDKTrackingBackend:
        """Build a backend from settings.

        Args:
            settings: Tracking URI and credentials.
            config: Retry and timeout behaviour.

        Returns:
            The backend.

        Raises:
            ConfigurationError: If the settings have no tracking URI.
        """
        return cls(MLflowSDKClient(settings, config=config))

    @classmethod
    def from_uri(
        cls, tracking_uri: str, *, config: MLflowClientConfig | None = None
    ) -> SDKTrackingBackend:
        """Build a backend for a server without credentials.

        Args:
            tracking_uri: The tracking server URI.
            config: Retry and timeout behaviour.

        Returns:
            The backend.
        """
        return cls(MLflowSDKClient.from_uri(tracking_uri, config=config))

    @property
    def client(self) -> MLflowSDKClient:
        """The wrapped SDK client.

        Returns:
            The client.
        """
        return self._client

    # ------------------------------------------------------------------ experiments

    def create_experiment(
        self,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        artifact_location: str | None = None,
    ) -> str:
        """See :meth:`TrackingBackend.create_experiment`."""
        checks.experiment_name(name)
        tag_map = checks.tags(tags)
        location = checks.artifact_location(artifact_location)
        return str(
            self._client.call(
                "create_experiment",
                lambda c: c.create_experiment(
                    name, tags=tag_map or None, artifact_location=location
                ),
                resource=name,
            )
        )

    def get_experiment(self, experiment_id: str) -> ExperimentInfo:
        """See :meth:`TrackingBackend.get_experiment`."""
        checks.experiment_id(experiment_id)
        experiment = self._client.call(
            "get_experiment", lambda c: c.get_experiment(experiment_id), resource=experiment_id
        )
        return experiment_from_sdk(experiment)

    def get_experiment_by_name(self, name: str) -> ExperimentInfo | None:
        """See :meth:`TrackingBackend.get_experiment_by_name`."""
        checks.experiment_name(name)
        experiment = self._client.call(
            "get_experiment_by_name", lambda c: c.get_experiment_by_name(name), resource=name
        )
        return None if experiment is None else experiment_from_sdk(experiment)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        """See :meth:`TrackingBackend.set_experiment_tag`."""
        checks.experiment_id(experiment_id)
        checks.tags({key: value})
        self._client.call(
            "set_experiment_tag",
            lambda c: c.set_experiment_tag(experiment_id, key, value),
            resource=experiment_id,
        )

    # ------------------------------------------------------------------ runs

    def create_run(
        self,
        experiment_id: str,
        *,
        run_name: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> ExperimentRun:
        """See :meth:`TrackingBackend.create_run`."""
        checks.experiment_id(experiment_id)
        checks.run_name(run_name)
        tag_map = checks.tags(tags)
        run = self._client.call(
            "create_run",
            lambda c: c.create_run(experiment_id, tags=tag_map or None, run_name=run_name),
            resource=experiment_id,
        )
        return experiment_run_from_sdk(run)

    def log_batch(
        self,
        run_id: str,
        *,
        metrics: Sequence[Metric] = (),
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """See :meth:`TrackingBackend.log_batch`."""
        checks.run_id(run_id)
        param_map, tag_map = dict(params or {}), dict(tags or {})
        checks.batch(metrics, param_map, tag_map)
        if not (metrics or param_map or tag_map):
            return
        entities = _entities()
        now = int(time.time() * 1000)
        sdk_metrics = [
            entities.Metric(
                m.key,
                float(m.value),
                now if m.timestamp_ms is None else m.timestamp_ms,
                m.step,
            )
            for m in metrics
        ]
        sdk_params = [entities.Param(k, v) for k, v in param_map.items()]
        sdk_tags = [entities.RunTag(k, v) for k, v in tag_map.items()]
        self._client.call(
            "log_batch",
            lambda c: c.log_batch(
                run_id, metrics=sdk_metrics, params=sdk_params, tags=sdk_tags, synchronous=True
            ),
            resource=run_id,
        )

    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        """See :meth:`TrackingBackend.set_tags`."""
        self.log_batch(run_id, tags=tags)

    def end_run(self, run_id: str, *, status: RunEndStatus = "FINISHED") -> None:
        """See :meth:`TrackingBackend.end_run`."""
        checks.run_id(run_id)
        checks.end_status(status)
        self._client.call(
            "end_run", lambda c: c.set_terminated(run_id, status=status), resource=run_id
        )

    def get_run(self, run_id: str) -> ExperimentRun:
        """See :meth:`TrackingBackend.get_run`."""
        checks.run_id(run_id)
        return experiment_run_from_sdk(
            self._client.call("get_run", lambda c: c.get_run(run_id), resource=run_id)
        )

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        *,
        filter_string: str = "",
        order_by: Sequence[str] | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> PaginatedResponse[ExperimentRun]:
        """See :meth:`TrackingBackend.search_runs`."""
        ids = checks.search_args(experiment_ids, filter_string, order_by, max_results, page_token)
        page = self._client.call(
            "search_runs",
            lambda c: c.search_runs(
                ids,
                filter_string=filter_string,
                max_results=max_results,
                order_by=list(order_by) if order_by else None,
                page_token=page_token,
            ),
        )
        return PaginatedResponse[ExperimentRun](
            items=[experiment_run_from_sdk(run) for run in page],
            limit=max_results,
            next_cursor=page.token or None,
        )

    # ------------------------------------------------------------------ artifacts

    def log_artifact(
        self, run_id: str, local_path: str | Path, *, artifact_path: str | None = None
    ) -> None:
        """See :meth:`TrackingBackend.log_artifact`."""
        checks.run_id(run_id)
        source = checks.local_file(local_path)
        if artifact_path is not None:
            checks.artifact_path(artifact_path)
        self._client.call(
            "log_artifact",
            lambda c: c.log_artifact(run_id, str(source), artifact_path=artifact_path),
            resource=run_id,
        )

    def download_artifact(self, run_id: str, path: str, dst_dir: str | Path) -> Path:
        """See :meth:`TrackingBackend.download_artifact`."""
        checks.run_id(run_id)
        checks.artifact_path(path)
        target = checks.local_dir(dst_dir)
        local = self._client.call(
            "download_artifact",
            lambda c: c.download_artifacts(run_id, path, dst_path=str(target)),
            resource=f"{run_id}/{path}",
        )
        return Path(local)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """See :meth:`TrackingBackend.list_artifacts`."""
        checks.run_id(run_id)
        if path is not None:
            checks.artifact_path(path)
        entries = self._client.call(
            "list_artifacts", lambda c: c.list_artifacts(run_id, path), resource=run_id
        )
        return sorted((artifact_info_from_sdk(e) for e in entries), key=lambda e: e.path)
