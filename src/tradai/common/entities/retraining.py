"""Model retraining workflow state and decisions.

* :class:`RetrainingState` — per-strategy retraining state in DynamoDB (PK ``strategy_name``).
* :class:`RetrainingDecision` — whether to retrain now, and why.

Decisions where the specification is silent:

* Lifecycle: ``IDLE -> SCHEDULED -> TRAINING -> VALIDATING -> COMPLETED/FAILED``, plus
  IDLE -> TRAINING (manual run), SCHEDULED -> IDLE (cancelled), TRAINING -> COMPLETED
  (no validation step), any active status -> FAILED, and COMPLETED/FAILED -> IDLE,
  SCHEDULED or TRAINING (the next cycle). Re-applying the current status is allowed.
  :meth:`RetrainingState.with_status` refuses other moves with the library's
  :class:`~tradai.common.exceptions.ValidationError`; :meth:`~RetrainingState.record_failure`
  and :meth:`~RetrainingState.record_success` record facts and never refuse.
* Every transition stamps ``updated_at``; ``version`` (optimistic locking) is owned by the
  repository, which writes ``version + 1`` on the condition that the stored item still has
  ``version``. Transitions never change it.
* ``last_drift_score`` and ``drift_score`` are PSI-like scores: finite and >= 0.
* ``RetrainingDecision.should_retrain`` is True exactly when ``reasons`` is non-empty;
  ``details`` is a flat map of JSON scalars.

Example:
    >>> state = RetrainingState(strategy_name="PascalStrategy", model_name="pascal-lgbm")
    >>> done = state.with_status(RetrainingStatus.TRAINING).record_success("7")
    >>> done.status.value, done.last_model_version, done.consecutive_failures
    ('completed', '7', 0)
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, Self

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)

from tradai.common.entities._base import DynamoDBSerializableMixin, FrozenModel, utc_now
from tradai.common.exceptions import ValidationError
from tradai.common.types import Identifier, StrategyName, UtcDatetime

__all__ = ["RetrainingDecision", "RetrainingReason", "RetrainingState", "RetrainingStatus"]

_MAX_ERROR_LEN = 4000


class RetrainingStatus(str, Enum):
    """Status of a strategy's retraining workflow.

    Example:
        >>> RetrainingStatus.VALIDATING.can_transition_to(RetrainingStatus.COMPLETED)
        True
        >>> RetrainingStatus.IDLE.can_transition_to(RetrainingStatus.VALIDATING)
        False
    """

    IDLE = "idle"
    SCHEDULED = "scheduled"
    TRAINING = "training"
    VALIDATING = "validating"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_active(self) -> bool:
        """Whether a retraining run is scheduled or in progress.

        Returns:
            True for SCHEDULED, TRAINING and VALIDATING.
        """
        return self in (
            RetrainingStatus.SCHEDULED,
            RetrainingStatus.TRAINING,
            RetrainingStatus.VALIDATING,
        )

    def can_transition_to(self, target: RetrainingStatus) -> bool:
        """Tell whether moving from this status to ``target`` is allowed.

        Args:
            target: The status to move to.

        Returns:
            True if allowed (re-applying the current status always is).
        """
        return target is self or target in _TRANSITIONS[self]


_R = RetrainingStatus
_NEXT_CYCLE = frozenset({_R.IDLE, _R.SCHEDULED, _R.TRAINING})
_TRANSITIONS: dict[RetrainingStatus, frozenset[RetrainingStatus]] = {
    _R.IDLE: frozenset({_R.SCHEDULED, _R.TRAINING}),
    _R.SCHEDULED: frozenset({_R.IDLE, _R.TRAINING, _R.FAILED}),
    _R.TRAINING: frozenset({_R.VALIDATING, _R.COMPLETED, _R.FAILED}),
    _R.VALIDATING: frozenset({_R.COMPLETED, _R.FAILED}),
    _R.COMPLETED: _NEXT_CYCLE,
    _R.FAILED: _NEXT_CYCLE,
}


class RetrainingReason(str, Enum):
    """Why a retraining was (or would be) triggered."""

    SCHEDULE = "schedule"
    DRIFT = "drift"
    PERFORMANCE_DEGRADATION = "performance_degradation"
    MANUAL = "manual"
    DATA_VOLUME = "data_volume"


def _truncate(error: str | None) -> str | None:
    if error is not None and len(error) > _MAX_ERROR_LEN:
        return error[: _MAX_ERROR_LEN - 3] + "..."
    return error or None


class RetrainingState(DynamoDBSerializableMixin):
    """Retraining state of one strategy's model.

    Attributes:
        strategy_name: Strategy name (partition key).
        model_name: Registered model name.
        status: Current workflow status.
        last_trained_at: When the last successful training finished (UTC).
        last_model_version: Model version produced by the last success.
        consecutive_failures: Failures since the last success.
        next_scheduled_at: Next scheduled retraining (UTC).
        last_drift_score: Latest drift score seen (>= 0).
        last_error: Message of the last failure.
        updated_at: When this state last changed (UTC).
        version: Optimistic-locking version, owned by the repository.
    """

    model_config = ConfigDict(allow_inf_nan=False)

    strategy_name: StrategyName
    model_name: Identifier
    status: RetrainingStatus = RetrainingStatus.IDLE
    last_trained_at: UtcDatetime | None = None
    last_model_version: Identifier | None = None
    consecutive_failures: StrictInt = Field(default=0, ge=0)
    next_scheduled_at: UtcDatetime | None = None
    last_drift_score: StrictFloat | None = Field(default=None, ge=0)
    last_error: str | None = Field(default=None, min_length=1, max_length=_MAX_ERROR_LEN)
    updated_at: UtcDatetime = Field(default_factory=utc_now)
    version: StrictInt = Field(default=0, ge=0)

    def _evolve(self, now: _dt.datetime | None, **changes: Any) -> Self:
        changes["updated_at"] = now or utc_now()
        return self.model_validate({**self.model_dump(), **changes})

    def with_status(
        self,
        status: RetrainingStatus,
        *,
        next_scheduled_at: _dt.datetime | None = None,
        drift_score: float | None = None,
        now: _dt.datetime | None = None,
    ) -> RetrainingState:
        """Return a new state with the status changed.

        Args:
            status: The new status.
            next_scheduled_at: If given, the new ``next_scheduled_at``.
            drift_score: If given, the new ``last_drift_score``.
            now: The current time; the real clock if omitted.

        Returns:
            The updated state.

        Raises:
            ValidationError: If the lifecycle does not allow the transition.

        Example:
            >>> s = RetrainingState(strategy_name="S1", model_name="m")
            >>> s.with_status(RetrainingStatus.SCHEDULED).status.value
            'scheduled'
        """
        if not self.status.can_transition_to(status):
            raise ValidationError(
                f"retraining status cannot go from {self.status.value} to {status.value}",
                field="status",
                value=status.value,
            )
        changes: dict[str, Any] = {"status": status}
        if next_scheduled_at is not None:
            changes["next_scheduled_at"] = next_scheduled_at
        if drift_score is not None:
            changes["last_drift_score"] = drift_score
        return self._evolve(now, **changes)

    def record_failure(
        self, error: str | None = None, *, now: _dt.datetime | None = None
    ) -> RetrainingState:
        """Return a new state marking the run FAILED and counting the failure.

        Args:
            error: What went wrong (cut to 4000 characters).
            now: The current time; the real clock if omitted.

        Returns:
            The state with status FAILED and ``consecutive_failures`` increased by one.
        """
        return self._evolve(
            now,
            status=RetrainingStatus.FAILED,
            consecutive_failures=self.consecutive_failures + 1,
            last_error=_truncate(error),
        )

    def record_success(
        self, model_version: str, *, now: _dt.datetime | None = None
    ) -> RetrainingState:
        """Return a new state marking the run COMPLETED with a new model version.

        Args:
            model_version: The model version the run produced.
            now: The current time; the real clock if omitted.

        Returns:
            The state with status COMPLETED, ``last_model_version`` and
            ``last_trained_at`` set, failures reset to 0 and ``last_error`` cleared.

        Raises:
            pydantic.ValidationError: If ``model_version`` is not a safe identifier.
        """
        at = now or utc_now()
        return self._evolve(
            at,
            status=RetrainingStatus.COMPLETED,
            last_model_version=model_version,
            last_trained_at=at,
            consecutive_failures=0,
            last_error=None,
        )


class RetrainingDecision(FrozenModel):
    """The outcome of deciding whether a model should be retrained.

    Attributes:
        should_retrain: Whether to retrain; True exactly when ``reasons`` is non-empty.
        reasons: Why (unique).
        drift_score: Drift score that informed the decision (>= 0).
        decided_at: When the decision was made (UTC).
        details: Extra facts (flat JSON scalars), e.g. thresholds used.

    Example:
        >>> RetrainingDecision.no_retrain(drift_score=0.05).should_retrain
        False
        >>> RetrainingDecision.retrain([RetrainingReason.DRIFT], drift_score=0.31).reasons
        [<RetrainingReason.DRIFT: 'drift'>]
    """

    model_config = ConfigDict(allow_inf_nan=False)

    should_retrain: StrictBool
    reasons: list[RetrainingReason] = Field(default_factory=list)
    drift_score: StrictFloat | None = Field(default=None, ge=0)
    decided_at: UtcDatetime = Field(default_factory=utc_now)
    details: dict[Identifier, StrictBool | StrictInt | StrictFloat | StrictStr | None] = Field(
        default_factory=dict
    )

    @field_validator("reasons")
    @classmethod
    def _validate_unique(cls, value: list[RetrainingReason]) -> list[RetrainingReason]:
        if len(set(value)) != len(value):
            raise ValueError("reasons must be unique")
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if self.should_retrain != bool(self.reasons):
            raise ValueError("should_retrain must be True exactly when reasons are given")
        return self

    @classmethod
    def no_retrain(
        cls,
        *,
        drift_score: float | None = None,
        details: Mapping[str, Any] | None = None,
        now: _dt.datetime | None = None,
    ) -> RetrainingDecision:
        """Build a decision not to retrain.

        Args:
            drift_score: The drift score that was checked, if any.
            details: Extra facts.
            now: Decision time; the real clock if omitted.

        Returns:
            A decision with ``should_retrain=False`` and no reasons.
        """
        return cls.model_validate(
            {
                "should_retrain": False,
                "drift_score": drift_score,
                "details": dict(details or {}),
                "decided_at": now or utc_now(),
            }
        )

    @classmethod
    def retrain(
        cls,
        reasons: Iterable[RetrainingReason],
        *,
        drift_score: float | None = None,
        details: Mapping[str, Any] | None = None,
        now: _dt.datetime | None = None,
    ) -> RetrainingDecision:
        """Build a decision to retrain.

        Args:
            reasons: Why (at least one, unique).
            drift_score: The drift score, if drift was checked.
            details: Extra facts.
            now: Decision time; the real clock if omitted.

        Returns:
            A decision with ``should_retrain=True``.

        Raises:
            pydantic.ValidationError: If no reason is given or a reason repeats.
        """
        return cls.model_validate(
            {
                "should_retrain": True,
                "reasons": list(reasons),
                "drift_score": drift_score,
                "details": dict(details or {}),
                "decided_at": now or utc_now(),
            }
        )
