"""ConfigVersion: validation, hashing, status transitions and DynamoDB round trips."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pydantic
import pytest

from tradai.common.entities.config_version import ConfigVersion, ConfigVersionStatus
from tradai.common.exceptions import ValidationError

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
HASH = "a" * 64


def _version(**overrides: Any) -> ConfigVersion:
    fields: dict[str, Any] = {
        "strategy_name": "PascalStrategy",
        "config_id": "v1-abc12345",
        "config_hash": HASH,
        "config_data": {"timeframe": "1h"},
        "version_number": 1,
        "created_at": NOW,
    }
    fields.update(overrides)
    return ConfigVersion(**fields)


def test_reference_example_activation_sets_deployed_at() -> None:
    version = ConfigVersion(
        strategy_name="PascalStrategy",
        config_id="v1-abc12345",
        config_hash="a" * 64,
        config_data={"timeframe": "1h"},
        version_number=1,
    )
    activated = version.with_status(ConfigVersionStatus.ACTIVE)
    assert activated.deployed_at is not None  # Set automatically
    assert version.status is ConfigVersionStatus.DRAFT


def test_status_values_and_defaults() -> None:
    assert [s.value for s in ConfigVersionStatus] == ["draft", "active", "deprecated"]
    version = _version()
    assert (version.status, version.version, version.ttl) == (ConfigVersionStatus.DRAFT, 0, None)


def test_class_constants_name_the_table_layout() -> None:
    assert ConfigVersion.TTL_DAYS_AFTER_DEPRECATION == 90
    assert ConfigVersion.STATUS_INDEX == "status-index"
    assert ConfigVersion.CONFIG_HASH_INDEX == "config_hash-index"
    assert (ConfigVersion.PARTITION_KEY, ConfigVersion.SORT_KEY) == ("strategy_name", "config_id")
    assert "TTL_DAYS_AFTER_DEPRECATION" not in ConfigVersion.model_fields


def test_config_hash_is_normalised_to_lower_case() -> None:
    assert _version(config_hash="ABCDEF" + "0" * 58).config_hash == "abcdef" + "0" * 58
    assert ConfigVersion.validate_hash("F" * 64) == "f" * 64


@pytest.mark.parametrize(
    "value", ["a" * 63, "a" * 65, "g" * 64, " " + "a" * 64, "a" * 64 + "\n", "а" * 64, "１" * 64]
)
def test_config_hash_rejects_near_misses(value: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="config_hash"):
        _version(config_hash=value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("strategy_name", " PascalStrategy"),
        ("strategy_name", "Pascal;rm"),
        ("config_id", "-v1"),
        ("config_id", "v1\n"),
        ("version_number", 0),
        ("version_number", True),
        ("version_number", "1"),
        ("version", -1),
        ("ttl", "1700000000"),
        ("status", "ACTIVE"),
        ("status", "active "),
        ("created_at", dt.datetime(2024, 5, 1)),  # naive on purpose
        ("created_by", "alice smith"),
        ("created_by", "alice;rm"),
        ("created_by", "аlice"),
        ("description", "bad\x00text"),
        ("description", "bad\x1b[31mtext"),
        ("description", "x" * 1025),
    ],
)
def test_fields_reject_near_misses(field: str, value: object) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        _version(**{field: value})


@pytest.mark.parametrize(
    "data",
    [
        {"x": float("nan")},
        {"x": float("inf")},
        {"x": {1: "a"}},
        {"x": {1, 2}},
        {"x": b"bytes"},
        {"x": NOW},
    ],
)
def test_config_data_must_be_json_data(data: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError, match="config_data"):
        _version(config_data=data)


def test_config_data_nesting_is_bounded() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(70):
        node["n"] = {}
        node = node["n"]
    with pytest.raises(pydantic.ValidationError, match="deeper"):
        _version(config_data=deep)


def test_config_data_tuples_become_lists() -> None:
    assert _version(config_data={"pairs": ("A/B", "C/D")}).config_data == {"pairs": ["A/B", "C/D"]}


def test_free_text_description_and_actor_ids_are_accepted() -> None:
    version = _version(
        created_by="arn:aws:sts::123456789012:assumed-role/deploy/alice@example.com",
        description="Raise ROI\n\tfor BTC — tuned by José",
    )
    assert version.created_by is not None
    assert version.description is not None


def test_compute_hash_is_order_independent_and_canonical() -> None:
    a = ConfigVersion.compute_hash({"b": 1, "a": {"y": 2, "x": [1, 2]}})
    b = ConfigVersion.compute_hash({"a": {"x": [1, 2], "y": 2}, "b": 1})
    assert a == b
    assert ConfigVersion.compute_hash({}) == (
        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
    )
    assert ConfigVersion.compute_hash({"a": 1}) != ConfigVersion.compute_hash({"a": 1.0})


def test_compute_hash_rejects_non_json_data() -> None:
    with pytest.raises(ValidationError, match="config_data"):
        ConfigVersion.compute_hash({"x": float("nan")})


def test_hash_matches_data() -> None:
    data = {"timeframe": "1h"}
    digest = ConfigVersion.compute_hash(data)
    assert not _version(config_data=data).hash_matches_data
    assert _version(config_data=data, config_hash=digest).hash_matches_data


def test_activation_sets_deployed_at_at_the_given_time() -> None:
    later = NOW + dt.timedelta(hours=1)
    active = _version().with_status(ConfigVersionStatus.ACTIVE, now=later)
    assert (active.status, active.deployed_at) == (ConfigVersionStatus.ACTIVE, later)
    assert active.version == 0


def test_deprecation_sets_deprecated_at_and_a_90_day_ttl() -> None:
    deprecated = _version().with_status(ConfigVersionStatus.DEPRECATED, now=NOW)
    assert deprecated.deprecated_at == NOW
    assert deprecated.ttl == int((NOW + dt.timedelta(days=90)).timestamp())


def test_same_status_keeps_timestamps() -> None:
    active = _version().with_status(ConfigVersionStatus.ACTIVE, now=NOW)
    again = active.with_status(ConfigVersionStatus.ACTIVE, now=NOW + dt.timedelta(days=1))
    assert again.deployed_at == NOW
    gone = active.with_status(ConfigVersionStatus.DEPRECATED, now=NOW)
    again_gone = gone.with_status(ConfigVersionStatus.DEPRECATED, now=NOW + dt.timedelta(1))
    assert again_gone.ttl == gone.ttl
    assert _version().with_status(ConfigVersionStatus.DRAFT) == _version()


def test_reactivation_clears_deprecation_so_ttl_never_deletes_an_active_config() -> None:
    gone = _version().with_status(ConfigVersionStatus.DEPRECATED, now=NOW)
    back = gone.with_status(ConfigVersionStatus.ACTIVE, now=NOW + dt.timedelta(days=1))
    assert (back.deprecated_at, back.ttl) == (None, None)
    assert back.deployed_at == NOW + dt.timedelta(days=1)


def test_a_stored_status_without_timestamps_gets_them_on_same_status() -> None:
    assert _version(status="active").with_status(ConfigVersionStatus.ACTIVE).deployed_at
    assert _version(status="deprecated").with_status(ConfigVersionStatus.DEPRECATED).ttl


@pytest.mark.parametrize("status", [ConfigVersionStatus.ACTIVE, ConfigVersionStatus.DEPRECATED])
def test_going_back_to_draft_is_refused(status: ConfigVersionStatus) -> None:
    with pytest.raises(ValidationError, match="draft"):
        _version(status=status).with_status(ConfigVersionStatus.DRAFT)


def test_with_status_rejects_a_naive_now_and_unknown_statuses() -> None:
    with pytest.raises(ValidationError, match="now"):
        _version().with_status(ConfigVersionStatus.ACTIVE, now=dt.datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="retired"):
        _version().with_status("retired")  # type: ignore[arg-type]  # unknown on purpose


def test_with_status_converts_now_to_utc() -> None:
    cet = dt.timezone(dt.timedelta(hours=2))
    active = _version().with_status(ConfigVersionStatus.ACTIVE, now=NOW.astimezone(cet))
    assert active.deployed_at == NOW
    assert active.deployed_at is not None
    assert active.deployed_at.tzinfo == dt.UTC


def test_dynamodb_item_round_trips() -> None:
    version = _version(
        config_data={"roi": {"0": 0.05}, "pairs": ["BTC/USDT"], "flag": True, "n": None},
        created_by="ci",
        description="first",
    ).with_status(ConfigVersionStatus.DEPRECATED, now=NOW)
    item = version.to_dynamodb_item()
    assert item["status"] == "deprecated"
    assert ConfigVersion.from_dynamodb_item(item) == version


def test_python_dump_round_trips() -> None:
    version = _version().with_status(ConfigVersionStatus.ACTIVE, now=NOW)
    assert ConfigVersion.model_validate(version.model_dump()) == version
    assert ConfigVersion.model_validate_json(version.model_dump_json()) == version
