"""In-memory repositories, shipped for services' tests (A/B tests, shadow tests).

* :class:`InMemoryCrudRepository` — the twin of
  :class:`~tradai.common.repositories.crud.CrudDynamoDBRepository`: the same class over an
  :class:`~tradai.common.aws.memory.table.InMemoryTable` (the contract-tested twin of the
  DynamoDB table), so it encodes, version-checks, pages and fails exactly like the real
  one, errors included (``tests/contract/repositories`` runs one suite against both).
* :class:`InMemoryStatefulRepository` — a thread-safe keyed store of arbitrary state
  objects whose versions it keeps itself
  (:class:`~tradai.common.repositories.protocols.StatefulRepository`): a save states the
  version it was based on (0: the key must be free) and a stale one raises
  :class:`~tradai.common.exceptions.ConflictError` carrying the stored
  :class:`~tradai.common.repositories.protocols.VersionedState`. States are deep-copied in
  and out, so no caller can change a stored state behind the lock.

Example:
    >>> store = InMemoryStatefulRepository[dict]()
    >>> first = store.save("exp-1", {"clicks": 1}, expected_version=0)
    >>> store.save("exp-1", {"clicks": 2}, expected_version=first.version).version
    2
    >>> store.save("exp-1", {"clicks": 9}, expected_version=1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tradai.common.exceptions.ConflictError: state 'exp-1' is at version 2, not 1 ...
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Generic, TypeVar

from tradai.common.aws.memory.table import InMemoryTable
from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.exceptions import ConfigurationError, ConflictError, ValidationError
from tradai.common.repositories.crud import CrudDynamoDBRepository
from tradai.common.repositories.protocols import VersionedState

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import KeySchema
    from tradai.common.repositories.codecs import EntityCodec
    from tradai.common.repositories.pagination import CursorSigner

__all__ = ["InMemoryCrudRepository", "InMemoryStatefulRepository"]

T = TypeVar("T", bound=DynamoDBSerializableMixin)
S = TypeVar("S")

_MAX_KEY = 1024


class InMemoryCrudRepository(CrudDynamoDBRepository[T]):
    """:class:`CrudDynamoDBRepository` over a fresh :class:`InMemoryTable`.

    Args:
        entity: The entity class (keyword-only, as all below; default: class attribute).
        keys: The key schema (default: the class attribute).
        indexes: Global secondary indexes, name -> key schema, for ``query(using=...)``.
        table_name: The twin table's name.
        codec: The codec (default: the process-wide one).
        cursor_signer: Signs cursors (default: from ``TRADAI_CURSOR_SECRET``, as the real
            repository does).

    Example:
        >>> from tradai.common.aws.dynamodb.types import KeySchema
        >>> from tradai.common.entities.trading_state import TradingState
        >>> repo = InMemoryCrudRepository(entity=TradingState, keys=KeySchema("strategy_id"))
        >>> repo.create(TradingState(strategy_id="s1", instance_id="i1")).version
        1
    """

    def __init__(
        self,
        *,
        entity: type[T] | None = None,
        keys: KeySchema | None = None,
        indexes: Mapping[str, KeySchema] | None = None,
        table_name: str = "in-memory",
        codec: EntityCodec[T] | None = None,
        cursor_signer: CursorSigner | None = None,
    ) -> None:
        schema = keys or type(self).keys
        if schema is None:
            raise ConfigurationError(f"{type(self).__name__} needs keys")
        table = InMemoryTable(table_name, key_schema=schema, indexes=indexes)
        super().__init__(
            table, entity=entity, keys=schema, codec=codec, cursor_signer=cursor_signer
        )


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not key or len(key) > _MAX_KEY or "\x00" in key:
        raise ValidationError(f"a state key is 1-{_MAX_KEY} characters", field="key")
    return key


def _check_version(value: object, field: str = "expected_version") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError("a version is an integer >= 0", field=field)
    return value


class InMemoryStatefulRepository(Generic[S]):
    """A thread-safe keyed store of state objects with versioned conditional saves.

    Example:
        >>> store = InMemoryStatefulRepository[str]()
        >>> store.save("a", "x", expected_version=0)
        VersionedState(key='a', value='x', version=1)
        >>> store.delete("a", expected_version=1), store.load("a")
        (True, None)
    """

    def __init__(self) -> None:
        self._states: dict[str, tuple[S, int]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"InMemoryStatefulRepository(keys={len(self._states)})"

    def _versioned(self, key: str) -> VersionedState[S] | None:
        stored = self._states.get(key)
        if stored is None:
            return None
        return VersionedState(key, copy.deepcopy(stored[0]), stored[1])

    def load(self, key: str) -> VersionedState[S] | None:
        """Return the state at ``key`` with its version, or ``None``.

        Args:
            key: The state's key.

        Returns:
            A copy of the stored state and its version.

        Raises:
            ValidationError: If ``key`` is not a usable key.
        """
        _check_key(key)
        with self._lock:
            return self._versioned(key)

    def save(self, key: str, state: S, *, expected_version: int) -> VersionedState[S]:
        """Store ``state`` if the stored version is ``expected_version``.

        Args:
            key: The state's key.
            state: The new state (deep-copied).
            expected_version: The version it was based on; 0 when the key must be free.

        Returns:
            The stored state with its new version (``expected_version + 1``).

        Raises:
            ConflictError: If another version is stored (or none, when one was expected);
                ``current`` is the stored :class:`VersionedState` (or ``None``).
            ValidationError: If the key or version is malformed.
        """
        _check_key(key)
        expected = _check_version(expected_version)
        value = copy.deepcopy(state)
        with self._lock:
            stored = self._states.get(key)
            self._require(key, stored, expected)
            self._states[key] = (value, expected + 1)
            return VersionedState(key, copy.deepcopy(value), expected + 1)

    def delete(self, key: str, *, expected_version: int | None = None) -> bool:
        """Delete the state at ``key`` (only at ``expected_version``, when given).

        Args:
            key: The state's key.
            expected_version: The version read before deciding to delete.

        Returns:
            True if a state was deleted, False if there was none.

        Raises:
            ConflictError: If another version is stored; ``current`` is it.
        """
        _check_key(key)
        expected = None if expected_version is None else _check_version(expected_version)
        with self._lock:
            stored = self._states.get(key)
            if stored is None:
                return False
            if expected is not None:
                self._require(key, stored, expected)
            del self._states[key]
            return True

    def keys(self) -> list[str]:
        """Every stored key, sorted.

        Returns:
            The keys.
        """
        with self._lock:
            return sorted(self._states)

    def _require(self, key: str, stored: tuple[S, int] | None, expected: int) -> None:
        version = 0 if stored is None else stored[1]
        if version != expected:
            raise ConflictError(
                f"state {key!r} is at version {version}, not {expected}",
                current=self._versioned(key),
                context={"key": key, "expected_version": expected},
            )
