"""Model-registry half of :class:`SDKTrackingBackend` (a mixin over ``MLflowSDKClient``).

Decisions:

* ``get_version_by_alias``: the 3.17 server answers an unknown alias with
  ``INVALID_PARAMETER_VALUE``; the alias was validated first, so that answer means "not
  set" and becomes ``NotFoundError`` (the contract of every backend).
* ``get_latest_versions`` and ``transition_stage`` use deprecated SDK calls: their
  ``FutureWarning`` is suppressed locally (stages are kept on purpose, spec point 2).
* ``create_model_version`` waits for the version to become ``READY`` at most the
  client's ``timeout_s``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from tradai.common.entities.mlflow import ModelStage, ModelVersion, RegisteredModel
from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow._convert import model_version_from_sdk, registered_model_from_sdk
from tradai.common.mlflow.client import MLflowSDKClient

__all__ = ["SDKRegistryOps"]


class SDKRegistryOps:
    """Registry operations of the SDK backend."""

    _client: MLflowSDKClient

    def create_registered_model(
        self,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> RegisteredModel:
        """See :meth:`TrackingBackend.create_registered_model`."""
        checks.model_name(name)
        tag_map = checks.tags(tags)
        model = self._client.call(
            "create_registered_model",
            lambda c: c.create_registered_model(
                name, tags=tag_map or None, description=description
            ),
            resource=name,
        )
        return registered_model_from_sdk(model)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """See :meth:`TrackingBackend.get_registered_model`."""
        checks.model_name(name)
        return registered_model_from_sdk(
            self._client.call(
                "get_registered_model", lambda c: c.get_registered_model(name), resource=name
            )
        )

    def create_model_version(
        self,
        name: str,
        *,
        source: str,
        run_id: str | None = None,
        tags: Mapping[str, str] | None = None,
        description: str | None = None,
    ) -> ModelVersion:
        """See :meth:`TrackingBackend.create_model_version`."""
        checks.model_name(name)
        if run_id is not None:
            checks.run_id(run_id)
        checks.source(source, run_id)
        tag_map = checks.tags(tags)
        wait_s = max(1, int(self._client.config.timeout_s))
        version = self._client.call(
            "create_model_version",
            lambda c: c.create_model_version(
                name,
                source,
                run_id=run_id,
                tags=tag_map or None,
                description=description,
                await_creation_for=wait_s,
            ),
            resource=name,
        )
        return model_version_from_sdk(version)

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        """See :meth:`TrackingBackend.get_model_version`."""
        checks.model_name(name)
        number = checks.version(version)
        return model_version_from_sdk(
            self._client.call(
                "get_model_version",
                lambda c: c.get_model_version(name, number),
                resource=f"{name}/{number}",
            )
        )

    def get_latest_versions(
        self, name: str, stages: Sequence[ModelStage] | None = None
    ) -> list[ModelVersion]:
        """See :meth:`TrackingBackend.get_latest_versions`."""
        checks.model_name(name)
        stage_names = checks.stages(stages)

        def latest(c: Any) -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                return c.get_latest_versions(name, stages=stage_names)

        versions = self._client.call("get_latest_versions", latest, resource=name)
        converted = [model_version_from_sdk(v) for v in versions]
        return sorted(converted, key=lambda v: int(v.version))

    def transition_stage(
        self, name: str, version: str, stage: ModelStage, *, archive_existing: bool = False
    ) -> ModelVersion:
        """See :meth:`TrackingBackend.transition_stage`."""
        checks.model_name(name)
        number = checks.version(version)
        target = checks.stage(stage)

        def transition(c: Any) -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)
                return c.transition_model_version_stage(
                    name, number, target.value, archive_existing_versions=archive_existing
                )

        updated = self._client.call("transition_stage", transition, resource=f"{name}/{number}")
        return model_version_from_sdk(updated)

    def set_alias(self, name: str, alias: str, version: str) -> None:
        """See :meth:`TrackingBackend.set_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        number = checks.version(version)
        self._client.call(
            "set_alias",
            lambda c: c.set_registered_model_alias(name, alias, number),
            resource=f"{name}@{alias}",
        )

    def get_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """See :meth:`TrackingBackend.get_version_by_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        try:
            version = self._client.call(
                "get_version_by_alias",
                lambda c: c.get_model_version_by_alias(name, alias),
                resource=f"{name}@{alias}",
            )
        except ValidationError as exc:
            raise NotFoundError(
                f"alias {alias!r} of model {name!r} is not set",
                resource="model_alias",
                key=f"{name}@{alias}",
            ) from exc
        return model_version_from_sdk(version)

    def delete_alias(self, name: str, alias: str) -> None:
        """See :meth:`TrackingBackend.delete_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        self._client.call(
            "delete_alias",
            lambda c: c.delete_registered_model_alias(name, alias),
            resource=f"{name}@{alias}",
        )
