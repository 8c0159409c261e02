"""ensure_table on moto: creates the repositories' tables, checks existing ones, enables TTL."""

from __future__ import annotations

from typing import Any

import pytest

from support.services import Service
from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.aws.state_repository import DynamoDBStateRepository
from tradai.common.config.repository import ConfigVersionRepository
from tradai.common.exceptions import ConfigurationError, NotFoundError
from tradai.common.repositories._tables import TableSpec, ensure_table
from tradai.common.repositories.deployment import DeploymentRepository
from tradai.common.repositories.trading_state import TradingStateRepository

pytestmark = pytest.mark.integration


@pytest.fixture
def client(aws: Service) -> Any:
    return ClientFactory().client("dynamodb")


@pytest.mark.parametrize(
    "cls",
    [
        DynamoDBStateRepository,
        DeploymentRepository,
        TradingStateRepository,
        ConfigVersionRepository,
    ],
)
def test_each_repository_table_is_created_once_then_accepted(client: Any, cls: Any) -> None:
    spec = cls.table_spec("domain-table")
    assert ensure_table(client, spec) is True
    assert ensure_table(client, spec) is False
    table = client.describe_table(TableName="domain-table")["Table"]
    assert table["TableStatus"] == "ACTIVE"
    spec.check(table)
    ttl = client.describe_time_to_live(TableName="domain-table")["TimeToLiveDescription"]
    if spec.ttl_attribute is None:
        assert ttl["TimeToLiveStatus"] == "DISABLED"
    else:
        assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", spec.ttl_attribute)


def test_the_default_client_and_no_waiting(aws: Service, client: Any) -> None:
    spec = TradingStateRepository.table_spec("states-default-client")
    assert ensure_table(None, spec, wait=False) is True
    assert client.describe_table(TableName="states-default-client")["Table"]["KeySchema"]


def test_a_table_created_meanwhile_by_someone_else_is_accepted(client: Any) -> None:
    spec = DynamoDBStateRepository.table_spec("raced-table")
    rival = ClientFactory().client("dynamodb")

    def create_first(**_: Any) -> None:
        client.meta.events.unregister("before-call.dynamodb.CreateTable", create_first)
        rival.create_table(**spec.create_table_params())

    client.meta.events.register("before-call.dynamodb.CreateTable", create_first)
    assert ensure_table(client, spec) is False
    spec.check(client.describe_table(TableName="raced-table")["Table"])


def test_an_existing_table_of_another_shape_is_a_configuration_error(client: Any) -> None:
    ensure_table(client, TableSpec("jobs-table", KeySchema("id")))
    with pytest.raises(ConfigurationError, match="key"):
        ensure_table(client, DynamoDBStateRepository.table_spec("jobs-table"))
    ensure_table(client, TableSpec("jobs-bare", KeySchema("job_id")))
    with pytest.raises(ConfigurationError, match="status-index"):
        ensure_table(client, DynamoDBStateRepository.table_spec("jobs-bare"))


def test_ttl_on_another_attribute_is_a_configuration_error(client: Any) -> None:
    spec = ConfigVersionRepository.table_spec("configs-table")
    ensure_table(client, TableSpec("configs-table", spec.keys, spec.indexes, "expires_at"))
    with pytest.raises(ConfigurationError, match="expires_at"):
        ensure_table(client, spec)


def test_aws_errors_are_translated(client: Any) -> None:
    def refuse(**_: Any) -> None:
        from botocore.exceptions import ClientError

        error = {"Error": {"Code": "ResourceNotFoundException", "Message": "gone"}}
        raise ClientError(error, "UpdateTimeToLive")

    client.meta.events.register("before-call.dynamodb.UpdateTimeToLive", refuse)
    with pytest.raises(NotFoundError) as info:
        ensure_table(client, DynamoDBStateRepository.table_spec("ttl-refused"))
    assert info.value.context["operation"] == "UpdateTimeToLive"
    assert info.value.context["resource"] == "ttl-refused"
