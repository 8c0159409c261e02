"""``InMemoryTableWithIn``: the in-memory table twin, plus ``IN`` terms in write conditions.

The domain repositories guard status transitions with ``#status IN (:s0, :s1, ...)`` in
the same request as the version check (``#version = :v``), so a write from a status the
lifecycle forbids is refused by the store itself, even under races. The condition subset
of :class:`~tradai.common.aws.memory.table.InMemoryTable` has no ``IN``; this subclass adds
it without touching that class, with only its public API:

* every write to the table (``put``/``update``/``delete``/``batch_write``/
  ``transact_write``) takes one lock of this subclass, so nothing can change an item
  between the moment an ``IN`` term is decided and the moment the write is applied;
* under that lock, each ``<path> IN (:a, :b, ...)`` term of a ``put``/``update``/``delete``
  condition is replaced by ``<path> = :x``, where ``:x`` is the operand equal to the stored
  value (the term holds) or, when none is, the first operand (the term fails, as a
  comparison with another value or with a missing attribute fails). The rewritten
  condition holds for the stored item exactly when the original does, and the base class
  then checks it, writes, and raises its usual errors (``ConflictError`` carrying the
  stored item, ``ValidationError`` for bad input).

``IN`` stays refused inside transactions (no repository sends one there), and ``OR``,
``NOT`` and parentheses stay refused everywhere, as in the base class.

Example:
    >>> from tradai.common.aws.dynamodb.types import KeySchema
    >>> table = InMemoryTableWithIn("jobs", key_schema=KeySchema("job_id"))
    >>> table.put({"job_id": "j1", "status": "running"})
    >>> table.update({"job_id": "j1"}, {"status": "completed"},
    ...              condition="#s IN (:a, :b)", names={"#s": "status"},
    ...              values={":a": "pending", ":b": "running"})["status"]
    'completed'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from tradai.common.aws.dynamodb.conditions import compare
from tradai.common.aws.memory.table import InMemoryTable
from tradai.common.exceptions import ValidationError

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import Item, TransactAction

__all__ = ["InMemoryTableWithIn", "rewrite_in_terms"]

_IN_TERM: Final = re.compile(
    r"(?P<path>#[A-Za-z0-9_]+|[A-Za-z_][A-Za-z0-9_]*)\s+IN\s*\(\s*"
    r"(?P<operands>:[A-Za-z0-9_]+(?:\s*,\s*:[A-Za-z0-9_]+)*)\s*\)",
    re.IGNORECASE,
)
_VALUE: Final = re.compile(r":[A-Za-z0-9_]+")
_MISSING: Final = object()


def rewrite_in_terms(
    condition: str | None,
    names: Mapping[str, str] | None,
    values: Mapping[str, Any] | None,
    stored: Mapping[str, Any] | None,
) -> tuple[str | None, dict[str, Any] | None]:
    """Replace each ``IN`` term by the equality that decides it for ``stored``.

    Args:
        condition: The condition expression (``None``: nothing to do).
        names: Its ``ExpressionAttributeNames``.
        values: Its ``ExpressionAttributeValues``.
        stored: The item stored now (``None``: no item).

    Returns:
        The rewritten condition and values (operands no longer used are dropped).
    """
    if condition is None or values is None or not _IN_TERM.search(condition):
        return condition, None if values is None else dict(values)
    item = stored or {}
    dropped: set[str] = set()

    def decide(match: re.Match[str]) -> str:
        path = match.group("path")
        attribute = (names or {}).get(path, path) if path.startswith("#") else path
        operands = [p.strip() for p in match.group("operands").split(",")]
        value = item.get(attribute, _MISSING)
        chosen = next(
            (
                p
                for p in operands
                if p in values and value is not _MISSING and compare(value, "=", values[p])
            ),
            operands[0],
        )
        dropped.update(p for p in operands if p != chosen)
        return f"{path} = {chosen}"

    rewritten = _IN_TERM.sub(decide, condition)
    used = set(_VALUE.findall(rewritten))
    kept = {k: v for k, v in values.items() if k in used or k not in dropped}
    return rewritten, kept


class InMemoryTableWithIn(InMemoryTable):
    """:class:`InMemoryTable` whose write conditions may also hold ``<path> IN (...)`` terms.

    Constructor arguments: as for :class:`~tradai.common.aws.memory.table.InMemoryTable`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writes = threading.RLock()

    def _stored(self, key: Mapping[str, Any]) -> Item | None:
        try:
            return self.get(key)
        except ValidationError:  # a malformed key: the base class reports it
            return None

    def put(
        self,
        item: Mapping[str, Any],
        *,
        if_not_exists: bool = False,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> None:
        """Write ``item`` whole (see ``KeyValueTable.put``); ``IN`` terms allowed.

        Raises:
            ConflictError: If the condition fails; ``current`` is the stored item.
        """
        with self._writes:
            key = {name: item.get(name) for name in self.key_schema.names}
            condition, values = rewrite_in_terms(condition, names, values, self._stored(key))
            super().put(
                item, if_not_exists=if_not_exists, condition=condition, names=names, values=values
            )

    def update(
        self,
        key: Mapping[str, Any],
        changes: Mapping[str, Any] | None = None,
        *,
        remove: Iterable[str] = (),
        expected_version: int | None = None,
        version_attribute: str = "version",
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Item:
        """SET ``changes`` and REMOVE ``remove`` (see ``KeyValueTable.update``).

        Returns:
            The item after the update.

        Raises:
            ConflictError: If a condition fails; ``current`` is the stored item.
        """
        with self._writes:
            condition, values = rewrite_in_terms(condition, names, values, self._stored(key))
            return super().update(
                key, changes, remove=remove, expected_version=expected_version,
                version_attribute=version_attribute, condition=condition, names=names,
                values=values,
            )  # fmt: skip

    def delete(
        self,
        key: Mapping[str, Any],
        *,
        expected_version: int | None = None,
        version_attribute: str = "version",
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> Item | None:
        """Delete the item at ``key`` (see ``KeyValueTable.delete``).

        Returns:
            The deleted item, or ``None``.

        Raises:
            ConflictError: If a condition fails; ``current`` is the stored item.
        """
        with self._writes:
            condition, values = rewrite_in_terms(condition, names, values, self._stored(key))
            return super().delete(
                key, expected_version=expected_version, version_attribute=version_attribute,
                condition=condition, names=names, values=values,
            )  # fmt: skip

    def batch_write(
        self, *, puts: Iterable[Mapping[str, Any]] = (), deletes: Iterable[Mapping[str, Any]] = ()
    ) -> int:
        """Put and delete many items (see ``KeyValueTable.batch_write``).

        Returns:
            How many write requests were applied.
        """
        with self._writes:
            return super().batch_write(puts=puts, deletes=deletes)

    def transact_write(
        self, actions: Sequence[TransactAction], *, client_request_token: str | None = None
    ) -> str:
        """Apply ``actions`` atomically (see ``KeyValueTable.transact_write``).

        Returns:
            The token used.
        """
        with self._writes:
            return super().transact_write(actions, client_request_token=client_request_token)
