"""validate_free_text and validate_json_data from tradai.common.validators."""

from __future__ import annotations

import types
from decimal import Decimal
from typing import Any

import pytest

from tradai.common import validators as v
from tradai.common.exceptions import ValidationError

# -------------------------------------------------------------------------------- free text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain",
        "two\nlines",
        "tab\tseparated",
        "Ошибка: ✓ 日本語",
        "x" * 100,
        "; rm -rf / $(id)",
    ],
)
def test_free_text_accepts_bounded_visible_text_with_newlines_and_tabs(text: str) -> None:
    assert v.validate_free_text(text, max_length=100) == text


@pytest.mark.parametrize(
    "text",
    [
        "nul\x00byte",
        "bell\x07",
        "ansi \x1b[31mred",
        "vertical\x0btab",
        "del\x7f",
        "c1 \x85 next line",
        "c1 \x9b csi",
        "bidi \u202e override",
        "bidi \u202a embed",
        "isolate \u2066 x \u2069",
    ],
)
def test_free_text_refuses_hidden_and_control_characters(text: str) -> None:
    with pytest.raises(ValueError, match="control characters") as info:
        v.validate_free_text(text, max_length=100)
    assert type(info.value) is ValueError


def test_free_text_refuses_text_longer_than_the_limit() -> None:
    assert v.validate_free_text("x" * 10, max_length=10) == "x" * 10
    with pytest.raises(ValueError, match="at most 10 characters"):
        v.validate_free_text("x" * 11, max_length=10)


@pytest.mark.parametrize("value", [None, 1, b"text", ["text"]])
def test_free_text_refuses_non_strings_with_type_error(value: object) -> None:
    with pytest.raises(TypeError, match="must be a string"):
        v.validate_free_text(value, max_length=10)  # type: ignore[arg-type]  # proving it


def test_free_text_through_ensure_names_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        v.ensure(lambda t: v.validate_free_text(t, max_length=5), "too long", field="note")
    assert info.value.field == "note"


# -------------------------------------------------------------------------------- JSON data


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        "",
        "text",
        0,
        -1,
        1.5,
        10**37,
        -(10**37),
        1e125,
        1e-130,
        -1e-130,
        [],
        {},
        {"a": [1, {"b": None}], "c": "d"},
    ],
)
def test_json_data_accepts_dynamodb_storable_values_unchanged(value: Any) -> None:
    assert v.validate_json_data(value) == value


def test_json_data_converts_tuples_to_lists_and_mappings_to_dicts() -> None:
    frozen = types.MappingProxyType({"a": (1, (2, 3))})
    result = v.validate_json_data({"outer": frozen})
    assert result == {"outer": {"a": [1, [2, 3]]}}
    assert type(result["outer"]) is dict
    assert type(result["outer"]["a"][1]) is list


def test_json_data_returns_a_copy_of_containers() -> None:
    original = {"a": [1, 2]}
    result = v.validate_json_data(original)
    result["a"].append(3)
    assert original == {"a": [1, 2]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("nan"), r"\$: non-finite number nan"),
        (float("inf"), "non-finite"),
        (1e126, "outside DynamoDB's number range"),
        (1e-131, "outside DynamoDB's number range"),
        (10**38, "at most 38 digits"),
        ({1: "a"}, "keys must be strings, got 1"),
        ({("a",): 1}, "keys must be strings"),
        ({1, 2}, "set is not JSON serializable"),
        (b"bytes", "bytes is not JSON serializable"),
        (Decimal("1.5"), "Decimal is not JSON serializable"),
        (object(), "object is not JSON serializable"),
    ],
)
def test_json_data_refuses_what_dynamodb_or_json_cannot_hold(value: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        v.validate_json_data(value)
    assert type(info.value) is ValueError


def test_json_data_errors_name_the_path_of_the_offending_part() -> None:
    with pytest.raises(ValueError, match=r"^cfg\.a\[1\]\.b: non-finite number inf"):
        v.validate_json_data({"a": [0, {"b": float("inf")}]}, path="cfg")


def test_json_data_refuses_nesting_deeper_than_the_limit() -> None:
    nested: Any = "leaf"
    for _ in range(5):
        nested = [nested]
    assert v.validate_json_data(nested, max_depth=5) == nested
    with pytest.raises(ValueError, match="nested deeper than 4 levels"):
        v.validate_json_data(nested, max_depth=4)


def test_json_data_refuses_a_cyclic_structure_instead_of_recursing_forever() -> None:
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    with pytest.raises(ValueError, match="nested deeper than 64 levels"):
        v.validate_json_data(cyclic)


def test_free_text_accepts_windows_line_endings() -> None:
    assert v.validate_free_text("a\r\nb", max_length=10) == "a\r\nb"
