"""Value types of the table port, the protocols' shape, and the lazy package."""

from __future__ import annotations

import subprocess
import sys

import pytest

import tradai.common.aws.dynamodb as dynamodb
from tradai.common.aws.dynamodb.protocols import AsyncKeyValueTable, KeyValueTable
from tradai.common.aws.dynamodb.types import (
    BatchRetryPolicy,
    KeySchema,
    Page,
    UnprocessedItemsError,
)
from tradai.common.aws.memory.table import InMemoryTable
from tradai.common.exceptions import ConfigurationError, TransientError, ValidationError


def test_key_schema_extracts_keys_and_names_missing_attributes() -> None:
    schema = KeySchema("pk", "sk")
    assert schema.names == ("pk", "sk")
    assert KeySchema("id").names == ("id",)
    assert schema.key_of({"pk": 1, "sk": 2, "x": 3}) == {"pk": 1, "sk": 2}
    with pytest.raises(ValidationError) as info:
        schema.key_of({"pk": 1})
    assert info.value.field == "sk"


def test_a_page_has_more_only_with_a_last_key() -> None:
    assert not Page(items=()).has_more
    assert Page(items=(), last_key={"pk": "a"}).has_more


def test_backoff_grows_exponentially_with_full_jitter_up_to_the_cap() -> None:
    policy = BatchRetryPolicy(base_delay=0.1, max_delay=0.5)
    assert [policy.delay(n, 1.0) for n in (1, 2, 3, 4, 5)] == [0.1, 0.2, 0.4, 0.5, 0.5]
    assert policy.delay(3, 0.0) == 0.0
    assert policy.delay(2, 0.5) == 0.1


@pytest.mark.parametrize(
    "changes",
    [
        {"max_attempts": 0},
        {"max_attempts": 51},
        {"base_delay": 0},
        {"max_delay": -1},
        {"max_elapsed": 0},
    ],
)
def test_retry_policies_are_bounded(changes: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        BatchRetryPolicy(**changes)  # type: ignore[arg-type]  # floats for int fields on purpose


def test_unprocessed_items_error_is_transient_and_keeps_what_was_left() -> None:
    error = UnprocessedItemsError(
        "left", unprocessed=[{"put": {"pk": "a"}}], items=[{"pk": "b"}], operation="BatchWriteItem"
    )
    assert isinstance(error, TransientError)
    assert error.retryable
    assert error.unprocessed == ({"put": {"pk": "a"}},)
    assert error.items == ({"pk": "b"},)
    assert error.context["operation"] == "BatchWriteItem"


def test_the_twin_follows_the_protocol() -> None:
    table: KeyValueTable = InMemoryTable("things", key_schema=KeySchema("id"))
    assert isinstance(table, KeyValueTable)


def test_the_adapters_follow_their_protocols() -> None:
    from tradai.common.aws.dynamodb.adapter import DynamoDBTable
    from tradai.common.aws.dynamodb.async_adapter import AsyncDynamoDBTable

    sync: KeyValueTable = DynamoDBTable("things")
    asynchronous: AsyncKeyValueTable = AsyncDynamoDBTable("things")
    assert isinstance(sync, KeyValueTable)
    assert isinstance(asynchronous, AsyncKeyValueTable)
    assert repr(sync) == "DynamoDBTable(table_name='things')"
    assert repr(asynchronous) == "AsyncDynamoDBTable(table_name='things')"


def test_the_package_exports_lazily_and_imports_no_aws_sdk() -> None:
    code = (
        "import sys, tradai.common.aws.dynamodb as d, tradai.common.aws.memory.table;"
        "d.KeySchema; d.KeyValueTable; d.KeyCondition; d.parse_condition;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('boto3', 'botocore', 'aioboto3', 'aiobotocore')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert set(dynamodb.__all__) <= set(dir(dynamodb))
    assert dynamodb.DynamoDBTable.__name__ == "DynamoDBTable"
    with pytest.raises(AttributeError):
        _ = dynamodb.nope
