"""Deployment tracking: one record per rollout of a strategy image, and diffs between them.

Decisions where the specification is silent:

* Status values are lower-case (``"pending"``, ``"in_progress"``...). Transitions:
  PENDING → IN_PROGRESS or FAILED; IN_PROGRESS → SUCCEEDED, FAILED or ROLLED_BACK;
  SUCCEEDED and FAILED → ROLLED_BACK (a later rollback); ROLLED_BACK is final. Moving to
  the same status is allowed (idempotent retries). ``is_terminal`` means the rollout
  itself has finished; ``completed_at`` is set the first time a record becomes terminal.
* ``strategy_version`` and ids are identifiers (``"2.0.0"``, ``"3"``, ``"Production"``);
  ``environment`` is a lower-case name such as ``dev``, ``staging`` or ``prod``;
  ``deployed_by`` is an actor id and ``error`` free text, as in
  :mod:`~tradai.common.entities.config_version`.
* :meth:`DeploymentDiff.between` compares configs key by key, nested keys as dotted paths
  (``"freqai.model.lr"``); values are compared as JSON, so ``1``, ``1.0`` and ``True``
  differ. Without configs it still reports a change of ``config_version_id``.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any, Self

from pydantic import Field, field_validator, model_validator

from tradai.common.entities._base import DynamoDBSerializableMixin, FrozenModel, utc_now
from tradai.common.entities.config_version import _resolve_now, _validate_actor, _validate_text
from tradai.common.exceptions import ValidationError
from tradai.common.types import EcrImageUrl, Identifier, StrategyName, UtcDatetime

__all__ = ["DeploymentDiff", "DeploymentRecord", "DeploymentStatus"]

_ENVIRONMENT_RE = re.compile(r"[a-z](?:[a-z0-9-]{0,30}[a-z0-9])?")


class DeploymentStatus(str, Enum):
    """Lifecycle of one deployment.

    Example:
        >>> DeploymentStatus.PENDING.can_transition_to(DeploymentStatus.IN_PROGRESS)
        True
        >>> DeploymentStatus.ROLLED_BACK.is_terminal
        True
    """

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"

    @property
    def is_terminal(self) -> bool:
        """Whether the rollout has finished (succeeded, failed or rolled back)."""
        return self in _TERMINAL

    def can_transition_to(self, target: DeploymentStatus) -> bool:
        """Check whether moving to ``target`` is allowed (same status always is).

        Args:
            target: The status to move to.

        Returns:
            True if the transition is valid.
        """
        return target is self or target in _TRANSITIONS[self]


_TERMINAL = frozenset(
    {DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED, DeploymentStatus.ROLLED_BACK}
)
_TRANSITIONS: Mapping[DeploymentStatus, frozenset[DeploymentStatus]] = MappingProxyType(
    {
        DeploymentStatus.PENDING: frozenset(
            {DeploymentStatus.IN_PROGRESS, DeploymentStatus.FAILED}
        ),
        DeploymentStatus.IN_PROGRESS: frozenset(
            {DeploymentStatus.SUCCEEDED, DeploymentStatus.FAILED, DeploymentStatus.ROLLED_BACK}
        ),
        DeploymentStatus.SUCCEEDED: frozenset({DeploymentStatus.ROLLED_BACK}),
        DeploymentStatus.FAILED: frozenset({DeploymentStatus.ROLLED_BACK}),
        DeploymentStatus.ROLLED_BACK: frozenset(),
    }
)


class DeploymentRecord(DynamoDBSerializableMixin):
    """One deployment of a strategy image (with its config version) to an environment.

    Example:
        >>> record = DeploymentRecord(
        ...     deployment_id="dep-001",
        ...     strategy_name="PascalStrategy",
        ...     strategy_version="2.0.0",
        ...     image_url="123456789012.dkr.ecr.eu-central-1.amazonaws.com/strategies:pascal-2.0.0",
        ...     environment="prod",
        ... )
        >>> done = record.with_status(DeploymentStatus.IN_PROGRESS).with_status(
        ...     DeploymentStatus.SUCCEEDED
        ... )
        >>> done.status.value, done.completed_at is not None, record.status.value
        ('succeeded', True, 'pending')
    """

    deployment_id: Identifier
    strategy_name: StrategyName
    strategy_version: Identifier
    image_url: EcrImageUrl
    config_version_id: Identifier | None = None
    environment: str
    status: DeploymentStatus = DeploymentStatus.PENDING
    previous_deployment_id: Identifier | None = None
    deployed_by: str | None = None
    created_at: UtcDatetime = Field(default_factory=utc_now)
    updated_at: UtcDatetime = Field(default_factory=utc_now)
    completed_at: UtcDatetime | None = None
    error: str | None = None
    version: int = Field(default=0, ge=0, strict=True)

    @field_validator("environment")
    @classmethod
    def _check_environment(cls, v: str) -> str:
        if not v.isascii() or _ENVIRONMENT_RE.fullmatch(v) is None:
            raise ValueError(
                f"environment {v!r:.60} must be lower-case letters, digits and '-' "
                "(at most 32, starting with a letter)"
            )
        return v

    @field_validator("deployed_by")
    @classmethod
    def _check_deployed_by(cls, v: str | None) -> str | None:
        return _validate_actor(v)

    @field_validator("error")
    @classmethod
    def _check_error(cls, v: str | None) -> str | None:
        return _validate_text(v, max_length=4096)

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if self.updated_at < self.created_at:
            raise ValueError("updated_at must not be before created_at")
        if self.completed_at is not None and self.completed_at < self.created_at:
            raise ValueError("completed_at must not be before created_at")
        if self.previous_deployment_id == self.deployment_id:
            raise ValueError("previous_deployment_id must differ from deployment_id")
        return self

    def with_status(
        self,
        status: DeploymentStatus,
        *,
        error: str | None = None,
        now: _dt.datetime | None = None,
    ) -> Self:
        """Return a new record moved to ``status``.

        Sets ``updated_at``; sets ``completed_at`` when the record first becomes terminal;
        replaces ``error`` when one is given. ``version`` (the optimistic lock) is left to
        the repository.

        Args:
            status: The new status.
            error: An error message to record (typically for FAILED / ROLLED_BACK).
            now: The transition time (aware); defaults to the current UTC time.

        Returns:
            The updated record.

        Raises:
            ValidationError: If the transition is not allowed or ``now`` is naive.
            pydantic.ValidationError: If ``error`` is not acceptable text or ``now`` is
                before ``created_at``.
        """
        status = DeploymentStatus(status)
        if not self.status.can_transition_to(status):
            raise ValidationError(
                f"deployment {self.deployment_id!r} cannot move from {self.status.value} "
                f"to {status.value}",
                field="status",
            )
        moment = _resolve_now(now)
        update: dict[str, Any] = {"status": status, "updated_at": moment}
        if status.is_terminal and self.completed_at is None:
            update["completed_at"] = moment
        if error is not None:
            update["error"] = error
        return self.model_validate({**self.model_dump(), **update})


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def _as_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)


class DeploymentDiff(FrozenModel):
    """What changes between two deployments of a strategy.

    Example:
        >>> image = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/strategies:pascal-"
        >>> old = DeploymentRecord(
        ...     deployment_id="dep-001", strategy_name="PascalStrategy",
        ...     strategy_version="1.0.0", image_url=image + "1.0.0", environment="prod",
        ... )
        >>> new = DeploymentRecord(
        ...     deployment_id="dep-002", strategy_name="PascalStrategy",
        ...     strategy_version="1.1.0", image_url=image + "1.1.0", environment="prod",
        ...     previous_deployment_id="dep-001",
        ... )
        >>> diff = DeploymentDiff.between(
        ...     old, new,
        ...     old_config={"timeframe": "1h", "freqai": {"lr": 0.1}},
        ...     new_config={"timeframe": "4h", "freqai": {"lr": 0.1, "epochs": 5}},
        ... )
        >>> diff.changed_keys, diff.added_keys, diff.removed_keys
        (('timeframe',), ('freqai.epochs',), ())
        >>> diff.image_changed, diff.has_changes
        (True, True)
    """

    strategy_name: StrategyName
    from_deployment_id: Identifier | None = None
    to_deployment_id: Identifier
    from_version: Identifier | None = None
    to_version: Identifier
    from_image_url: EcrImageUrl | None = None
    to_image_url: EcrImageUrl
    from_config_version_id: Identifier | None = None
    to_config_version_id: Identifier | None = None
    changed_keys: tuple[str, ...] = ()
    added_keys: tuple[str, ...] = ()
    removed_keys: tuple[str, ...] = ()

    @property
    def version_changed(self) -> bool:
        """Whether the strategy version differs."""
        return self.from_version != self.to_version

    @property
    def image_changed(self) -> bool:
        """Whether the container image differs."""
        return self.from_image_url != self.to_image_url

    @property
    def config_changed(self) -> bool:
        """Whether the config version or any config key differs."""
        keys = self.changed_keys or self.added_keys or self.removed_keys
        return bool(keys) or self.from_config_version_id != self.to_config_version_id

    @property
    def has_changes(self) -> bool:
        """Whether anything at all differs between the two deployments."""
        return self.version_changed or self.image_changed or self.config_changed

    @classmethod
    def between(
        cls,
        old: DeploymentRecord | None,
        new: DeploymentRecord,
        *,
        old_config: Mapping[str, Any] | None = None,
        new_config: Mapping[str, Any] | None = None,
    ) -> Self:
        """Compute the diff from ``old`` (``None`` for a first deployment) to ``new``.

        Args:
            old: The deployment being replaced, or ``None``.
            new: The deployment replacing it.
            old_config: The config data ``old`` ran with, when known.
            new_config: The config data ``new`` runs with, when known.

        Returns:
            The diff; key tuples are sorted dotted paths.

        Raises:
            ValidationError: If the two records are for different strategies.
        """
        if old is not None and old.strategy_name != new.strategy_name:
            raise ValidationError(
                f"cannot diff deployments of {old.strategy_name!r} and {new.strategy_name!r}",
                field="strategy_name",
            )
        before, after = _flatten(old_config or {}), _flatten(new_config or {})
        common = before.keys() & after.keys()
        return cls(
            strategy_name=new.strategy_name,
            from_deployment_id=old.deployment_id if old else None,
            to_deployment_id=new.deployment_id,
            from_version=old.strategy_version if old else None,
            to_version=new.strategy_version,
            from_image_url=old.image_url if old else None,
            to_image_url=new.image_url,
            from_config_version_id=old.config_version_id if old else None,
            to_config_version_id=new.config_version_id,
            changed_keys=tuple(
                sorted(k for k in common if _as_json(before[k]) != _as_json(after[k]))
            ),
            added_keys=tuple(sorted(after.keys() - before.keys())),
            removed_keys=tuple(sorted(before.keys() - after.keys())),
        )
