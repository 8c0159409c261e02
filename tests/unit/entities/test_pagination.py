"""PaginatedResponse: derived has_more, map/empty helpers, limits, dump round trip."""

from __future__ import annotations

import pydantic
import pytest

from tradai.common.entities.pagination import PaginatedResponse


def test_has_more_is_derived_from_the_cursor() -> None:
    assert PaginatedResponse[int](items=[1], limit=1, next_cursor="eyJrIjoxfQ==").has_more
    assert not PaginatedResponse[int](items=[1], limit=1).has_more


def test_map_converts_items_and_keeps_paging_fields() -> None:
    page = PaginatedResponse[int](items=[1, 2], limit=5, next_cursor="c", total_count=9)
    mapped = page.map(lambda n: f"#{n}")
    assert mapped.items == ["#1", "#2"]
    assert (mapped.limit, mapped.next_cursor, mapped.total_count) == (5, "c", 9)


def test_empty_is_a_last_page_with_no_items() -> None:
    page = PaginatedResponse[str].empty(limit=25)
    assert (page.items, page.limit, page.next_cursor, page.total_count) == ([], 25, None, 0)
    assert not page.has_more
    assert PaginatedResponse[str].empty().limit == 100


def test_items_are_validated_against_the_type_parameter() -> None:
    with pytest.raises(pydantic.ValidationError, match="items"):
        PaginatedResponse[int](items=["x"], limit=1)  # type: ignore[list-item]  # wrong on purpose


def test_dump_includes_has_more_and_validates_back() -> None:
    page = PaginatedResponse[int](items=[1, 2], limit=2, next_cursor="abc")
    dumped = page.model_dump()
    assert dumped["has_more"] is True
    assert PaginatedResponse[int].model_validate(dumped) == page
    assert PaginatedResponse[int].model_validate_json(page.model_dump_json()) == page


def test_contradictory_has_more_is_rejected() -> None:
    with pytest.raises(pydantic.ValidationError, match="has_more"):
        PaginatedResponse[int].model_validate({"items": [], "limit": 1, "has_more": True})


@pytest.mark.parametrize(
    "changes",
    [
        {"limit": 0},
        {"limit": 10_001},
        {"items": [1, 2, 3], "limit": 2},
        {"total_count": -1},
        {"next_cursor": ""},
        {"next_cursor": "a b"},
        {"next_cursor": "abc\n"},
        {"next_cursor": "é"},
        {"next_cursor": "x" * 4097},
        {"unknown": 1},
    ],
)
def test_invalid_pages_are_rejected(changes: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        PaginatedResponse[int].model_validate({"items": [], "limit": 10, **changes})


def test_page_is_frozen() -> None:
    page = PaginatedResponse[int](items=[], limit=1)
    with pytest.raises(pydantic.ValidationError):
        page.limit = 2  # type: ignore[misc]  # proving the model is frozen
