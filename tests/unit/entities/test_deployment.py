"""DeploymentStatus transitions, DeploymentRecord validation and DeploymentDiff."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest

from tradai.common.entities.deployment import DeploymentDiff, DeploymentRecord, DeploymentStatus
from tradai.common.exceptions import ValidationError

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
IMAGE = "123456789012.dkr.ecr.eu-central-1.amazonaws.com/strategies:pascal-"
S = DeploymentStatus


def _record(**overrides: Any) -> DeploymentRecord:
    fields: dict[str, Any] = {
        "deployment_id": "dep-001",
        "strategy_name": "PascalStrategy",
        "strategy_version": "1.0.0",
        "image_url": IMAGE + "1.0.0",
        "environment": "prod",
        "created_at": NOW,
        "updated_at": NOW,
    }
    fields.update(overrides)
    return DeploymentRecord(**fields)


# ----------------------------------------------------------------- DeploymentStatus


ALLOWED = {
    (S.PENDING, S.IN_PROGRESS),
    (S.PENDING, S.FAILED),
    (S.IN_PROGRESS, S.SUCCEEDED),
    (S.IN_PROGRESS, S.FAILED),
    (S.IN_PROGRESS, S.ROLLED_BACK),
    (S.SUCCEEDED, S.ROLLED_BACK),
    (S.FAILED, S.ROLLED_BACK),
}


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_transition_table(source: DeploymentStatus, target: DeploymentStatus) -> None:
    expected = source is target or (source, target) in ALLOWED
    assert source.can_transition_to(target) is expected


def test_terminal_statuses_and_values() -> None:
    assert {s for s in S if s.is_terminal} == {S.SUCCEEDED, S.FAILED, S.ROLLED_BACK}
    assert [s.value for s in S] == ["pending", "in_progress", "succeeded", "failed", "rolled_back"]


# ----------------------------------------------------------------- DeploymentRecord


def test_new_record_defaults() -> None:
    record = _record()
    assert (record.status, record.version, record.completed_at) == (S.PENDING, 0, None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("deployment_id", " dep-1"),
        ("deployment_id", "dep;1"),
        ("strategy_name", "1Pascal"),
        ("strategy_version", "1.0.0\n"),
        ("image_url", "docker.io/library/python:3.11"),
        ("image_url", IMAGE + "1.0.0 "),
        ("environment", "Prod"),
        ("environment", "prod "),
        ("environment", "-prod"),
        ("environment", "prod-"),
        ("environment", "prоd"),
        ("status", "done"),
        ("deployed_by", "ci user"),
        ("deployed_by", "$(whoami)"),
        ("error", "boom\x00"),
        ("error", "x" * 4097),
        ("version", True),
        ("created_at", dt.datetime(2024, 5, 1)),  # naive on purpose
    ],
)
def test_fields_reject_near_misses(field: str, value: object) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        _record(**{field: value})


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"updated_at": NOW - dt.timedelta(seconds=1)}, "updated_at"),
        ({"completed_at": NOW - dt.timedelta(seconds=1)}, "completed_at"),
        ({"previous_deployment_id": "dep-001"}, "previous_deployment_id"),
    ],
)
def test_record_rejects_inconsistent_fields(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        _record(**overrides)


def test_with_status_walks_the_happy_path() -> None:
    started = _record().with_status(S.IN_PROGRESS, now=NOW + dt.timedelta(minutes=1))
    done = started.with_status(S.SUCCEEDED, now=NOW + dt.timedelta(minutes=5))
    assert started.completed_at is None
    assert done.completed_at == NOW + dt.timedelta(minutes=5)
    assert done.updated_at == done.completed_at
    assert done.version == 0


def test_failure_records_the_error_and_rollback_keeps_completed_at() -> None:
    failed = _record().with_status(S.FAILED, error="task exited 137\n", now=NOW)
    rolled = failed.with_status(S.ROLLED_BACK, now=NOW + dt.timedelta(minutes=3))
    assert failed.error == "task exited 137\n"
    assert rolled.error == failed.error
    assert rolled.completed_at == NOW
    assert rolled.updated_at == NOW + dt.timedelta(minutes=3)


def test_invalid_transition_is_refused() -> None:
    with pytest.raises(ValidationError, match="rolled_back to pending"):
        _record(status=S.ROLLED_BACK).with_status(S.PENDING)


def test_with_status_rejects_bad_input() -> None:
    with pytest.raises(ValidationError, match="now"):
        _record().with_status(S.IN_PROGRESS, now=dt.datetime(2024, 6, 1))
    with pytest.raises(pydantic.ValidationError, match="error"):
        _record().with_status(S.FAILED, error="\x1b[2J", now=NOW)
    with pytest.raises(pydantic.ValidationError, match="updated_at"):
        _record().with_status(S.IN_PROGRESS, now=NOW - dt.timedelta(days=1))


def test_record_round_trips_through_dynamodb_and_python_dumps() -> None:
    record = _record(
        config_version_id="v1-abc12345",
        previous_deployment_id="dep-000",
        deployed_by="alice@example.com",
    ).with_status(S.FAILED, error="boom", now=NOW)
    assert DeploymentRecord.from_dynamodb_item(record.to_dynamodb_item()) == record
    assert DeploymentRecord.model_validate(record.model_dump()) == record


# ----------------------------------------------------------------- DeploymentDiff


def test_documented_diff_example() -> None:
    old = _record()
    new = _record(
        deployment_id="dep-002",
        strategy_version="1.1.0",
        image_url=IMAGE + "1.1.0",
        previous_deployment_id="dep-001",
    )
    diff = DeploymentDiff.between(
        old,
        new,
        old_config={"timeframe": "1h", "freqai": {"lr": 0.1}},
        new_config={"timeframe": "4h", "freqai": {"lr": 0.1, "epochs": 5}},
    )
    assert (diff.changed_keys, diff.added_keys, diff.removed_keys) == (
        ("timeframe",),
        ("freqai.epochs",),
        (),
    )
    assert (diff.from_version, diff.to_version) == ("1.0.0", "1.1.0")
    assert diff.image_changed
    assert diff.version_changed
    assert diff.has_changes


def test_identical_deployments_have_no_changes() -> None:
    config = {"a": 1, "b": {"c": [1, 2]}}
    diff = DeploymentDiff.between(
        _record(), _record(deployment_id="dep-002"), old_config=config, new_config=dict(config)
    )
    assert not diff.has_changes
    assert not diff.config_changed


def test_values_are_compared_as_json() -> None:
    diff = DeploymentDiff.between(
        _record(),
        _record(deployment_id="dep-002"),
        old_config={"a": 1, "b": True, "c": 2, "d": {}},
        new_config={"a": 1.0, "b": 1, "c": 2, "d": {}},
    )
    assert diff.changed_keys == ("a", "b")
    assert diff.has_changes


def test_removed_keys_and_config_version_change_are_reported() -> None:
    diff = DeploymentDiff.between(
        _record(config_version_id="v1"),
        _record(deployment_id="dep-002", config_version_id="v2"),
        old_config={"stoploss": -0.1},
    )
    assert diff.removed_keys == ("stoploss",)
    only_ids = DeploymentDiff.between(
        _record(config_version_id="v1"), _record(deployment_id="dep-002", config_version_id="v2")
    )
    assert only_ids.config_changed
    assert only_ids.has_changes
    assert not only_ids.image_changed


def test_first_deployment_diff_has_no_origin() -> None:
    diff = DeploymentDiff.between(None, _record(), new_config={"timeframe": "1h"})
    assert (diff.from_deployment_id, diff.from_version, diff.from_image_url) == (None, None, None)
    assert diff.added_keys == ("timeframe",)
    assert diff.has_changes


def test_diff_of_different_strategies_is_refused() -> None:
    with pytest.raises(ValidationError, match="strategy"):
        DeploymentDiff.between(_record(), _record(strategy_name="OtherStrategy"))


def test_diff_is_frozen_and_round_trips() -> None:
    diff = DeploymentDiff.between(_record(), _record(deployment_id="dep-002"))
    assert DeploymentDiff.model_validate(diff.model_dump()) == diff
    with pytest.raises(pydantic.ValidationError):
        diff.to_version = "9"  # type: ignore[misc]  # frozen on purpose
