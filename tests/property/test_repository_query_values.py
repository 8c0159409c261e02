"""Hypothesis on moto: hostile values and names in queries are data, never expression."""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.services import Service
from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.types import KeyCondition, KeySchema
from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.repositories.crud import CrudDynamoDBRepository
from tradai.common.repositories.pagination import CursorSigner
from tradai.common.repositories.query import Query

pytestmark = pytest.mark.integration

TABLE = "hostile-notes"
_PIECES = ["#", ":", "'", '"', "AND", "OR", "NOT", "(", ")", "=", "<>", " ", ":v0", "#n0",
           "attribute_exists(pk)", "BETWEEN", "begins_with", ",", "\\", "--", "/*"]  # fmt: skip
hostile = (
    st.lists(st.sampled_from(_PIECES) | st.text(max_size=3), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda s: s != "" and "\x00" not in s)
)


class Note(DynamoDBSerializableMixin):
    pk: str
    sk: str
    body: str
    version: int = 0


@pytest.fixture
def notes(aws: Service) -> CrudDynamoDBRepository[Note]:
    ClientFactory().client("dynamodb").create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "sk")],
        BillingMode="PAY_PER_REQUEST",
    )  # fmt: skip
    return CrudDynamoDBRepository(
        table_name=TABLE, entity=Note, keys=KeySchema("pk", "sk"),
        cursor_signer=CursorSigner("property-cursor-secret"),
    )  # fmt: skip


def _all(repo: CrudDynamoDBRepository[Note], query: Query) -> list[Note]:
    page = repo.query(query)
    found = list(page.items)
    while page.next_cursor is not None:
        page = repo.query(query, cursor=page.next_cursor)
        found += page.items
    return found


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=hostile)
def test_hostile_values_match_only_as_data(notes: CrudDynamoDBRepository[Note], value: str) -> None:
    pk = f"p-{uuid.uuid4()}"
    exact = notes.create(Note(pk=pk, sk=f"{value}1", body=value))
    longer = notes.create(Note(pk=pk, sk=f"{value}2", body=value + "x"))
    notes.create(Note(pk=pk, sk="zz-other", body="other " + value[::-1] + "!"))
    assert _all(notes, Query.on("pk", pk).where("body", "=", value)) == [exact]
    starts = _all(notes, Query.on("pk", pk).where("body", "begins_with", value))
    assert starts == [exact, longer]
    keyed = Query.on("pk", pk).sort_key(KeyCondition.begins_with("sk", value)).page_size(1)
    assert _all(notes, keyed) == [exact, longer]
    assert _all(notes, Query.on("pk", value)) == []


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=hostile.filter(lambda n: n not in ("pk", "sk") and len(n) <= 200), value=hostile)
def test_hostile_attribute_names_are_names_in_the_rendered_request(
    notes: CrudDynamoDBRepository[Note], name: str, value: str
) -> None:
    table: Any = boto3.resource("dynamodb").Table(TABLE)
    pk = f"p-{uuid.uuid4()}"
    table.put_item(Item={"pk": pk, "sk": "1", name: value})
    table.put_item(Item={"pk": pk, "sk": "2", name: value + "-no"})
    table.put_item(Item={"pk": pk, "sk": "3", "other": value})
    params = Query.on("pk", pk).where(name, "=", value).project("sk", name).request_params(TABLE)
    params.pop("TableName")
    items = table.query(**params)["Items"]
    assert items == [{"sk": "1", name: value}]
