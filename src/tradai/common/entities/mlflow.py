"""MLflow registry and tracking entities.

* :class:`ModelStage` — the legacy registry stages.
* :class:`ModelVersion`, :class:`RegisteredModel`, :class:`ExperimentRun` — typed views of
  MLflow REST responses, built with ``from_api_response()``.

Decisions where the reference is silent:

* ``from_api_response()`` accepts the REST body as returned (``{"model_version": {...}}``,
  ``{"registered_model": {...}}``, ``{"run": {...}}``) or the inner object, and ignores
  keys the entity does not model (``user_id``, ``run_link``...).
* Tags, params and metrics may be given as MLflow's ``[{"key": ..., "value": ...}]`` lists
  or as plain dicts; registered-model aliases as ``[{"alias": ..., "version": ...}]`` or a
  dict. For a metric listed more than once the entry with the highest
  ``(step, timestamp)`` wins.
* Integer timestamps (and digit strings, as JSON-encoded int64) are epoch *milliseconds*,
  MLflow's unit; they become timezone-aware UTC datetimes.
* Names (registered models) follow :data:`~tradai.common.entities.identifiers.ExperimentName`
  rules; versions are positive integer strings; stages are the four MLflow stage names.
* MLflow 3 replaces stages with aliases: :meth:`RegisteredModel.version_for_stage`
  resolves a stage through the alias of the same name in lower case first, then the
  legacy ``current_stage`` of ``latest_versions``.
"""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field

from tradai.common.entities._base import FrozenModel
from tradai.common.entities.identifiers import ExperimentName
from tradai.common.types import Identifier, UtcDatetime

__all__ = ["ExperimentRun", "ModelStage", "ModelVersion", "RegisteredModel"]

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


class ModelStage(str, enum.Enum):
    """MLflow model lifecycle stages.

    NONE: not yet staged (default for new registrations); STAGING: ready for validation;
    PRODUCTION: live production model; ARCHIVED: previous production version (rollback).

    Example:
        >>> ModelStage("Production").alias
        'production'
    """

    NONE = "None"
    STAGING = "Staging"
    PRODUCTION = "Production"
    ARCHIVED = "Archived"

    @property
    def alias(self) -> str:
        """The MLflow 3 alias that stands for this stage (its value in lower case).

        Returns:
            ``"production"``, ``"staging"``, ``"archived"`` or ``"none"``.
        """
        return self.value.lower()


def _from_epoch_ms(value: Any) -> Any:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return _EPOCH + _dt.timedelta(milliseconds=value)
        except OverflowError:
            raise ValueError(f"timestamp {value} ms is out of range") from None
    return value


def _entries(value: list[Any], *keys: str) -> list[dict[str, Any]]:
    for item in value:
        if not isinstance(item, dict) or any(k not in item for k in keys):
            raise ValueError(f"each entry must be an object with {', '.join(keys)}")
    return value


def _key_value_pairs(value: Any) -> Any:
    if isinstance(value, list):
        return {item["key"]: item.get("value", "") for item in _entries(value, "key")}
    return value


def _latest_metrics(value: Any) -> Any:
    if not isinstance(value, list):
        return value
    best: dict[Any, tuple[int, int, Any]] = {}
    for item in _entries(value, "key", "value"):
        try:
            rank = (int(item.get("step") or 0), int(item.get("timestamp") or 0))
        except (TypeError, ValueError):
            raise ValueError("metric step and timestamp must be integers") from None
        key = item["key"]
        if key not in best or rank >= best[key][:2]:
            best[key] = (*rank, item["value"])
    return {key: entry[2] for key, entry in best.items()}


def _alias_map(value: Any) -> Any:
    if isinstance(value, list):
        return {item["alias"]: item["version"] for item in _entries(value, "alias", "version")}
    return value


def _unwrap(response: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    inner = response.get(key)
    return inner if isinstance(inner, Mapping) else response


def _section(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    inner = body.get(key)
    return inner if isinstance(inner, Mapping) else {}


def _pick(source: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: source[name] for name in names if source.get(name) is not None}


_Timestamp = Annotated[UtcDatetime | None, BeforeValidator(_from_epoch_ms)]
_Tags = Annotated[dict[str, str], BeforeValidator(_key_value_pairs)]
_VersionNumber = Annotated[str, Field(pattern=r"^[1-9][0-9]{0,18}$")]
_AliasName = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,255}$")]
_Uri = Annotated[str, Field(max_length=4096, pattern=r"^[^\p{Cc}\s]+$")]
_StageName = Literal["None", "Staging", "Production", "Archived"]


class ModelVersion(FrozenModel):
    """One version of a registered model in the MLflow model registry.

    Attributes:
        name: Name of the registered model.
        version: Version number (a positive integer string).
        current_stage: Legacy stage (``None``, ``Staging``, ``Production``, ``Archived``).
        source: URI of the model artifacts.
        run_id: Run that produced this version.
        status: Registration status (``READY``, ``PENDING_REGISTRATION``...).
        tags: Version-specific tags.
        aliases: Aliases pointing at this version (MLflow 3).
        description: Free-text description.
        creation_timestamp: When the version was registered (UTC).
        last_updated_timestamp: When it last changed (UTC).

    Example:
        >>> version = ModelVersion(
        ...     name="PascalStrategy",
        ...     version="1",
        ...     source="s3://tradai/models/pascal/1",
        ...     current_stage="Production",
        ... )
        >>> version.current_stage
        'Production'
    """

    name: ExperimentName
    version: _VersionNumber
    current_stage: _StageName | None = None
    source: _Uri | None = None
    run_id: Identifier | None = None
    status: Literal["READY", "PENDING_REGISTRATION", "FAILED_REGISTRATION"] = "READY"
    tags: _Tags = Field(default_factory=dict)
    aliases: list[_AliasName] = Field(default_factory=list)
    description: str | None = None
    creation_timestamp: _Timestamp = None
    last_updated_timestamp: _Timestamp = None

    @classmethod
    def from_api_response(cls, response: Mapping[str, Any]) -> Self:
        """Create a ModelVersion from an MLflow REST response.

        Args:
            response: ``{"model_version": {...}}`` or the model-version object itself.

        Returns:
            The model version.

        Raises:
            pydantic.ValidationError: If required keys are missing or values invalid.

        Example:
            >>> resp = {"name": "Strategy", "version": "1", "source": "s3://...",
            ...         "current_stage": "Production"}
            >>> ModelVersion.from_api_response(resp)  # doctest: +ELLIPSIS
            ModelVersion(name='Strategy', version='1', current_stage='Production', ...)
        """
        body = _unwrap(response, "model_version")
        return cls.model_validate(
            _pick(
                body,
                "name",
                "version",
                "current_stage",
                "source",
                "run_id",
                "status",
                "tags",
                "aliases",
                "description",
                "creation_timestamp",
                "last_updated_timestamp",
            )
        )


class RegisteredModel(FrozenModel):
    """A registered model with its latest versions and aliases.

    Attributes:
        name: Registered model name.
        description: Free-text description.
        latest_versions: Latest version per stage, as MLflow reports them.
        aliases: Alias name to version number.
        tags: Model-level tags.
        creation_timestamp: When the model was registered (UTC).
        last_updated_timestamp: When it last changed (UTC).

    Example:
        >>> model = RegisteredModel.from_api_response({"registered_model": {
        ...     "name": "PascalStrategy", "aliases": [{"alias": "production", "version": "3"}]}})
        >>> model.version_for_stage(ModelStage.PRODUCTION)
        '3'
    """

    name: ExperimentName
    description: str | None = None
    latest_versions: list[ModelVersion] = Field(default_factory=list)
    aliases: Annotated[dict[_AliasName, _VersionNumber], BeforeValidator(_alias_map)] = Field(
        default_factory=dict
    )
    tags: _Tags = Field(default_factory=dict)
    creation_timestamp: _Timestamp = None
    last_updated_timestamp: _Timestamp = None

    @classmethod
    def from_api_response(cls, response: Mapping[str, Any]) -> Self:
        """Create a RegisteredModel from an MLflow REST response.

        Args:
            response: ``{"registered_model": {...}}`` or the registered-model object.

        Returns:
            The registered model.

        Raises:
            pydantic.ValidationError: If required keys are missing or values invalid.
        """
        body = _unwrap(response, "registered_model")
        data = _pick(
            body,
            "name",
            "description",
            "aliases",
            "tags",
            "creation_timestamp",
            "last_updated_timestamp",
        )
        versions = body.get("latest_versions") or []
        data["latest_versions"] = [
            ModelVersion.from_api_response(v) if isinstance(v, Mapping) else v for v in versions
        ]
        return cls.model_validate(data)

    def version_for_stage(self, stage: ModelStage) -> str | None:
        """Resolve a stage to a version number: alias first, legacy stage second.

        Args:
            stage: The stage to resolve.

        Returns:
            The version the lower-case alias points at, else the newest of
            ``latest_versions`` in that stage, else ``None``.
        """
        stage = ModelStage(stage)
        if stage.alias in self.aliases:
            return self.aliases[stage.alias]
        in_stage = [int(v.version) for v in self.latest_versions if v.current_stage == stage.value]
        return str(max(in_stage)) if in_stage else None


class ExperimentRun(FrozenModel):
    """An MLflow tracking run.

    Attributes:
        run_id: Run identifier.
        experiment_id: Experiment the run belongs to.
        status: ``RUNNING``, ``SCHEDULED``, ``FINISHED``, ``FAILED`` or ``KILLED``.
        run_name: Display name, if any.
        start_time: Start (UTC).
        end_time: End (UTC), ``None`` while running.
        params: Logged parameters.
        metrics: Latest value of each logged metric.
        tags: Run tags.
        artifact_uri: Root URI of the run's artifacts.

    Example:
        >>> run = ExperimentRun.from_api_response({"run": {
        ...     "info": {"run_id": "abc123", "experiment_id": "1", "status": "FINISHED",
        ...              "start_time": 0},
        ...     "data": {"metrics": [{"key": "sharpe_ratio", "value": 1.5, "step": 0}]}}})
        >>> run.metrics, run.start_time.isoformat()
        ({'sharpe_ratio': 1.5}, '1970-01-01T00:00:00+00:00')
    """

    run_id: Identifier
    experiment_id: Identifier
    status: Literal["RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"] = "RUNNING"
    run_name: str | None = None
    start_time: _Timestamp = None
    end_time: _Timestamp = None
    params: _Tags = Field(default_factory=dict)
    metrics: Annotated[dict[str, float], BeforeValidator(_latest_metrics)] = Field(
        default_factory=dict
    )
    tags: _Tags = Field(default_factory=dict)
    artifact_uri: _Uri | None = None

    @classmethod
    def from_api_response(cls, response: Mapping[str, Any]) -> Self:
        """Create an ExperimentRun from an MLflow REST ``runs/get`` response.

        Args:
            response: ``{"run": {"info": ..., "data": ...}}`` or the run object.

        Returns:
            The run.

        Raises:
            pydantic.ValidationError: If required keys are missing or values invalid.
        """
        body = _unwrap(response, "run")
        info = _section(body, "info")
        data = _section(body, "data")
        fields = _pick(
            info,
            "run_id",
            "experiment_id",
            "status",
            "run_name",
            "start_time",
            "end_time",
            "artifact_uri",
        )
        if "run_id" not in fields and info.get("run_uuid") is not None:
            fields["run_id"] = info["run_uuid"]
        fields.update(_pick(data, "params", "metrics", "tags"))
        return cls.model_validate(fields)
