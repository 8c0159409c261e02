"""Safe expression building and the argument checks shared by the adapters and the twin."""

from __future__ import annotations

import pytest

from tradai.common.aws.dynamodb.expressions import (
    Placeholders,
    check_count,
    check_expression,
    check_key_shape,
    check_table_name,
    check_transaction,
    check_version,
    join_conditions,
    render_key_condition,
    update_expression,
)
from tradai.common.aws.dynamodb.types import KeyCondition
from tradai.common.exceptions import ValidationError


def test_generated_placeholders_skip_the_callers_own() -> None:
    ph = Placeholders({"#n0": "mine"}, {":v0": "my value"})
    expression = update_expression({"status": "DONE"}, [], ph)
    assert expression == "SET #n1 = :v1"
    assert ph.names == {"#n0": "mine", "#n1": "status"}
    assert ph.values == {":v0": "my value", ":v1": "DONE"}


def test_one_placeholder_per_attribute_and_values_never_enter_the_text() -> None:
    ph = Placeholders()
    first, second = ph.name("a b#c"), ph.name("a b#c")
    value = ph.value("x) OR (attribute_exists(pk)")
    assert first == second == "#n0"
    assert value == ":v0"
    assert ph.params() == {
        "ExpressionAttributeNames": {"#n0": "a b#c"},
        "ExpressionAttributeValues": {":v0": "x) OR (attribute_exists(pk)"},
    }


def test_params_leave_out_empty_maps() -> None:
    assert Placeholders().params() == {}


@pytest.mark.parametrize("bad", ["", 3, None])
def test_attribute_names_must_be_non_empty_strings(bad: object) -> None:
    with pytest.raises(ValidationError):
        Placeholders().name(bad)  # type: ignore[arg-type]  # proving the runtime check


def test_update_expression_sets_and_removes() -> None:
    ph = Placeholders()
    assert update_expression({"a": 1, "b": 2}, ["c"], ph) == "SET #n0 = :v0, #n1 = :v1 REMOVE #n2"


@pytest.mark.parametrize(
    ("changes", "remove"), [({}, []), ({"a": 1}, ["a"])], ids=["nothing", "overlap"]
)
def test_update_expression_refuses_empty_or_overlapping_updates(
    changes: dict[str, int], remove: list[str]
) -> None:
    with pytest.raises(ValidationError):
        update_expression(changes, remove, Placeholders())


def test_join_conditions_parenthesises_each_part() -> None:
    assert join_conditions(None, None) is None
    assert join_conditions("a = :a") == "a = :a"
    assert join_conditions("a = :a", "b = :b") == "(a = :a) AND (b = :b)"


@pytest.mark.parametrize(
    ("expression", "names", "values", "message"),
    [
        ("#a = :a", {"#a": "x"}, {":a": 1, ":b": 2}, "does not use :b"),
        ("#a = :a", {"#a": "x", "#b": "y"}, {":a": 1}, "does not use #b"),
        ("#a = :a", {}, {":a": 1}, "uses #a"),
        ("", None, None, "non-empty"),
        ("   ", None, None, "non-empty"),
        ("a = :a\x00", None, {":a": 1}, "NUL"),
        ("x" * 4097, None, None, "too long"),
        ("#a = :a", {"a": "x"}, {":a": 1}, "bad name placeholder"),
        ("#a = :a", {"#a": ""}, {":a": 1}, "must name an attribute"),
        ("#a = :a", {"#a": "x"}, {"a": 1}, "bad value placeholder"),
        (None, {"#a": "x"}, None, "without a condition"),
    ],
)
def test_check_expression_refuses_inconsistent_placeholders(
    expression: str | None,
    names: dict[str, str] | None,
    values: dict[str, int] | None,
    message: str,
) -> None:
    with pytest.raises(ValidationError, match=message):
        check_expression(expression, names, values)


def test_check_expression_accepts_a_consistent_expression() -> None:
    check_expression("#a = :a AND attribute_exists(pk)", {"#a": "x"}, {":a": 1})
    check_expression(None)


def test_key_condition_renders_every_operator() -> None:
    rendered = {
        op: render_key_condition(cond, Placeholders())
        for op, cond in {
            "eq": KeyCondition.eq("sk", 1),
            "lt": KeyCondition.lt("sk", 1),
            "le": KeyCondition.le("sk", 1),
            "gt": KeyCondition.gt("sk", 1),
            "ge": KeyCondition.ge("sk", 1),
            "begins": KeyCondition.begins_with("sk", "a"),
            "between": KeyCondition.between("sk", 1, 2),
        }.items()
    }
    assert rendered == {
        "eq": "#n0 = :v0",
        "lt": "#n0 < :v0",
        "le": "#n0 <= :v0",
        "gt": "#n0 > :v0",
        "ge": "#n0 >= :v0",
        "begins": "begins_with(#n0, :v0)",
        "between": "#n0 BETWEEN :v0 AND :v1",
    }


@pytest.mark.parametrize(
    ("name", "op", "operands"),
    [("sk", "<>", (1,)), ("sk", "between", (1,)), ("", "=", (1,)), ("sk", "=", (1, 2))],
)
def test_key_conditions_refuse_bad_shapes(name: str, op: str, operands: tuple[int, ...]) -> None:
    with pytest.raises(ValidationError):
        KeyCondition(name, op, operands)


@pytest.mark.parametrize(
    "name",
    ["ab", "a" * 256, "jobs\n", " jobs", "jobs;rm", "jobs/x", "jоbs", "ｊobs", 7, None],
)
def test_table_names_refuse_near_misses(name: object) -> None:
    with pytest.raises(ValidationError) as info:
        check_table_name(name)
    assert info.value.field == "table_name"


@pytest.mark.parametrize("name", ["abc", "tradai-backtest_jobs.v2", "A" * 255])
def test_table_names_accept_valid_names(name: str) -> None:
    assert check_table_name(name) == name


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "3"])
def test_check_count_refuses_non_positive_or_non_integers(value: object) -> None:
    with pytest.raises(ValidationError):
        check_count(value, "page_size", 1)  # type: ignore[arg-type]  # proving the runtime check


def test_check_count_accepts_none_and_integers_at_the_minimum() -> None:
    check_count(None, "limit", 0)
    check_count(0, "limit", 0)


@pytest.mark.parametrize("key", [{}, {"a": 1, "b": 2, "c": 3}, [("a", 1)], "a"])
def test_keys_hold_one_or_two_attributes(key: object) -> None:
    with pytest.raises(ValidationError):
        check_key_shape(key)


def test_version_checks_refuse_touching_the_version_attribute() -> None:
    check_version(None, "version", ["version"])
    check_version(3, "version", ["other"])
    with pytest.raises(ValidationError, match="managed by expected_version"):
        check_version(3, "version", ["version"])
    with pytest.raises(ValidationError):
        check_version(-1, "version", [])


@pytest.mark.parametrize(
    ("actions", "token"),
    [
        ([], "t"),
        ([object()] * 101, "t"),
        ("abc", "t"),
        ([object()], ""),
        ([object()], "x" * 37),
        ([object()], "has space"),
        ([object()], "nl\n"),
        ([object()], 5),
    ],
)
def test_transactions_need_one_to_a_hundred_actions_and_a_clean_token(
    actions: object, token: object
) -> None:
    with pytest.raises(ValidationError):
        check_transaction(actions, token)
