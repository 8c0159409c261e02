"""InMemoryTableWithIn: ``IN`` terms in write conditions, decided exactly like DynamoDB."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradai.common.aws.dynamodb.types import KeySchema, TransactUpdate
from tradai.common.exceptions import ConflictError, ValidationError
from tradai.common.repositories._membership_table import InMemoryTableWithIn, rewrite_in_terms

NAMES = {"#s": "status"}
VALUES = {":a": "pending", ":b": "running"}


@pytest.fixture
def table() -> InMemoryTableWithIn:
    table = InMemoryTableWithIn("jobs", key_schema=KeySchema("pk"))
    table.put({"pk": "j1", "status": "running", "version": 1})
    return table


# ---------------------------------------------------------------- the rewrite
def test_a_holding_term_becomes_the_equality_with_the_stored_value() -> None:
    condition, values = rewrite_in_terms("#s IN (:a, :b)", NAMES, VALUES, {"status": "running"})
    assert condition == "#s = :b"
    assert values == {":b": "running"}


def test_a_failing_term_becomes_an_equality_that_fails() -> None:
    for stored in ({"status": "completed"}, {}, None):
        condition, values = rewrite_in_terms("#s IN (:a, :b)", NAMES, VALUES, stored)
        assert condition == "#s = :a"
        assert values == {":a": "pending"}


def test_plain_paths_numbers_and_other_terms_are_handled() -> None:
    condition, values = rewrite_in_terms(
        "v = :v AND n in (:one,:two) AND #s IN (:a, :b)",
        NAMES,
        {":v": 3, ":one": Decimal(1), ":two": 2, **VALUES},
        {"v": Decimal(3), "n": Decimal(2), "status": "pending"},
    )
    assert condition == "v = :v AND n = :two AND #s = :a"
    assert values == {":v": 3, ":two": 2, ":a": "pending"}


def test_an_operand_used_elsewhere_is_kept() -> None:
    _, values = rewrite_in_terms("#s IN (:a, :b) AND #s <> :b", NAMES, VALUES, {"status": "x"})
    assert values == VALUES


def test_conditions_without_in_terms_are_left_alone() -> None:
    assert rewrite_in_terms(None, None, None, None) == (None, None)
    assert rewrite_in_terms("#s = :a", NAMES, {":a": 1}, None) == ("#s = :a", {":a": 1})
    assert rewrite_in_terms("#s IN (:a)", NAMES, None, None) == ("#s IN (:a)", None)


# ---------------------------------------------------------------- the table
def test_put_update_and_delete_apply_when_the_term_holds(table: InMemoryTableWithIn) -> None:
    table.put(
        {"pk": "j1", "status": "completed"}, condition="#s IN (:a, :b)", names=NAMES, values=VALUES
    )
    table.update(
        {"pk": "j1"},
        {"status": "pending"},
        condition="#s IN (:c)",
        names=NAMES,
        values={":c": "completed"},
    )
    assert table.delete({"pk": "j1"}, condition="#s IN (:a, :b)", names=NAMES, values=VALUES)
    assert table.get({"pk": "j1"}) is None


def test_a_failing_term_is_a_conflict_carrying_the_stored_item(table: InMemoryTableWithIn) -> None:
    stored = table.get({"pk": "j1"})
    for write in (
        lambda: table.put({"pk": "j1"}, condition="#s IN (:a)", names=NAMES, values={":a": "x"}),
        lambda: table.update(
            {"pk": "j1"}, {"n": 1}, condition="#s IN (:a)", names=NAMES, values={":a": "x"}
        ),
        lambda: table.delete({"pk": "j1"}, condition="#s IN (:a)", names=NAMES, values={":a": "x"}),
    ):
        with pytest.raises(ConflictError) as info:
            write()
        assert info.value.current == stored
        assert info.value.context["error_code"] == "ConditionalCheckFailedException"
    assert table.get({"pk": "j1"}) == stored


def test_an_absent_item_never_satisfies_an_in_term(table: InMemoryTableWithIn) -> None:
    with pytest.raises(ConflictError) as info:
        table.update(
            {"pk": "j9"}, {"n": 1}, condition="#s IN (:a)", names=NAMES, values={":a": "running"}
        )
    assert info.value.current is None


def test_forms_the_twin_cannot_evaluate_stay_refused(table: InMemoryTableWithIn) -> None:
    with pytest.raises(ValidationError):
        table.put({"pk": "j1"}, condition="#s IN (:a) OR #s = :b", names=NAMES, values=VALUES)
    with pytest.raises(ValidationError):
        table.transact_write(
            [
                TransactUpdate(
                    {"pk": "j1"},
                    {"n": 1},
                    condition="#s IN (:a)",
                    names=NAMES,
                    values={":a": "running"},
                )
            ]
        )
    with pytest.raises(ValidationError):
        table.put({"status": "x"}, condition="#s IN (:a)", names=NAMES, values={":a": "x"})


def test_batches_and_transactions_still_work(table: InMemoryTableWithIn) -> None:
    assert table.batch_write(puts=[{"pk": "j2"}], deletes=[{"pk": "j1"}]) == 2
    token = table.transact_write([TransactUpdate({"pk": "j2"}, {"n": 1})])
    assert isinstance(token, str)
    assert table.get({"pk": "j2"}) == {"pk": "j2", "n": Decimal(1)}
