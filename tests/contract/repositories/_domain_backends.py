"""The two backends of the domain repository contract suites: the twin and DynamoDB (moto).

``backend(request, cls)`` builds ``cls`` over a fresh in-memory twin table or over a moto
table created by ``ensure_table`` from ``cls.table_spec``. On DynamoDB a botocore
``before-call`` handler records every request; on exit it asserts that every mutating
request (each item of a transaction included) carried a ``ConditionExpression``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import pytest

from tradai.common.aws._client_factory import ClientFactory
from tradai.common.aws.dynamodb.adapter import DynamoDBTable
from tradai.common.aws.dynamodb.protocols import KeyValueTable
from tradai.common.repositories._tables import SpecRepository, ensure_table
from tradai.common.repositories.pagination import CursorSigner

SIGNER = CursorSigner("contract-cursor-secret")
SINGLE_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}
BACKENDS = ["memory", pytest.param("dynamodb", marks=pytest.mark.integration)]

R = TypeVar("R", bound=SpecRepository[Any])


@dataclass
class Backend(Generic[R]):
    """A repository and, on DynamoDB, the requests it sent."""

    kind: str
    repo: R
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: The same table through an unrecorded client: a writer outside the repository.
    outsider: KeyValueTable | None = None

    def conditions(self, operation: str) -> list[str]:
        """The ``ConditionExpression`` of each recorded ``operation`` request."""
        return [
            body.get("ConditionExpression", "") for name, body in self.calls if name == operation
        ]

    def unconditional(self) -> list[str]:
        """Mutating requests (or transaction items) sent without a condition."""
        missing: list[str] = []
        for name, body in self.calls:
            if name in SINGLE_WRITES and "ConditionExpression" not in body:
                missing.append(name)
            if name == "TransactWriteItems":
                for entry in body["TransactItems"]:
                    missing += [
                        f"{name}.{k}" for k, v in entry.items() if "ConditionExpression" not in v
                    ]
        return missing


@contextmanager
def backend(request: pytest.FixtureRequest, cls: type[R], table: str) -> Iterator[Backend[R]]:
    """Yield ``cls`` over the backend named by ``request.param``."""
    if request.param == "memory":
        repo = cls.in_memory(table_name=table, cursor_signer=SIGNER)
        yield Backend("memory", repo, outsider=repo.table)
        return
    request.getfixturevalue("aws")
    client = ClientFactory().client("dynamodb")
    assert ensure_table(client, cls.table_spec(table)) is True
    repo = cls(table_name=table, client=client, cursor_signer=SIGNER)
    outsider = DynamoDBTable(
        table, client=ClientFactory().client("dynamodb"), key_schema=repo.key_schema
    )
    result: Backend[R] = Backend("dynamodb", repo, outsider=outsider)

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        result.calls.append((model.name, json.loads(params["body"] or b"{}")))

    client.meta.events.register("before-call.dynamodb.*", record)
    yield result
    client.meta.events.unregister("before-call.dynamodb.*", record)
    assert result.unconditional() == [], (
        f"mutating calls without a condition: {result.unconditional()}"
    )
