"""One contract for CrudRepository: the in-memory twin and DynamoDB (moto) alike.

Optimistic concurrency is proved with deterministic interleavings (moto is not
thread-safe): two writers read the same version, then their writes are sequenced
explicitly. Exactly one wins, the loser gets ``ConflictError`` carrying the stored entity,
and the stored item is the winner's write. On DynamoDB every mutating request is checked
to carry its ``ConditionExpression`` (counted by a botocore ``before-call`` handler on the
real client); batch writes are excluded, as DynamoDB batches cannot carry conditions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.adapter import DynamoDBTable
from tradai.common.aws.dynamodb.types import KeyCondition, KeySchema
from tradai.common.entities.deployment import DeploymentRecord, DeploymentStatus
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError
from tradai.common.repositories.crud import CrudDynamoDBRepository
from tradai.common.repositories.in_memory import InMemoryCrudRepository
from tradai.common.repositories.pagination import CursorSigner
from tradai.common.repositories.query import Query

TABLE = "contract-deployments"
KEYS = KeySchema("deployment_id")
INDEX = "by-strategy"
SIGNER = CursorSigner("contract-cursor-secret")
MUTATING = {"PutItem", "UpdateItem", "DeleteItem"}
T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

Repo = CrudDynamoDBRepository[DeploymentRecord]


def _moto_repo(calls: list[tuple[str, dict[str, Any]]]) -> Repo:
    client = ClientFactory().client("dynamodb")
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "deployment_id", "KeyType": "HASH"}],
        AttributeDefinitions=[
            {"AttributeName": name, "AttributeType": "S"}
            for name in ("deployment_id", "strategy_name", "created_at")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": INDEX,
                "KeySchema": [
                    {"AttributeName": "strategy_name", "KeyType": "HASH"},
                    {"AttributeName": "created_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        calls.append((model.name, json.loads(params["body"] or b"{}")))

    client.meta.events.register("before-call.dynamodb.*", record)
    table = DynamoDBTable(TABLE, client=client, key_schema=KEYS)
    return CrudDynamoDBRepository(table, entity=DeploymentRecord, keys=KEYS, cursor_signer=SIGNER)


@pytest.fixture(params=["memory", pytest.param("dynamodb", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> Iterator[Repo]:
    if request.param == "memory":
        yield InMemoryCrudRepository(
            entity=DeploymentRecord, keys=KEYS, table_name=TABLE,
            indexes={INDEX: KeySchema("strategy_name", "created_at")}, cursor_signer=SIGNER,
        )  # fmt: skip
        return
    request.getfixturevalue("aws")
    calls: list[tuple[str, dict[str, Any]]] = []
    yield _moto_repo(calls)
    mutating = [(name, body) for name, body in calls if name in MUTATING]
    unconditional = [name for name, body in mutating if "ConditionExpression" not in body]
    assert unconditional == [], f"mutating calls without a condition: {unconditional}"


def _record(number: int = 1, **changes: Any) -> DeploymentRecord:
    values: dict[str, Any] = {
        "deployment_id": f"dep-{number}", "strategy_name": "Pascal", "strategy_version": "2.0.0",
        "image_url": "123456789012.dkr.ecr.eu-central-1.amazonaws.com/s:p-2.0.0",
        "environment": "prod", "created_at": T0 + dt.timedelta(minutes=number),
        "updated_at": T0 + dt.timedelta(minutes=number),
    }  # fmt: skip
    return DeploymentRecord(**(values | changes))


def _two_readers(repo: Repo, key: str) -> tuple[DeploymentRecord, DeploymentRecord]:
    a, b = repo.get(key), repo.get(key)
    assert a is not None
    assert b is not None
    assert a.version == b.version
    return a, b


# ---------------------------------------------------------------- two writers
@pytest.mark.parametrize("first", ["a", "b"])
def test_two_updates_of_the_same_version_exactly_one_wins(repo: Repo, first: str) -> None:
    repo.create(_record())
    a, b = _two_readers(repo, "dep-1")
    writes = {
        "a": a.with_status(DeploymentStatus.IN_PROGRESS, now=T0 + dt.timedelta(hours=1)),
        "b": b.with_status(DeploymentStatus.FAILED, error="boom", now=T0 + dt.timedelta(hours=2)),
    }
    loser = "b" if first == "a" else "a"
    winner = repo.update(writes[first])
    with pytest.raises(ConflictError) as info:
        repo.update(writes[loser])
    assert info.value.current == winner
    assert isinstance(info.value.current, DeploymentRecord)
    assert repo.get("dep-1") == winner == writes[first].model_copy(update={"version": 2})
    assert repo.table.get({"deployment_id": "dep-1"}) == repo.to_item(winner)


def test_an_update_then_a_stale_delete_the_delete_loses(repo: Repo) -> None:
    repo.create(_record())
    a, b = _two_readers(repo, "dep-1")
    winner = repo.update(a.with_status(DeploymentStatus.IN_PROGRESS))
    with pytest.raises(ConflictError) as info:
        repo.delete("dep-1", expected_version=b.version)
    assert info.value.current == winner
    assert repo.get("dep-1") == winner


def test_a_delete_then_a_stale_update_the_update_finds_nothing(repo: Repo) -> None:
    repo.create(_record())
    a, b = _two_readers(repo, "dep-1")
    assert repo.delete("dep-1", expected_version=a.version) is True
    with pytest.raises(NotFoundError):
        repo.update(b.with_status(DeploymentStatus.IN_PROGRESS))
    assert repo.get("dep-1") is None


def test_two_deletes_of_the_same_version_exactly_one_deletes(repo: Repo) -> None:
    repo.create(_record())
    a, b = _two_readers(repo, "dep-1")
    results = [
        repo.delete("dep-1", expected_version=a.version),
        repo.delete("dep-1", expected_version=b.version),
    ]
    assert results == [True, False]
    assert not repo.exists("dep-1")


def test_two_creates_of_the_same_key_exactly_one_wins(repo: Repo) -> None:
    mine, theirs = _record(environment="prod"), _record(environment="staging")
    winner = repo.create(mine)
    with pytest.raises(ConflictError) as info:
        repo.create(theirs)
    assert info.value.current == winner
    assert repo.get("dep-1") == winner
    assert winner.environment == "prod"


def test_two_first_puts_of_the_same_key_exactly_one_wins(repo: Repo) -> None:
    winner = repo.put(_record(environment="prod"))
    with pytest.raises(ConflictError) as info:
        repo.put(_record(environment="dev"))
    assert info.value.current == winner
    assert repo.put(winner.model_copy(update={"environment": "qa"})).version == 2


def test_a_read_modify_write_cycle_moves_versions_one_by_one(repo: Repo) -> None:
    record = repo.create(_record())
    for status in (DeploymentStatus.IN_PROGRESS, DeploymentStatus.SUCCEEDED):
        record = repo.update(record.with_status(status))
    assert record.version == 3
    assert repo.get("dep-1") == record
    assert repo.delete("dep-1", expected_version=3) is True
    assert repo.delete("dep-1") is False


# ---------------------------------------------------------------- reads
def test_list_pages_through_every_record_exactly_once(repo: Repo) -> None:
    created = {repo.create(_record(n)).deployment_id for n in range(1, 12)}
    seen: list[str] = []
    page = repo.list(limit=4)
    seen += [r.deployment_id for r in page.items]
    while page.next_cursor is not None:
        assert len(page.items) <= 4
        page = repo.list(limit=4, cursor=page.next_cursor)
        seen += [r.deployment_id for r in page.items]
    assert sorted(seen) == sorted(created)


def test_an_edited_cursor_is_refused(repo: Repo) -> None:
    for n in range(1, 4):
        repo.create(_record(n))
    cursor = repo.list(limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(ValidationError):
        repo.list(limit=1, cursor=cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB"))


def test_a_query_on_an_index_with_a_filter_and_order(repo: Repo) -> None:
    for n in range(1, 7):
        record = repo.create(_record(n, environment="prod" if n % 2 else "dev"))
        if n % 3 == 0:
            repo.update(record.with_status(DeploymentStatus.IN_PROGRESS))
    query = (
        Query.on("strategy_name", "Pascal")
        .using(INDEX)
        .sort_key(KeyCondition.gt("created_at", T0 + dt.timedelta(minutes=1)))
        .where("environment", "=", "prod")
        .order(descending=True)
        .page_size(2)
    )
    found: list[DeploymentRecord] = []
    page = repo.query(query)
    found += page.items
    while page.next_cursor is not None:
        page = repo.query(query, cursor=page.next_cursor)
        found += page.items
    assert [r.deployment_id for r in found] == ["dep-5", "dep-3"]
    assert found[1].status is DeploymentStatus.IN_PROGRESS
    assert found[1].version == 2


def test_bad_input_is_refused_before_anything_is_written(repo: Repo) -> None:
    with pytest.raises(ValidationError):
        repo.update(_record(), expected_version=-1)
    with pytest.raises(ValidationError):
        repo.delete(("dep-1", "extra"))
    with pytest.raises(ValidationError):
        repo.list(limit=0)
    assert repo.list(limit=10).items == []
