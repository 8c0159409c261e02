"""Repository protocols: what services depend on, whatever stores the data.

* :class:`Repository` — the minimal keyed store of entities: ``get``/``put``/``delete``/
  ``exists``.
* :class:`PaginatedRepository` — one page of entities at a time, behind an opaque cursor.
* :class:`CrudRepository` — both, plus create-if-absent and version-checked update and
  delete (optimistic concurrency).
* :class:`StatefulRepository` — a keyed store of arbitrary state objects with a version
  kept by the store itself (A/B tests, shadow tests), returned as :class:`VersionedState`.

Semantics every implementation shares (decisions where the design document is silent):

* Every mutable record carries an integer ``version``: the version as last read (``0``:
  never stored). A write states the version it was based on; the store applies it only
  if that is still the stored version, and stores ``version + 1``. A stale writer gets
  :class:`~tradai.common.exceptions.ConflictError` whose ``current`` is the stored entity
  (``None`` if there is none any more): nothing is overwritten, nothing is lost.
* ``put`` saves: version ``0`` creates (or adopts a record stored without a version),
  version ``n`` replaces the stored version ``n``. ``create`` refuses any existing record.
  ``update`` of a missing record raises :class:`~tradai.common.exceptions.NotFoundError`.
* ``delete`` returns whether a record was deleted (``False``: there was none), and with an
  ``expected_version`` refuses to delete another version (``ConflictError``).
* Keys: whatever the implementation documents (a scalar for a partition-key-only table, a
  ``(partition, sort)`` tuple, or a mapping of key attributes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from tradai.common.entities.pagination import PaginatedResponse

__all__ = [
    "CrudRepository",
    "PaginatedRepository",
    "Repository",
    "StatefulRepository",
    "VersionedState",
]

T = TypeVar("T")
K_contra = TypeVar("K_contra", contravariant=True)
S = TypeVar("S")


@runtime_checkable
class Repository(Protocol[T]):
    """A keyed store of entities."""

    def get(self, key: Any) -> T | None:
        """Return the entity stored at ``key``, or ``None``."""
        ...

    def put(self, entity: T) -> T:
        """Save ``entity`` if its ``version`` is still the stored one; return it as stored."""
        ...

    def delete(self, key: Any) -> bool:
        """Delete the entity at ``key``; return whether there was one."""
        ...

    def exists(self, key: Any) -> bool:
        """Whether an entity is stored at ``key``."""
        ...


@runtime_checkable
class PaginatedRepository(Protocol[T]):
    """Entities one page at a time."""

    def list(self, *, limit: int = 100, cursor: str | None = None) -> PaginatedResponse[T]:
        """Return up to ``limit`` entities after ``cursor`` (``None``: the first page)."""
        ...


@runtime_checkable
class CrudRepository(Protocol[T, K_contra]):
    """Create, read, update (version-checked), delete (version-checked) and list."""

    def create(self, entity: T) -> T:
        """Store a new entity; ``ConflictError`` (with the stored one) if the key is taken."""
        ...

    def get(self, key: K_contra) -> T | None:
        """Return the entity at ``key``, or ``None``."""
        ...

    def update(self, entity: T, *, expected_version: int | None = None) -> T:
        """Replace the stored entity if its version is ``expected_version``.

        ``expected_version`` defaults to ``entity.version``; the stored entity gets the next
        version, which the returned entity carries.
        """
        ...

    def delete(self, key: K_contra, *, expected_version: int | None = None) -> bool:
        """Delete the entity at ``key`` (only at ``expected_version`` when given)."""
        ...

    def exists(self, key: K_contra) -> bool:
        """Whether an entity is stored at ``key``."""
        ...

    def list(self, *, limit: int = 100, cursor: str | None = None) -> PaginatedResponse[T]:
        """Return up to ``limit`` entities after ``cursor``."""
        ...


@dataclass(frozen=True, slots=True)
class VersionedState(Generic[S]):
    """A state object as stored, with the version the store gave it.

    Attributes:
        key: Where it is stored.
        value: The state.
        version: ``1`` after the first save, one more after each save.

    Example:
        >>> VersionedState("exp-1", {"clicks": 3}, 2).version
        2
    """

    key: str
    value: S
    version: int


@runtime_checkable
class StatefulRepository(Protocol[S]):
    """A keyed store of state objects under optimistic concurrency (versions kept by it)."""

    def load(self, key: str) -> VersionedState[S] | None:
        """Return the state at ``key`` with its version, or ``None``."""
        ...

    def save(self, key: str, state: S, *, expected_version: int) -> VersionedState[S]:
        """Store ``state`` if the stored version is ``expected_version`` (``0``: absent)."""
        ...

    def delete(self, key: str, *, expected_version: int | None = None) -> bool:
        """Delete the state at ``key``; return whether there was one."""
        ...

    def keys(self) -> list[str]:
        """Every stored key, sorted."""
        ...
