"""Conversion of MLflow SDK objects into tradai entities (duck-typed: no mlflow import).

The entities keep ``from_api_response()`` for REST bodies; these helpers read the SDK's
objects (``mlflow.entities.Run``, ``model_registry.ModelVersion``...) by attribute, so
the entity modules stay free of MLflow. Empty strings the SDK uses for "unset"
(``run_id=""``, ``description=""``) become ``None``.
"""

from __future__ import annotations

from typing import Any

from tradai.common.entities.mlflow import ExperimentRun, ModelVersion, RegisteredModel
from tradai.common.mlflow._types import ArtifactInfo, ExperimentInfo

__all__ = [
    "artifact_info_from_sdk",
    "experiment_from_sdk",
    "experiment_run_from_sdk",
    "model_version_from_sdk",
    "registered_model_from_sdk",
]


def _unset_empty(value: Any) -> Any:
    return None if value == "" else value


def model_version_from_sdk(version: Any) -> ModelVersion:
    """Convert an ``mlflow.entities.model_registry.ModelVersion``.

    Args:
        version: The SDK object.

    Returns:
        The tradai entity.

    Raises:
        pydantic.ValidationError: If the SDK object holds values the entity refuses.
    """
    fields = {
        "name": version.name,
        "version": str(version.version),
        "current_stage": _unset_empty(version.current_stage),
        "source": _unset_empty(version.source),
        "run_id": _unset_empty(version.run_id),
        "status": _unset_empty(version.status),
        "tags": dict(version.tags or {}),
        "aliases": list(version.aliases or []),
        "description": _unset_empty(version.description),
        "creation_timestamp": version.creation_timestamp,
        "last_updated_timestamp": version.last_updated_timestamp,
    }
    return ModelVersion.model_validate({k: v for k, v in fields.items() if v is not None})


def registered_model_from_sdk(model: Any) -> RegisteredModel:
    """Convert an ``mlflow.entities.model_registry.RegisteredModel``.

    Args:
        model: The SDK object.

    Returns:
        The tradai entity (``latest_versions`` and ``aliases`` included).
    """
    fields = {
        "name": model.name,
        "description": _unset_empty(model.description),
        "latest_versions": [model_version_from_sdk(v) for v in model.latest_versions or []],
        "aliases": {str(k): str(v) for k, v in (model.aliases or {}).items()},
        "tags": dict(model.tags or {}),
        "creation_timestamp": model.creation_timestamp,
        "last_updated_timestamp": model.last_updated_timestamp,
    }
    return RegisteredModel.model_validate({k: v for k, v in fields.items() if v is not None})


def experiment_run_from_sdk(run: Any) -> ExperimentRun:
    """Convert an ``mlflow.entities.Run``.

    Args:
        run: The SDK object.

    Returns:
        The tradai entity (latest value of each metric).
    """
    info, data = run.info, run.data
    fields = {
        "run_id": info.run_id,
        "experiment_id": str(info.experiment_id),
        "status": info.status,
        "run_name": _unset_empty(info.run_name),
        "start_time": info.start_time,
        "end_time": info.end_time,
        "artifact_uri": _unset_empty(info.artifact_uri),
        "params": dict(data.params),
        "metrics": dict(data.metrics),
        "tags": dict(data.tags),
    }
    return ExperimentRun.model_validate({k: v for k, v in fields.items() if v is not None})


def experiment_from_sdk(experiment: Any) -> ExperimentInfo:
    """Convert an ``mlflow.entities.Experiment``.

    Args:
        experiment: The SDK object.

    Returns:
        The experiment.
    """
    return ExperimentInfo(
        experiment_id=str(experiment.experiment_id),
        name=experiment.name,
        artifact_location=_unset_empty(experiment.artifact_location),
        lifecycle_stage=experiment.lifecycle_stage,
        tags=dict(experiment.tags or {}),
    )


def artifact_info_from_sdk(info: Any) -> ArtifactInfo:
    """Convert an ``mlflow.entities.FileInfo``.

    Args:
        info: The SDK object.

    Returns:
        The listing entry.
    """
    return ArtifactInfo(
        path=info.path,
        is_dir=bool(info.is_dir),
        file_size=None if info.is_dir else info.file_size,
    )
