"""``StatusRepository``: versioned writes that also enforce a status lifecycle in the store.

The base of the repositories whose entity has a ``status`` enum with
``can_transition_to(target)`` (jobs, deployments, live trading states). Every replacing
write (:meth:`StatusRepository.update`, and :meth:`StatusRepository.put` of a stored
version) sends, in the same request as the version check,
``#status IN (:s0, :s1, ...)`` listing the statuses from which the entity's status may be
reached (:meth:`StatusRepository.allowed_sources`). So the store refuses any write that
would move a record along a forbidden edge, whoever sends it and however writers
interleave; terminal statuses stay terminal.

Transitions (``_move``) read the record (or take the caller's copy), and:

* refuse a move the lifecycle forbids with :class:`~tradai.common.exceptions.ConflictError`
  whose ``current`` is the stored record (the same error a racing writer gets: callers
  handle one case);
* treat a move to the status the record already has, when that status is *absorbing*
  (nothing else is reachable from it, e.g. a completed job), as an idempotent retry: the
  stored record is returned and nothing is written, so the first terminal write wins;
* otherwise write the moved record, version-checked and status-checked as above.

Example:
    >>> from tradai.common.aws.dynamodb.types import KeySchema
    >>> from tradai.common.entities.deployment import DeploymentRecord, DeploymentStatus
    >>> class Deployments(StatusRepository[DeploymentRecord]):
    ...     entity = DeploymentRecord
    ...     keys = KeySchema("deployment_id")
    >>> sorted(s.value for s in Deployments.allowed_sources(DeploymentStatus.ROLLED_BACK))
    ['failed', 'in_progress', 'rolled_back', 'succeeded']
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar, TypeVar

from tradai.common.aws.dynamodb.expressions import Placeholders
from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError
from tradai.common.repositories._tables import SpecRepository
from tradai.common.repositories.crud import CrudDynamoDBRepository

__all__ = ["StatusRepository"]

T = TypeVar("T", bound=DynamoDBSerializableMixin)
E = TypeVar("E", bound=Enum)


class StatusRepository(CrudDynamoDBRepository[T], SpecRepository[T]):
    """Versioned, lifecycle-checked writes of entities with a ``status`` (see module doc).

    Constructor arguments: as for :class:`~tradai.common.repositories.base.DynamoDBRepository`.
    """

    #: The status attribute.
    status_attribute: ClassVar[str] = "status"

    @classmethod
    def allowed_sources(cls, target: Any) -> frozenset[Any]:
        """Return the statuses from which ``target`` may be reached (itself included).

        Args:
            target: A member of the entity's status enum.

        Returns:
            Every member ``s`` with ``s.can_transition_to(target)``.
        """
        return frozenset(s for s in type(target) if s.can_transition_to(target))

    @staticmethod
    def is_absorbing(status: Any) -> bool:
        """Whether no other status can be reached from ``status``.

        Args:
            status: A member of a status enum.

        Returns:
            True for statuses such as a completed job or a rolled-back deployment.
        """
        return not any(status.can_transition_to(s) for s in type(status) if s is not status)

    @staticmethod
    def _coerce(kind: type[E], value: object, *, field: str = "target") -> E:
        try:
            return kind(value)
        except ValueError:
            raise ValidationError(f"{field} must be a {kind.__name__}", field=field) from None

    # ---------------------------------------------------------------- writes
    def put(self, entity: T) -> T:
        """Save ``entity`` if its version and status may replace the stored one.

        Version 0 creates (or adopts an unversioned record), as in the base class.

        Args:
            entity: The entity as last read (or new).

        Returns:
            The entity as stored.

        Raises:
            ConflictError: If another version is stored, or the stored status cannot
                move to the entity's; ``current`` is the stored entity.
        """
        expected = self._version(getattr(entity, self.version_attribute))
        if expected == 0:
            return super().put(entity)
        return self._write(entity, expected, must_exist=False)

    def update(self, entity: T, *, expected_version: int | None = None) -> T:
        """Replace the stored entity if its version is ``expected_version`` and its status
        may move to the entity's.

        Args:
            entity: The new state of the entity.
            expected_version: The version it was based on (default: ``entity.version``).

        Returns:
            The entity as stored, with version ``expected_version + 1``.

        Raises:
            ConflictError: If another version is stored or the lifecycle forbids the
                move; ``current`` is the stored entity.
            NotFoundError: If nothing is stored at the entity's key.
        """
        based_on = getattr(entity, self.version_attribute)
        expected = self._version(based_on if expected_version is None else expected_version)
        return self._write(entity, expected, must_exist=True)

    def _status_condition(self, ph: Placeholders, status: Enum) -> str:
        sources = sorted(str(s.value) for s in self.allowed_sources(status))
        members = ", ".join(ph.value(v) for v in sources)
        return f"{ph.name(self.status_attribute)} IN ({members})"

    def _write(self, entity: T, expected: int, *, must_exist: bool) -> T:
        return self._save(entity, expected, must_exist=must_exist)

    def _extra_condition(self, ph: Placeholders, entity: T) -> str | None:
        return self._status_condition(ph, getattr(entity, self.status_attribute))

    # ---------------------------------------------------------------- transitions
    def _require(self, key: object) -> T:
        entity = self.get(key)
        if entity is None:
            name = self._codec.model.__name__
            raise NotFoundError(
                f"no {name} at {self.key(key)}",
                resource=name,
                key=self.key(key),
                context={"table": self._table.table_name},
            )
        return entity

    def _refused(self, current: T | None, message: str, **context: Any) -> ConflictError:
        return ConflictError(
            message, current=current, context={"table": self._table.table_name, **context}
        )

    def _check_expected(self, current: T, expected_version: int | None) -> None:
        if expected_version is None:
            return
        expected = self._version(expected_version)
        stored = getattr(current, self.version_attribute)
        if expected != stored:
            raise self._refused(
                current,
                f"{self._codec.model.__name__} is at version {stored}, not {expected}",
                expected_version=expected,
            )

    def _move(self, current: T, target: Enum, change: Callable[[T], T], *, fresh: bool) -> T:
        """Move ``current`` (as read; ``fresh`` when just read here) to ``target``."""
        status = getattr(current, self.status_attribute)
        if status is target and self.is_absorbing(target):
            return current
        if not status.can_transition_to(target):
            stored = current if fresh else self.get(self.key_of(current))
            raise self._refused(
                stored,
                f"{self._codec.model.__name__} cannot move from {status.value} to {target.value}",
                status=status.value,
                target=target.value,
            )
        return self.update(change(current))
