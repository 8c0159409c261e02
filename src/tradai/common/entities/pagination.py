"""Generic paginated response.

Decisions where the reference is silent:

* ``next_cursor`` is opaque to callers: 1-4096 printable ASCII characters (no spaces),
  which covers base64url and JSON-free tokens; ``None`` means the last page.
* ``has_more`` is derived from ``next_cursor`` and included in ``model_dump()``; it is
  accepted back on input (so a dump validates again) only when it agrees.
* ``limit`` is the page size asked for (1-10,000); a page never holds more items.
* ``total_count`` is optional and not cross-checked (stores may count approximately).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import Field, computed_field, model_validator

from tradai.common.entities._base import FrozenModel

__all__ = ["PaginatedResponse"]

T = TypeVar("T")
U = TypeVar("U")

_MAX_PAGE_SIZE = 10_000


class PaginatedResponse(FrozenModel, Generic[T]):
    """One page of results with an opaque cursor to the next page.

    Args:
        items: The items on this page.
        limit: Page size that was requested.
        next_cursor: Token for the next page, ``None`` on the last page.
        total_count: Total number of items across all pages, if known.

    Example:
        >>> page = PaginatedResponse[int](items=[1, 2], limit=2, next_cursor="abc")
        >>> page.has_more
        True
        >>> page.map(str).items
        ['1', '2']
        >>> PaginatedResponse[int].empty(limit=10).has_more
        False
    """

    items: list[T]
    limit: int = Field(ge=1, le=_MAX_PAGE_SIZE)
    next_cursor: str | None = Field(
        default=None, min_length=1, max_length=4096, pattern=r"^[\x21-\x7e]+$"
    )
    total_count: int | None = Field(default=None, ge=0)

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented idiom
    @property
    def has_more(self) -> bool:
        """Whether another page follows (a cursor is present).

        Returns:
            True if :attr:`next_cursor` is set.
        """
        return self.next_cursor is not None

    @model_validator(mode="before")
    @classmethod
    def _accept_derived_has_more(cls, data: Any) -> Any:
        if isinstance(data, dict) and "has_more" in data:
            data = dict(data)
            claimed = data.pop("has_more")
            if claimed is not (data.get("next_cursor") is not None):
                raise ValueError("has_more must be true exactly when next_cursor is set")
        return data

    @model_validator(mode="after")
    def _check_page_size(self) -> PaginatedResponse[T]:
        if len(self.items) > self.limit:
            raise ValueError(f"page holds {len(self.items)} items, more than limit {self.limit}")
        return self

    def map(self, func: Callable[[T], U]) -> PaginatedResponse[U]:
        """Apply ``func`` to every item, keeping cursor, limit and total.

        Args:
            func: Conversion applied to each item.

        Returns:
            A new page of the converted items.
        """
        return PaginatedResponse[U](
            items=[func(item) for item in self.items],
            limit=self.limit,
            next_cursor=self.next_cursor,
            total_count=self.total_count,
        )

    @classmethod
    def empty(cls, *, limit: int = 100) -> PaginatedResponse[T]:
        """Return a page with no items and no next page.

        Args:
            limit: The page size that was requested.

        Returns:
            An empty last page (``total_count`` 0).
        """
        return cls(items=[], limit=limit, total_count=0)
