"""Model-registry half of :class:`~tradai.common.clients.mlflow_client.MLflowRestClient`.

Endpoints (under ``api/2.0/mlflow/``) and whether a failed call is retried:

=====================================  ======  =========================================
operation                              method  retried
=====================================  ======  =========================================
``registered-models/create``           POST    no (a lost answer would make it exist)
``registered-models/get``              GET     yes
``model-versions/create``              POST    no (a retry would add a version)
``model-versions/get``                 GET     yes
``registered-models/get-latest-...``   GET     yes
``model-versions/transition-stage``    POST    yes (same target, same end state)
``registered-models/alias``            POST    yes (setting an alias twice is a no-op)
``registered-models/alias``            GET     yes
``registered-models/alias``            DELETE  yes
=====================================  ======  =========================================

Decisions (as in the SDK backend, so the contract suite holds for both):

* An unknown alias is answered with ``INVALID_PARAMETER_VALUE`` by the 3.17 server; the
  alias was validated first, so that answer means "not set": ``NotFoundError``.
* ``create_model_version`` waits for the version to leave ``PENDING_REGISTRATION`` at
  most ``registration_timeout`` seconds (polling ``model-versions/get``, 0.1 s doubling to
  1 s); still pending then, it returns the pending version; ``FAILED_REGISTRATION`` is an
  ``ExternalServiceError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from tradai.common.clients._mlflow_transport import RestTransport
from tradai.common.clients._mlflow_wire import (
    key_values,
    model_from_json,
    section,
    version_from_json,
)
from tradai.common.entities.mlflow import ModelStage, ModelVersion, RegisteredModel
from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow.errors import make_error

__all__ = ["RestRegistryOps"]

_MV = "model_version"
_POLL_INITIAL = 0.1
_POLL_MAX = 1.0


class RestRegistryOps:
    """Registry operations of the REST client (needs ``_transport``, ``_sleep``, ``_monotonic``)."""

    _transport: RestTransport
    _sleep: Callable[[float], object]
    _monotonic: Callable[[], float]

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
        body: dict[str, object] = {"name": name, "tags": key_values(tag_map)}
        if description is not None:
            body["description"] = description
        op = "create_registered_model"
        reply = self._transport.call(
            "POST", "registered-models/create", operation=op, resource=name, body=body
        )
        return model_from_json(section(reply, "registered_model", op), op)

    def get_registered_model(self, name: str) -> RegisteredModel:
        """See :meth:`TrackingBackend.get_registered_model`."""
        checks.model_name(name)
        op = "get_registered_model"
        reply = self._transport.call(
            "GET", "registered-models/get", operation=op, resource=name, params={"name": name}
        )
        return model_from_json(section(reply, "registered_model", op), op)

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
        body: dict[str, object] = {"name": name, "source": source, "tags": key_values(tag_map)}
        if run_id is not None:
            body["run_id"] = run_id
        if description is not None:
            body["description"] = description
        op = "create_model_version"
        reply = self._transport.call(
            "POST", "model-versions/create", operation=op, resource=name, body=body
        )
        return self._await_ready(version_from_json(section(reply, _MV, op), op))

    def _await_ready(self, version: ModelVersion) -> ModelVersion:
        deadline = self._monotonic() + self._transport.config.registration_timeout
        wait = _POLL_INITIAL
        while version.status == "PENDING_REGISTRATION" and self._monotonic() < deadline:
            self._sleep(min(wait, max(deadline - self._monotonic(), 0.0)))
            wait = min(wait * 2, _POLL_MAX)
            version = self.get_model_version(version.name, version.version)
        if version.status == "FAILED_REGISTRATION":
            raise make_error(
                "INTERNAL_ERROR",
                f"registration of version {version.version} failed",
                operation="create_model_version",
                resource=f"{version.name}/{version.version}",
            )
        return version

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        """See :meth:`TrackingBackend.get_model_version`."""
        checks.model_name(name)
        number = checks.version(version)
        op = "get_model_version"
        reply = self._transport.call(
            "GET",
            "model-versions/get",
            operation=op,
            resource=f"{name}/{number}",
            params={"name": name, "version": number},
        )
        return version_from_json(section(reply, _MV, op), op)

    def get_latest_versions(
        self, name: str, stages: Sequence[ModelStage] | None = None
    ) -> list[ModelVersion]:
        """See :meth:`TrackingBackend.get_latest_versions`."""
        checks.model_name(name)
        stage_names = checks.stages(stages)
        op = "get_latest_versions"
        reply = self._transport.call(
            "GET",
            "registered-models/get-latest-versions",
            operation=op,
            resource=name,
            params={"name": name, "stages": stage_names},
        )
        items = reply.get("model_versions") or []
        versions = [version_from_json(v, op) for v in items if isinstance(v, Mapping)]
        return sorted(versions, key=lambda v: int(v.version))

    def transition_stage(
        self, name: str, version: str, stage: ModelStage, *, archive_existing: bool = False
    ) -> ModelVersion:
        """See :meth:`TrackingBackend.transition_stage`."""
        checks.model_name(name)
        number = checks.version(version)
        target = checks.stage(stage)
        op = "transition_stage"
        reply = self._transport.call(
            "POST",
            "model-versions/transition-stage",
            operation=op,
            resource=f"{name}/{number}",
            body={
                "name": name,
                "version": number,
                "stage": target.value,
                "archive_existing_versions": bool(archive_existing),
            },
            idempotent=True,
        )
        return version_from_json(section(reply, _MV, op), op)

    def set_alias(self, name: str, alias: str, version: str) -> None:
        """See :meth:`TrackingBackend.set_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        number = checks.version(version)
        self._transport.call(
            "POST",
            "registered-models/alias",
            operation="set_alias",
            resource=f"{name}@{alias}",
            body={"name": name, "alias": alias, "version": number},
            idempotent=True,
        )

    def get_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """See :meth:`TrackingBackend.get_version_by_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        op = "get_version_by_alias"
        try:
            reply = self._transport.call(
                "GET",
                "registered-models/alias",
                operation=op,
                resource=f"{name}@{alias}",
                params={"name": name, "alias": alias},
            )
        except ValidationError as exc:
            raise NotFoundError(
                f"alias {alias!r} of model {name!r} is not set",
                resource="model_alias",
                key=f"{name}@{alias}",
            ) from exc
        return version_from_json(section(reply, _MV, op), op)

    def delete_alias(self, name: str, alias: str) -> None:
        """See :meth:`TrackingBackend.delete_alias`."""
        checks.model_name(name)
        checks.alias(alias)
        self._transport.call(
            "DELETE",
            "registered-models/alias",
            operation="delete_alias",
            resource=f"{name}@{alias}",
            body={"name": name, "alias": alias},
        )
