"""Model-registry half of the in-memory twin (a mixin of ``InMemoryTrackingBackend``).

Versions are numbered per model from 1; aliases move; ``get_latest_versions`` returns
the newest version per legacy stage; ``archive_existing`` archives the other holders of
Staging/Production — as the MLflow 3.17 server does.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from tradai.common.entities.mlflow import ModelStage, ModelVersion, RegisteredModel
from tradai.common.exceptions import ConflictError, NotFoundError
from tradai.common.mlflow import _checks as checks

__all__ = ["RegistryTwin"]

_STAGE_ORDER = [stage.value for stage in ModelStage]


def _missing(resource: str, key: str, message: str) -> NotFoundError:
    return NotFoundError(message, resource=resource, key=key)


class RegistryTwin:
    """Registered models, versions, aliases and stages kept in dicts (needs a lock)."""

    _lock: threading.RLock
    _models: dict[str, dict[str, Any]]

    def _now_ms(self) -> int:
        raise NotImplementedError

    def create_registered_model(
        self,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """Implements :meth:`TrackingBackend.create_registered_model`."""
        checks.model_name(name)
        tag_map = checks.tags(tags)
        with self._lock:
            if name in self._models:
                raise ConflictError(f"registered model {name!r} already exists")
            now = self._now_ms()
            self._models[name] = {
                "name": name,
                "description": description,
                "tags": tag_map,
                "aliases": {},
                "versions": {},
                "creation_timestamp": now,
                "last_updated_timestamp": now,
            }
            return self._registered(name)

    def _model(self, name: str) -> dict[str, Any]:
        model = self._models.get(name)
        if model is None:
            raise _missing("registered_model", name, f"registered model {name!r} not found")
        return model

    def _version(self, name: str, version: str) -> dict[str, Any]:
        versions: dict[str, dict[str, Any]] = self._model(name)["versions"]
        entry = versions.get(version)
        if entry is None:
            raise _missing("model_version", f"{name}/{version}", f"{name} v{version} not found")
        return entry

    def _version_entity(self, name: str, version: str) -> ModelVersion:
        model = self._model(name)
        aliases = sorted(a for a, v in model["aliases"].items() if v == version)
        return ModelVersion.model_validate({**self._version(name, version), "aliases": aliases})

    def _latest(self, name: str, stages: Sequence[str]) -> list[ModelVersion]:
        newest: dict[str, int] = {}
        for number, entry in self._model(name)["versions"].items():
            stage = entry["current_stage"]
            if stage in stages:
                newest[stage] = max(newest.get(stage, 0), int(number))
        return sorted(
            (self._version_entity(name, str(n)) for n in newest.values()),
            key=lambda v: int(v.version),
        )

    def _registered(self, name: str) -> RegisteredModel:
        model = self._model(name)
        return RegisteredModel.model_validate(
            {
                **{k: v for k, v in model.items() if k != "versions" and v is not None},
                "latest_versions": self._latest(name, _STAGE_ORDER),
            }
        )

    def get_registered_model(self, name: str) -> RegisteredModel:
        """Implements :meth:`TrackingBackend.get_registered_model`."""
        checks.model_name(name)
        with self._lock:
            return self._registered(name)

    def create_model_version(
        self,
        name: str,
        *,
        source: str,
        run_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> ModelVersion:
        """Implements :meth:`TrackingBackend.create_model_version`."""
        checks.model_name(name)
        if run_id is not None:
            checks.run_id(run_id)
        checks.source(source, run_id)
        tag_map = checks.tags(tags)
        with self._lock:
            model = self._model(name)
            number = str(len(model["versions"]) + 1)
            now = self._now_ms()
            model["versions"][number] = {
                "name": name,
                "version": number,
                "current_stage": ModelStage.NONE.value,
                "source": source,
                "run_id": run_id,
                "status": "READY",
                "tags": tag_map,
                "description": description,
                "creation_timestamp": now,
                "last_updated_timestamp": now,
            }
            model["last_updated_timestamp"] = now
            return self._version_entity(name, number)

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        """Implements :meth:`TrackingBackend.get_model_version`."""
        checks.model_name(name)
        number = checks.version(version)
        with self._lock:
            return self._version_entity(name, number)

    def get_latest_versions(
        self, name: str, stages: Sequence[ModelStage] | None = None
    ) -> list[ModelVersion]:
        """Implements :meth:`TrackingBackend.get_latest_versions`."""
        checks.model_name(name)
        names = checks.stages(stages)
        with self._lock:
            return self._latest(name, _STAGE_ORDER if names is None else names)

    def transition_stage(
        self, name: str, version: str, stage: ModelStage, *, archive_existing: bool = False
    ) -> ModelVersion:
        """Implements :meth:`TrackingBackend.transition_stage`."""
        checks.model_name(name)
        number = checks.version(version)
        target = checks.stage(stage)
        with self._lock:
            entry = self._version(name, number)
            now = self._now_ms()
            if archive_existing and target in {ModelStage.STAGING, ModelStage.PRODUCTION}:
                for other in self._model(name)["versions"].values():
                    if other is not entry and other["current_stage"] == target.value:
                        other["current_stage"] = ModelStage.ARCHIVED.value
                        other["last_updated_timestamp"] = now
            entry["current_stage"] = target.value
            entry["last_updated_timestamp"] = now
            return self._version_entity(name, number)

    def set_alias(self, name: str, alias: str, version: str) -> None:
        """Implements :meth:`TrackingBackend.set_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        number = checks.version(version)
        with self._lock:
            self._version(name, number)
            self._model(name)["aliases"][alias] = number

    def get_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """Implements :meth:`TrackingBackend.get_version_by_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        with self._lock:
            number = self._model(name)["aliases"].get(alias)
            if number is None:
                raise _missing("model_alias", f"{name}@{alias}", f"alias {alias!r} is not set")
            return self._version_entity(name, number)

    def delete_alias(self, name: str, alias: str) -> None:
        """Implements :meth:`TrackingBackend.delete_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        with self._lock:
            self._model(name)["aliases"].pop(alias, None)
