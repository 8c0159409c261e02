"""MLflow REST bodies ↔ tradai values (the JSON side of the REST client).

Requests: tags and params as ``[{"key": ..., "value": ...}]``, metric points as
``{"key", "value", "timestamp", "step"}``. Responses become the same entities the other
backends return (:class:`~tradai.common.entities.mlflow.ExperimentRun`,
``ModelVersion``, ``RegisteredModel``, :class:`~tradai.common.mlflow._types.ExperimentInfo`).
As in the SDK backend, the empty strings MLflow uses for "unset" (``description=""``,
``run_id=""``) become ``None``. A body the entities refuse is the server breaking its
contract: :class:`~tradai.common.exceptions.ExternalServiceError` with
``error_code="INVALID_RESPONSE"``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, TypeVar

from pydantic import ValidationError as PydanticValidationError

from tradai.common.entities.mlflow import ExperimentRun, ModelVersion, RegisteredModel
from tradai.common.exceptions import TradAIError
from tradai.common.mlflow._types import ArtifactInfo, ExperimentInfo, Metric
from tradai.common.mlflow.errors import make_error

__all__ = [
    "INVALID_RESPONSE",
    "artifact_from_json",
    "experiment_from_json",
    "invalid_response",
    "key_values",
    "metric_from_json",
    "metric_to_json",
    "model_from_json",
    "run_from_json",
    "section",
    "version_from_json",
]

#: ``error_code`` of a response that does not have the documented shape.
INVALID_RESPONSE: Final = "INVALID_RESPONSE"

_T = TypeVar("_T")
_UNSET_IF_EMPTY = ("description", "run_id", "source", "current_stage", "status")


def invalid_response(operation: str, what: str) -> TradAIError:
    """The error for a response that breaks MLflow's documented shape.

    Args:
        operation: The operation (``get_run``...).
        what: What was wrong (no response content).

    Returns:
        An ``ExternalServiceError`` (``error_code="INVALID_RESPONSE"``).
    """
    return make_error(INVALID_RESPONSE, f"unexpected response: {what}", operation=operation)


def section(body: Mapping[str, Any], key: str, operation: str) -> Mapping[str, Any]:
    """Return the object under ``key`` of a response body.

    Args:
        body: The decoded response.
        key: The expected key (``run``, ``model_version``...).
        operation: The operation, for the error.

    Returns:
        The inner object.

    Raises:
        ExternalServiceError: If it is missing or not an object.
    """
    inner = body.get(key)
    if not isinstance(inner, Mapping):
        raise invalid_response(operation, f"no {key!r} object")
    return inner


def _convert(build: Callable[[], _T], operation: str, what: str) -> _T:
    try:
        return build()
    except (PydanticValidationError, TypeError, ValueError, KeyError) as exc:
        raise invalid_response(operation, f"malformed {what}") from exc


def key_values(mapping: Mapping[str, str] | None) -> list[dict[str, str]]:
    """Encode tags or params as MLflow's list of ``{"key", "value"}`` objects.

    Args:
        mapping: Keys to values.

    Returns:
        The list (empty for ``None``).

    Example:
        >>> key_values({"team": "quant"})
        [{'key': 'team', 'value': 'quant'}]
    """
    return [{"key": key, "value": value} for key, value in (mapping or {}).items()]


def metric_to_json(metric: Metric, now_ms: int) -> dict[str, Any]:
    """Encode a metric point (``timestamp_ms=None`` becomes ``now_ms``).

    Args:
        metric: The point.
        now_ms: The timestamp for a point without one.

    Returns:
        The JSON object.

    Example:
        >>> metric_to_json(Metric("sharpe", 1.5, step=2), 1000)
        {'key': 'sharpe', 'value': 1.5, 'timestamp': 1000, 'step': 2}
    """
    stamp = now_ms if metric.timestamp_ms is None else metric.timestamp_ms
    return {
        "key": metric.key,
        "value": float(metric.value),
        "timestamp": stamp,
        "step": metric.step,
    }


def metric_from_json(item: Any, operation: str) -> Metric:
    """Decode one metric point of a metric history.

    Args:
        item: ``{"key", "value", "timestamp", "step"}``.
        operation: The operation, for the error.

    Returns:
        The point.
    """
    return _convert(
        lambda: Metric(
            str(item["key"]),
            float(item["value"]),
            int(item.get("step") or 0),
            int(item.get("timestamp") or 0),
        ),
        operation,
        "metric",
    )


def _clean(body: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if not (k in _UNSET_IF_EMPTY and v == "")}


def version_from_json(body: Mapping[str, Any], operation: str) -> ModelVersion:
    """Decode a model-version object.

    Args:
        body: The ``model_version`` object.
        operation: The operation, for the error.

    Returns:
        The version.
    """
    return _convert(
        lambda: ModelVersion.from_api_response(_clean(body)), operation, "model version"
    )


def model_from_json(body: Mapping[str, Any], operation: str) -> RegisteredModel:
    """Decode a registered-model object (with its latest versions and aliases).

    Args:
        body: The ``registered_model`` object.
        operation: The operation, for the error.

    Returns:
        The model.
    """

    def build() -> RegisteredModel:
        data = _clean(body)
        versions: Sequence[Any] = data.get("latest_versions") or []
        data["latest_versions"] = [_clean(v) if isinstance(v, Mapping) else v for v in versions]
        return RegisteredModel.from_api_response(data)

    return _convert(build, operation, "registered model")


def run_from_json(body: Mapping[str, Any], operation: str) -> ExperimentRun:
    """Decode a run object (``{"info": ..., "data": ...}``).

    Args:
        body: The ``run`` object.
        operation: The operation, for the error.

    Returns:
        The run (latest value of each metric).
    """
    return _convert(lambda: ExperimentRun.from_api_response(body), operation, "run")


def experiment_from_json(body: Mapping[str, Any], operation: str) -> ExperimentInfo:
    """Decode an experiment object.

    Args:
        body: The ``experiment`` object.
        operation: The operation, for the error.

    Returns:
        The experiment.
    """

    def build() -> ExperimentInfo:
        tags = body.get("tags") or []
        return ExperimentInfo(
            experiment_id=str(body["experiment_id"]),
            name=str(body["name"]),
            artifact_location=body.get("artifact_location") or None,
            lifecycle_stage=str(body.get("lifecycle_stage") or "active"),
            tags={str(t["key"]): str(t.get("value", "")) for t in tags},
        )

    return _convert(build, operation, "experiment")


def artifact_from_json(item: Any, directory: str | None, operation: str) -> ArtifactInfo:
    """Decode one entry of an artifact listing.

    The server lists names relative to the directory asked for; the entry's path is made
    relative to the run's artifact root. A name that is not one plain path segment is
    refused, so a listing can never steer a download outside its directory.

    Args:
        item: ``{"path", "is_dir", "file_size"}``.
        directory: The directory listed (root when ``None``).
        operation: The operation, for the error.

    Returns:
        The entry.

    Raises:
        ExternalServiceError: If the entry is malformed or its name unsafe.
    """
    name = item.get("path") if isinstance(item, Mapping) else None
    if not isinstance(name, str) or name in {"", ".", ".."} or "/" in name or "\x00" in name:
        raise invalid_response(operation, "unsafe artifact name in a listing")
    is_dir = bool(item.get("is_dir"))
    size = None if is_dir else _convert(lambda: int(item.get("file_size") or 0), operation, "size")
    return ArtifactInfo(f"{directory}/{name}" if directory else name, is_dir, size)
