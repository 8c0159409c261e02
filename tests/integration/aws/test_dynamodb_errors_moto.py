"""Real DynamoDB errors (from moto, or injected through the SDK's retry logic) map to the
library's exceptions, with the operation and the table in their context."""

from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service, start_moto_server
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.dynamodb.adapter import DynamoDBTable
from tradai.common.aws.dynamodb.types import KeySchema, TransactPut, TransactUpdate
from tradai.common.exceptions import (
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)

pytestmark = pytest.mark.integration


def _create(client: Any, name: str = "jobs") -> None:
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


@pytest.fixture
def client(aws: Service) -> Any:
    client = ClientFactory(config=ClientConfig(max_attempts=2)).client("dynamodb")
    _create(client)
    return client


def test_a_failed_condition_is_a_conflict_carrying_the_decoded_item(client: Any) -> None:
    table = DynamoDBTable("jobs", client=client)
    table.put({"pk": "a", "version": 3, "tags": {"x"}})
    with pytest.raises(ConflictError) as info:
        table.update({"pk": "a"}, {"status": "DONE"}, expected_version=2)
    assert info.value.current == {"pk": "a", "version": Decimal(3), "tags": {"x"}}
    assert info.value.context["operation"] == "UpdateItem"
    assert info.value.context["resource"] == "jobs"
    assert isinstance(info.value.__cause__, Exception)


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.get({"pk": "a"}),
        lambda t: t.put({"pk": "a"}),
        lambda t: t.put({"pk": "a"}, if_not_exists=True),
        lambda t: list(t.query({"pk": "a"})),
        lambda t: t.batch_write(puts=[{"pk": "a"}]),
        lambda t: t.transact_write([TransactPut({"pk": "a"})]),
    ],
    ids=["get", "put", "put-if-not-exists", "query", "batch-write", "transact"],
)
def test_a_missing_table_is_not_found(client: Any, call: Callable[[DynamoDBTable], object]) -> None:
    with pytest.raises(NotFoundError) as info:
        call(DynamoDBTable("no-such-table", client=client))
    assert info.value.context["resource"] == "no-such-table"
    assert info.value.context["error_code"] == "ResourceNotFoundException"


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.put({"pk": Decimal(1)}),
        lambda t: t.get({"other": "a"}),
        lambda t: t.put({"pk": "a"}, condition="attribute_exists(owner)"),
        lambda t: t.update({"pk": "a"}, {"pk": "b"}),
        lambda t: t.put({"pk": "a", "s": set()}),
    ],
    ids=["key-type", "key-name", "reserved-word", "key-update", "empty-set"],
)
def test_requests_dynamodb_rejects_are_validation_errors(
    client: Any, call: Callable[[DynamoDBTable], object]
) -> None:
    with pytest.raises(ValidationError) as info:
        call(DynamoDBTable("jobs", client=client))
    assert info.value.context["error_code"] == "ValidationException"
    assert info.value.context["resource"] == "jobs"


def test_a_cancelled_transaction_is_a_conflict_with_its_reasons(client: Any) -> None:
    table = DynamoDBTable("jobs", client=client, key_schema=KeySchema("pk"))
    table.put({"pk": "a", "version": 5})
    with pytest.raises(ConflictError) as info:
        table.transact_write(
            [TransactPut({"pk": "b"}), TransactUpdate({"pk": "a"}, {"x": 1}, expected_version=4)]
        )
    assert info.value.context["reasons"] == ["None", "ConditionalCheckFailed"]
    assert info.value.context["error_code"] == "TransactionCanceledException"
    assert info.value.current == [None, {"pk": "a", "version": Decimal(5)}]
    assert table.get({"pk": "b"}) is None


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("GetItem", lambda t: t.get({"pk": "a"})),
        ("PutItem", lambda t: t.put({"pk": "a"})),
        ("Query", lambda t: list(t.query({"pk": "a"}))),
        ("BatchWriteItem", lambda t: t.batch_write(puts=[{"pk": "a"}])),
        ("TransactWriteItems", lambda t: t.transact_write([TransactPut({"pk": "a"})])),
    ],
)
def test_throttling_is_retried_by_the_sdk_then_is_transient(
    client: Any, operation: str, call: Callable[[DynamoDBTable], object]
) -> None:
    table = DynamoDBTable("jobs", client=client, key_schema=KeySchema("pk"))
    with inject_aws_error(client, code="ThrottlingException", status=400) as record:
        with pytest.raises(TransientError) as info:
            call(table)
    assert record.injected == 2  # max_attempts=2: the SDK retried once
    assert info.value.context["operation"] == operation
    assert info.value.context["resource"] == "jobs"
    assert info.value.retryable


def test_throttling_that_clears_is_absorbed(client: Any) -> None:
    table = DynamoDBTable("jobs", client=client)
    with inject_aws_error(
        client, code="ProvisionedThroughputExceededException", status=400, times=1
    ):
        table.put({"pk": "a"})
    assert table.get({"pk": "a"}) == {"pk": "a"}


def test_a_server_error_surfaces_as_transient_and_a_validation_error_at_once(client: Any) -> None:
    table = DynamoDBTable("jobs", client=client)
    with inject_aws_error(client, code="InternalServerError", status=500) as record:
        with pytest.raises(TransientError):
            table.get({"pk": "a"})
    assert record.injected == 2
    with inject_aws_error(client, code="ValidationException", status=400) as record:
        with pytest.raises(ValidationError):
            table.get({"pk": "a"})
    assert record.injected == 1


def test_a_stopped_emulator_fails_fast_and_never_hangs(aws: Service) -> None:
    private = start_moto_server()
    try:
        config = ClientConfig(max_attempts=2, connect_timeout=0.5, read_timeout=1)
        client = ClientFactory(config=config).client("dynamodb", endpoint_url=private.url)
        _create(client)
        table = DynamoDBTable("jobs", client=client)
        table.put({"pk": "a"})
        private.stop()
        started = time.monotonic()
        with pytest.raises(ExternalServiceError) as info:
            table.get({"pk": "a"})
        assert time.monotonic() - started < 10
        assert isinstance(info.value, TransientError)
        assert info.value.context["operation"] == "GetItem"
    finally:
        private.stop()
