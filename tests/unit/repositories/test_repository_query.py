"""Query builder: immutable, every name and value through placeholders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from tradai.common.aws.dynamodb.types import KeyCondition
from tradai.common.entities.aws import JobStatus
from tradai.common.exceptions import ValidationError
from tradai.common.repositories.query import Filter, Query

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def test_builder_methods_return_new_queries_and_leave_the_original_alone() -> None:
    base = Query.on("pk", "a")
    built = (
        base.sort_key(KeyCondition.begins_with("sk", "2026-"))
        .using("by-status")
        .where("status", "=", "x")
        .project("pk")
        .page_size(10)
        .order(descending=True)
        .consistent()
    )
    assert base == Query(partition=("pk", "a"))
    assert built.index == "by-status"
    assert built.limit == 10
    assert built.descending is True
    assert built.consistent_read is True
    assert built.projection == ("pk",)
    assert built.filters == (Filter("status", "=", "x"),)


def test_values_are_converted_as_entities_store_them() -> None:
    query = (
        Query.on("status", JobStatus.RUNNING)
        .sort_key(KeyCondition.between("at", NOW, NOW))
        .where("score", ">", 0.5)
    )
    assert query.partition == ("status", "running")
    assert query.sort == KeyCondition("at", "between", (NOW.isoformat(), NOW.isoformat()))
    assert query.filters[0].value == Decimal("0.5")


def test_filters_render_only_placeholders_whatever_the_values_and_names() -> None:
    query = (
        Query.on("pk", "a")
        .where("#status", "=", "x OR 1=1")
        .where("na:me", "begins_with", ":v0")
        .where("AND", "attribute_exists")
        .where("gone", "attribute_not_exists")
        .where("n", "<>", "'quoted\"")
    )
    expression, names, values = query.filter_expression()
    assert expression == (
        "#n0 = :v0 AND begins_with(#n1, :v1) AND attribute_exists(#n2) AND "
        "attribute_not_exists(#n3) AND #n4 <> :v4"
    )
    assert names == {"#n0": "#status", "#n1": "na:me", "#n2": "AND", "#n3": "gone", "#n4": "n"}
    assert values == {":v0": "x OR 1=1", ":v1": ":v0", ":v4": "'quoted\""}


def test_a_query_without_filters_renders_none() -> None:
    assert Query.on("pk", "a").filter_expression() == (None, {}, {})


def test_table_kwargs_match_the_table_port() -> None:
    kwargs = Query.on("pk", "a").where("s", "=", "x").page_size(5).table_kwargs()
    assert kwargs == {
        "partition": {"pk": "a"}, "sort": None, "index": None,
        "filter_expression": "#n0 = :v0", "names": {"#n0": "s"}, "values": {":v0": "x"},
        "descending": False, "page_size": 5, "consistent_read": False,
    }  # fmt: skip


def test_request_params_render_the_whole_request() -> None:
    params = (
        Query.on("pk", "a")
        .sort_key(KeyCondition.gt("sk", 3))
        .using("idx")
        .where("s", "=", "x")
        .project("pk", "s")
        .request_params("orders")
    )
    assert params == {
        "TableName": "orders",
        "KeyConditionExpression": "#n0 = :v0 AND #n1 > :v1",
        "ScanIndexForward": True,
        "Limit": 100,
        "ConsistentRead": False,
        "IndexName": "idx",
        "FilterExpression": "#n2 = :v2",
        "ProjectionExpression": "#n0, #n2",
        "ExpressionAttributeNames": {"#n0": "pk", "#n1": "sk", "#n2": "s"},
        "ExpressionAttributeValues": {":v0": "a", ":v1": Decimal(3), ":v2": "x"},
    }


def test_fingerprints_tell_queries_apart_but_ignore_page_size() -> None:
    base = Query.on("pk", "a").where("s", "=", "x")
    assert base.fingerprint() == base.page_size(3).fingerprint()
    others = [
        Query.on("pk", "b").where("s", "=", "x"),
        base.where("t", "=", 1),
        base.using("idx"),
        base.order(descending=True),
        base.sort_key(KeyCondition.eq("sk", "1")),
        base.project("pk"),
    ]
    assert len({base.fingerprint(), *(q.fingerprint() for q in others)}) == len(others) + 1


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Query.on("", "a"), "partition"),
        (lambda: Query.on(5, "a"), "partition"),
        (lambda: Query.on("pk", float("nan")), None),
        (lambda: Query.on("pk", "a").where("s", "contains", "x"), "op"),
        (lambda: Query.on("pk", "a").where("s", "OR", "x"), "op"),
        (lambda: Query.on("pk", "a").where("x" * 256, "=", 1), "filter"),
        (lambda: Query.on("pk", "a").where("a\x00", "=", 1), "filter"),
        (lambda: Query.on("pk", "a").project(""), "projection"),
        (lambda: Query.on("pk", "a").page_size(0), "limit"),
        (lambda: Query.on("pk", "a").page_size(10_001), "limit"),
        (lambda: Query.on("pk", "a").page_size(True), "limit"),  # type: ignore[arg-type]
        (lambda: Query.on("pk", "a").using("x;y"), "table_name"),
        (lambda: Query.on("pk", "a").sort_key("sk > 1"), "sort"),  # type: ignore[arg-type]
        (lambda: Query.on("pk", "a").request_params("no"), "table_name"),
    ],
)
def test_bad_input_raises_validation_error_naming_the_argument(
    build: Any, field: str | None
) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    if field is not None:
        assert info.value.field == field


def test_a_bare_query_renders_only_its_key_condition() -> None:
    assert Query.on("pk", "a").request_params("orders") == {
        "TableName": "orders", "KeyConditionExpression": "#n0 = :v0", "ScanIndexForward": True,
        "Limit": 100, "ConsistentRead": False, "ExpressionAttributeNames": {"#n0": "pk"},
        "ExpressionAttributeValues": {":v0": "a"},
    }  # fmt: skip
