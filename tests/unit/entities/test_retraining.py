"""RetrainingState and RetrainingDecision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest

from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.entities.retraining import (
    RetrainingDecision,
    RetrainingReason,
    RetrainingState,
    RetrainingStatus,
)
from tradai.common.exceptions import ValidationError

T0 = dt.datetime(2024, 5, 1, 9, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2024, 5, 1, 10, 0, tzinfo=dt.UTC)


def _state(**kw: Any) -> RetrainingState:
    base: dict[str, Any] = {
        "strategy_name": "PascalStrategy",
        "model_name": "pascal-lgbm",
        "updated_at": T0,
    }
    return RetrainingState(**{**base, **kw})


def test_status_enum_has_the_six_statuses() -> None:
    assert [s.name for s in RetrainingStatus] == [
        "IDLE",
        "SCHEDULED",
        "TRAINING",
        "VALIDATING",
        "COMPLETED",
        "FAILED",
    ]


def test_reason_enum_has_the_five_reasons() -> None:
    assert {r.name for r in RetrainingReason} == {
        "SCHEDULE",
        "DRIFT",
        "PERFORMANCE_DEGRADATION",
        "MANUAL",
        "DATA_VOLUME",
    }


def test_new_state_defaults_to_idle_without_history() -> None:
    state = _state()
    assert isinstance(state, DynamoDBSerializableMixin)
    assert state.status is RetrainingStatus.IDLE
    assert state.last_trained_at is None
    assert state.last_model_version is None
    assert (state.consecutive_failures, state.version) == (0, 0)


def test_full_cycle_scheduled_training_validating_completed() -> None:
    state = _state()
    for status in ("scheduled", "training", "validating", "completed", "idle"):
        state = state.with_status(RetrainingStatus(status), now=T1)
        assert state.status.value == status
        assert state.updated_at == T1


@pytest.mark.parametrize(
    ("source", "target"),
    [("idle", "validating"), ("idle", "completed"), ("validating", "training"), ("idle", "failed")],
)
def test_with_status_refuses_transitions_outside_the_lifecycle(source: str, target: str) -> None:
    with pytest.raises(ValidationError, match=f"from {source} to {target}") as info:
        _state(status=source).with_status(RetrainingStatus(target))
    assert info.value.field == "status"


def test_with_status_same_status_is_idempotent_and_can_set_schedule_and_drift() -> None:
    state = _state(status="scheduled")
    moved = state.with_status(RetrainingStatus.SCHEDULED, next_scheduled_at=T1, drift_score=0.2)
    assert (moved.next_scheduled_at, moved.last_drift_score) == (T1, 0.2)
    assert state.next_scheduled_at is None  # original unchanged


def test_is_active_covers_scheduled_training_validating() -> None:
    assert {s for s in RetrainingStatus if s.is_active} == {
        RetrainingStatus.SCHEDULED,
        RetrainingStatus.TRAINING,
        RetrainingStatus.VALIDATING,
    }


def test_record_failure_counts_consecutive_failures_and_keeps_error() -> None:
    state = _state(status="training")
    once = state.record_failure("OOM", now=T1)
    twice = once.with_status(RetrainingStatus.TRAINING).record_failure()
    assert once.status is RetrainingStatus.FAILED
    assert (once.consecutive_failures, once.last_error, once.updated_at) == (1, "OOM", T1)
    assert (twice.consecutive_failures, twice.last_error) == (2, None)
    assert state.consecutive_failures == 0


def test_record_failure_cuts_long_errors_and_never_refuses() -> None:
    failed = _state(status="idle").record_failure("e" * 5000)
    assert failed.last_error is not None
    assert len(failed.last_error) == 4000


def test_record_success_resets_failures_and_stores_version_and_time() -> None:
    state = _state(status="validating", consecutive_failures=3, last_error="x")
    done = state.record_success("12", now=T1)
    assert done.status is RetrainingStatus.COMPLETED
    assert (done.last_model_version, done.last_trained_at, done.consecutive_failures) == (
        "12",
        T1,
        0,
    )
    assert done.last_error is None
    assert done.version == state.version


@pytest.mark.parametrize("bad", ["", " 1", "1\n", "-1", "1;rm", "１"])
def test_record_success_rejects_unsafe_model_versions(bad: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="last_model_version"):
        _state().record_success(bad)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("strategy_name", "1Strategy"),
        ("strategy_name", "Pascal Strategy"),
        ("model_name", "model\x00"),
        ("status", "IDLE"),
        ("consecutive_failures", -1),
        ("consecutive_failures", True),
        ("last_drift_score", -0.1),
        ("last_drift_score", float("nan")),
        ("version", "1"),
        ("last_trained_at", dt.datetime(2024, 1, 1)),
    ],
)
def test_retraining_state_near_misses_are_rejected(field: str, value: Any) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        _state(**{field: value})


def test_retraining_state_round_trips_through_dynamodb() -> None:
    state = _state(
        status="completed",
        last_trained_at=T0,
        last_model_version="4",
        next_scheduled_at=T1,
        last_drift_score=0.125,
        consecutive_failures=0,
        version=9,
    )
    assert RetrainingState.from_dynamodb_item(state.to_dynamodb_item()) == state


# --- RetrainingDecision ---------------------------------------------------------------


def test_no_retrain_helper_builds_a_negative_decision() -> None:
    decision = RetrainingDecision.no_retrain(drift_score=0.05, details={"psi": 0.05}, now=T0)
    assert decision.should_retrain is False
    assert decision.reasons == []
    assert (decision.drift_score, decision.decided_at, decision.details) == (
        0.05,
        T0,
        {"psi": 0.05},
    )


def test_retrain_helper_builds_a_positive_decision_with_reasons() -> None:
    decision = RetrainingDecision.retrain(
        [RetrainingReason.DRIFT, RetrainingReason.SCHEDULE], drift_score=0.3
    )
    assert decision.should_retrain is True
    assert decision.reasons == [RetrainingReason.DRIFT, RetrainingReason.SCHEDULE]
    assert decision.decided_at.tzinfo is not None


def test_should_retrain_must_agree_with_reasons() -> None:
    with pytest.raises(pydantic.ValidationError, match="exactly when reasons"):
        RetrainingDecision(should_retrain=True)
    with pytest.raises(pydantic.ValidationError, match="exactly when reasons"):
        RetrainingDecision(should_retrain=False, reasons=[RetrainingReason.MANUAL])
    with pytest.raises(pydantic.ValidationError):
        RetrainingDecision.retrain([])


@pytest.mark.parametrize(
    "kwargs",
    [
        {"reasons": ["drift", "drift"]},
        {"reasons": ["DRIFT"]},
        {"reasons": ["drift "]},
        {"drift_score": -1.0},
        {"drift_score": float("inf")},
        {"details": {"bad key": 1}},
        {"details": {"k": [1]}},
        {"details": {"k": {"nested": 1}}},
    ],
)
def test_decision_near_misses_are_rejected(kwargs: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        RetrainingDecision(should_retrain=True, **{"reasons": ["drift"], **kwargs})


def test_decision_round_trips_through_model_dump() -> None:
    decision = RetrainingDecision.retrain([RetrainingReason.MANUAL], details={"by": "ops"})
    assert RetrainingDecision.model_validate(decision.model_dump()) == decision
    assert RetrainingDecision.model_validate_json(decision.model_dump_json()) == decision
