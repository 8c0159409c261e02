"""Values and attribute names holding ``#``, ``:``, quotes or expression keywords are data.

Every expression the adapters build puts names and values behind placeholders, so no
value can change an expression: conditions, updates, filters and key conditions built
from such values behave exactly as with plain ones, on the twin and on DynamoDB (moto).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.services import Service
from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.adapter import DynamoDBTable
from tradai.common.aws.dynamodb.expressions import Placeholders, update_expression
from tradai.common.aws.dynamodb.protocols import KeyValueTable
from tradai.common.aws.dynamodb.types import KeyCondition, KeySchema
from tradai.common.aws.memory.table import InMemoryTable
from tradai.common.exceptions import ConflictError

TRICKY = [
    "#", ":", "'", '"', "`", "(", ")", ",", "=", "<>", " ", "AND", "OR", "NOT", "BETWEEN",
    "IN", "SET", "REMOVE", ":v0", "#n0", "attribute_exists(pk)", "' OR '1'='1", "\\", "\n",
    "size(", "begins_with(", ".", "[0]", "é", "日本",
]  # fmt: skip
tricky_text = (
    st.lists(
        st.one_of(st.sampled_from(TRICKY), st.text(alphabet="ab#:'\" ()=", max_size=3)),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .filter(bool)
)
attribute_names = tricky_text.filter(lambda n: n not in ("pk", "sk"))


def _values_are_data(table: KeyValueTable, name: str, value: str) -> None:
    pk = str(uuid.uuid4())
    key = {"pk": pk, "sk": "1"}
    table.put({**key, name: value})
    same: dict[str, Any] = {"names": {"#a": name}, "values": {":v": value}}
    table.put({**key, name: value, "seen": True}, condition="#a = :v", **same)
    with pytest.raises(ConflictError):
        table.put(key, condition="#a = :v", names={"#a": name}, values={":v": value + "x"})
    assert table.update(key, {name: value + "!"})[name] == value + "!"
    found = table.query(
        {"pk": pk}, filter_expression="#a = :v", names={"#a": name}, values={":v": value + "!"}
    )
    assert [i["seen"] for i in found] == [True]
    table.put({"pk": pk, "sk": value})
    assert [i["sk"] for i in table.query({"pk": pk}, sort=KeyCondition.eq("sk", value))] == [value]
    assert table.delete({"pk": pk, "sk": value}, condition="attribute_exists(pk)") == {
        "pk": pk,
        "sk": value,
    }


@settings(max_examples=100, deadline=None)
@given(name=attribute_names, value=tricky_text)
def test_tricky_names_and_values_are_data_in_the_twin(name: str, value: str) -> None:
    table = InMemoryTable("props", key_schema=KeySchema("pk", "sk"))
    _values_are_data(table, name, value)


@given(changes=st.dictionaries(attribute_names, tricky_text, min_size=1, max_size=4))
@settings(max_examples=100, deadline=None)
def test_generated_expressions_never_contain_names_or_values(changes: dict[str, str]) -> None:
    ph = Placeholders()
    expression = update_expression(changes, [], ph)
    assert expression == "SET " + ", ".join(f"#n{i} = :v{i}" for i in range(len(changes)))
    assert sorted(ph.names.values()) == sorted(changes)
    assert sorted(ph.values.values()) == sorted(changes.values())


@pytest.fixture(scope="module")
def moto_table(moto_server: Service) -> Any:
    client = ClientFactory().client("dynamodb")
    name = f"props-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    yield DynamoDBTable(name, client=client)
    client.delete_table(TableName=name)


@pytest.mark.integration
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=attribute_names, value=tricky_text)
def test_tricky_names_and_values_are_data_in_dynamodb(
    moto_table: DynamoDBTable, name: str, value: str
) -> None:
    _values_are_data(moto_table, name, value)
