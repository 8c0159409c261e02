"""Table specs of the domain repositories: CreateTable arguments, twins, name resolution."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.aws.state_repository import DynamoDBStateRepository
from tradai.common.config.repository import ConfigVersionRepository
from tradai.common.entities.config_version import ConfigVersion
from tradai.common.entities.trading_state import TradingState
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.repositories._membership_table import InMemoryTableWithIn
from tradai.common.repositories._tables import IndexSpec, SpecRepository, TableSpec
from tradai.common.repositories.deployment import DeploymentRepository
from tradai.common.repositories.trading_state import TradingStateRepository


def _keys(elements: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(e["AttributeName"], e["KeyType"]) for e in elements]


def _indexes(params: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {i["IndexName"]: _keys(i["KeySchema"]) for i in params.get("GlobalSecondaryIndexes", [])}


def test_the_config_version_table_is_exactly_the_documented_one() -> None:
    spec = ConfigVersionRepository.table_spec("config-versions")
    params = spec.create_table_params()
    assert _keys(params["KeySchema"]) == [("strategy_name", "HASH"), ("config_id", "RANGE")]
    assert _indexes(params) == {
        ConfigVersion.STATUS_INDEX: [("strategy_name", "HASH"), ("status", "RANGE")],
        ConfigVersion.CONFIG_HASH_INDEX: [("config_hash", "HASH")],
    }
    assert spec.ttl_attribute == "ttl"
    assert all(
        i["Projection"] == {"ProjectionType": "ALL"} for i in params["GlobalSecondaryIndexes"]
    )
    assert params["BillingMode"] == "PAY_PER_REQUEST"


def test_the_job_deployment_and_trading_state_tables() -> None:
    jobs = DynamoDBStateRepository.table_spec("jobs").create_table_params()
    assert _keys(jobs["KeySchema"]) == [("job_id", "HASH")]
    assert _indexes(jobs) == {"status-index": [("status", "HASH"), ("created_at", "RANGE")]}
    deployments = DeploymentRepository.table_spec("deployments").create_table_params()
    assert _indexes(deployments) == {
        "strategy-index": [("strategy_name", "HASH"), ("created_at", "RANGE")],
        "strategy-environment-index": [("strategy_environment", "HASH"), ("created_at", "RANGE")],
    }
    states = TradingStateRepository.table_spec("states")
    assert "GlobalSecondaryIndexes" not in states.create_table_params()
    assert states.ttl_attribute is None


def test_attribute_definitions_cover_every_key_once_with_their_types() -> None:
    spec = TableSpec(
        "t1x", KeySchema("pk", "n"), (IndexSpec("by-n", KeySchema("n", "pk")),),
        attribute_types={"n": "N"},
    )  # fmt: skip
    assert spec.create_table_params()["AttributeDefinitions"] == [
        {"AttributeName": "n", "AttributeType": "N"},
        {"AttributeName": "pk", "AttributeType": "S"},
    ]


def test_bad_table_or_index_names_are_refused() -> None:
    with pytest.raises(ValidationError):
        TableSpec("a b", KeySchema("pk"))
    with pytest.raises(ValidationError):
        TableSpec("table", KeySchema("pk"), (IndexSpec("x", KeySchema("a")),))


def test_the_twin_table_has_the_same_key_and_indexes() -> None:
    table = DeploymentRepository.table_spec("deployments").in_memory_table()
    assert isinstance(table, InMemoryTableWithIn)
    assert table.key_schema == KeySchema("deployment_id")
    assert DeploymentRepository.in_memory().table.table_name == "in-memory"


def test_the_table_name_comes_from_settings_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TRADING_STATE_TABLE", "states-from-env")
    assert TradingStateRepository.table_spec().table_name == "states-from-env"
    settings = SimpleNamespace(trading_state_table="states-from-settings")
    assert TradingStateRepository.table_spec(settings=settings).table_name == "states-from-settings"
    assert TradingStateRepository(settings=settings).table.table_name == "states-from-settings"
    monkeypatch.delenv("TRADING_STATE_TABLE")
    with pytest.raises(ConfigurationError, match="TRADING_STATE_TABLE"):
        TradingStateRepository.table_spec()


def test_a_spec_needs_keys() -> None:
    class Keyless(SpecRepository[TradingState]):
        entity = TradingState

    with pytest.raises(ConfigurationError):
        Keyless.table_spec("t1x")


def _description(keys: list[tuple[str, str]], *indexes: tuple[str, list[tuple[str, str]]]) -> Any:
    def elements(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
        return [{"AttributeName": n, "KeyType": k} for n, k in pairs]

    return {
        "KeySchema": elements(keys),
        "GlobalSecondaryIndexes": [{"IndexName": n, "KeySchema": elements(k)} for n, k in indexes],
    }


def test_check_accepts_the_table_and_refuses_another_key_or_a_missing_index() -> None:
    spec = DynamoDBStateRepository.table_spec("jobs")
    index = ("status-index", [("status", "HASH"), ("created_at", "RANGE")])
    spec.check(_description([("job_id", "HASH")], index, ("extra", [("x", "HASH")])))
    with pytest.raises(ConfigurationError, match="key"):
        spec.check(_description([("id", "HASH")], index))
    with pytest.raises(ConfigurationError, match="status-index"):
        spec.check({"KeySchema": _description([("job_id", "HASH")])["KeySchema"]})
    with pytest.raises(ConfigurationError, match="status-index"):
        spec.check(_description([("job_id", "HASH")], ("status-index", [("status", "HASH")])))
