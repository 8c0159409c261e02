"""The condition subset the in-memory twin evaluates, and everything it refuses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tradai.common.aws.dynamodb.conditions import compare, key_condition_matches, parse_condition
from tradai.common.aws.dynamodb.types import KeyCondition
from tradai.common.exceptions import ValidationError

ITEM = {"pk": "a", "status": "OPEN", "n": Decimal(5), "raw": b"\x01\x02", "flag": True}


@pytest.mark.parametrize(
    ("expression", "names", "values", "expected"),
    [
        ("attribute_exists(pk)", None, None, True),
        ("attribute_not_exists(pk)", None, None, False),
        ("attribute_not_exists(#m)", {"#m": "missing"}, None, True),
        ("#s = :s", {"#s": "status"}, {":s": "OPEN"}, True),
        ("#s <> :s", {"#s": "status"}, {":s": "OPEN"}, False),
        ("n < :v", None, {":v": Decimal(6)}, True),
        ("n <= :v", None, {":v": 5}, True),
        ("n > :v", None, {":v": 5}, False),
        ("n >= :v", None, {":v": 5}, True),
        ("begins_with(#s, :p)", {"#s": "status"}, {":p": "OP"}, True),
        ("begins_with(raw, :p)", None, {":p": b"\x01"}, True),
        ("begins_with(n, :p)", None, {":p": "5"}, False),
        ("missing = :v", None, {":v": 1}, False),
        ("missing <> :v", None, {":v": 1}, True),
        ("missing < :v", None, {":v": 1}, False),
        ("begins_with(missing, :v)", None, {":v": "x"}, False),
        ("n = :v", None, {":v": "5"}, False),
        ("flag = :v", None, {":v": Decimal(1)}, False),
        ("n > :v", None, {":v": "4"}, False),
        ("flag > :v", None, {":v": False}, False),
        (
            "attribute_exists(pk) AND n = :v and #s = :s",
            {"#s": "status"},
            {":v": 5, ":s": "OPEN"},
            True,
        ),
        ("attribute_exists(pk) AND n = :v", None, {":v": 4}, False),
    ],
)
def test_supported_forms_evaluate_like_dynamodb(
    expression: str, names: dict[str, str] | None, values: dict[str, Any] | None, expected: bool
) -> None:
    assert parse_condition(expression, names, values).evaluate(ITEM) is expected


def test_a_missing_item_has_no_attributes() -> None:
    assert parse_condition("attribute_not_exists(pk)").evaluate(None) is True
    assert parse_condition("attribute_exists(pk)").evaluate(None) is False


@pytest.mark.parametrize(
    "expression",
    [
        "a = :x OR b = :x",
        "NOT a = :x",
        "(a = :x)",
        "a BETWEEN :x AND :x",
        "a IN (:x)",
        "size(a) > :x",
        "a.b = :x",
        "a[0] = :x",
        "a = b AND c = :x",
        ":x = a",
        "a = :x AND",
        "AND a = :x",
        "attribute_type(a, :x)",
        "contains(a, :x)",
        "a = :x extra",
        "a == :x",
        "'a' = :x",
        ":x = :x",
    ],
)
def test_unsupported_forms_are_refused_not_ignored(expression: str) -> None:
    with pytest.raises(ValidationError, match="in-memory table understands only"):
        parse_condition(expression, values={":x": 1})


def test_placeholders_are_checked_before_parsing() -> None:
    with pytest.raises(ValidationError, match="not given"):
        parse_condition("#a = :x", values={":x": 1})


def test_values_are_data_even_when_they_look_like_expressions() -> None:
    sneaky = "x) OR attribute_exists(pk"
    cond = parse_condition("#s = :s", {"#s": "status"}, {":s": sneaky})
    assert cond.evaluate({"status": sneaky}) is True
    assert cond.evaluate(ITEM) is False


def test_compare_orders_strings_numbers_and_bytes_only() -> None:
    assert compare("b", ">", "a")
    assert compare(Decimal("1.5"), "<", 2)
    assert compare(b"\x02", ">=", b"\x01")
    assert not compare([1], "<", [2])
    assert compare({"a": 1}, "=", {"a": 1})
    assert compare(None, "=", None)


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        (KeyCondition.eq("sk", "b"), "b", True),
        (KeyCondition.between("sk", "a", "c"), "c", True),
        (KeyCondition.between("sk", "a", "c"), "d", False),
        (KeyCondition.begins_with("sk", "ab"), "abc", True),
        (KeyCondition.lt("sk", Decimal(3)), Decimal(2), True),
        (KeyCondition.ge("sk", "b"), "a", False),
    ],
)
def test_key_conditions_match_sort_keys(
    condition: KeyCondition, value: Any, expected: bool
) -> None:
    assert key_condition_matches(condition, value) is expected
