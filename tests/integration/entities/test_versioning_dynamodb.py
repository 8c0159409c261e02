"""ConfigVersion and DeploymentRecord items survive a real DynamoDB API (the moto server)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key

from support.services import Service
from tradai.common.entities.config_version import ConfigVersion, ConfigVersionStatus
from tradai.common.entities.deployment import DeploymentRecord, DeploymentStatus

pytestmark = pytest.mark.integration

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def _config_table() -> Any:
    return boto3.resource("dynamodb").create_table(
        TableName="config-versions",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[
            {"AttributeName": ConfigVersion.PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": ConfigVersion.SORT_KEY, "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"}
            for name in ("strategy_name", "config_id", "status", "config_hash")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": ConfigVersion.STATUS_INDEX,
                "KeySchema": [
                    {"AttributeName": "strategy_name", "KeyType": "HASH"},
                    {"AttributeName": "status", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": ConfigVersion.CONFIG_HASH_INDEX,
                "KeySchema": [{"AttributeName": "config_hash", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    )


def test_config_versions_round_trip_and_are_found_through_both_indexes(aws: Service) -> None:
    table = _config_table()
    data = {"timeframe": "1h", "roi": {"0": 0.05, "60": 0.01}, "pairs": ["BTC/USDT"]}
    draft = ConfigVersion(
        strategy_name="PascalStrategy",
        config_id="v1-abc12345",
        config_hash=ConfigVersion.compute_hash(data),
        config_data=data,
        version_number=1,
        created_at=NOW,
    )
    active = draft.with_status(ConfigVersionStatus.ACTIVE, now=NOW)
    table.put_item(Item=active.to_dynamodb_item())

    stored = table.get_item(Key={"strategy_name": "PascalStrategy", "config_id": "v1-abc12345"})
    assert ConfigVersion.from_dynamodb_item(stored["Item"]) == active

    by_status = table.query(
        IndexName=ConfigVersion.STATUS_INDEX,
        KeyConditionExpression=Key("strategy_name").eq("PascalStrategy")
        & Key("status").eq("active"),
    )["Items"]
    by_hash = table.query(
        IndexName=ConfigVersion.CONFIG_HASH_INDEX,
        KeyConditionExpression=Key("config_hash").eq(draft.config_hash),
    )["Items"]
    assert [ConfigVersion.from_dynamodb_item(i) for i in by_status + by_hash] == [active, active]


def test_deployment_records_round_trip(aws: Service) -> None:
    table = boto3.resource("dynamodb").create_table(
        TableName="deployments",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "deployment_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "deployment_id", "AttributeType": "S"}],
    )
    record = DeploymentRecord(
        deployment_id="dep-001",
        strategy_name="PascalStrategy",
        strategy_version="2.0.0",
        image_url="123456789012.dkr.ecr.eu-central-1.amazonaws.com/strategies:pascal-2.0.0",
        config_version_id="v1-abc12345",
        environment="prod",
        created_at=NOW,
        updated_at=NOW,
    ).with_status(DeploymentStatus.FAILED, error="task exited 137", now=NOW)
    table.put_item(Item=record.to_dynamodb_item())
    stored = table.get_item(Key={"deployment_id": "dep-001"})["Item"]
    assert DeploymentRecord.from_dynamodb_item(stored) == record
