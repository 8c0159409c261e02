"""``CrudDynamoDBRepository``: the generic CRUD repository over DynamoDB.

It implements :class:`~tradai.common.repositories.protocols.CrudRepository` (and
:class:`~tradai.common.repositories.protocols.Repository`) on top of
:class:`~tradai.common.repositories.base.DynamoDBRepository`: ``create`` refuses an existing
key, ``update`` and ``delete`` are version-checked, ``list`` pages through the whole table
with signed cursors. Use it directly for a simple table, or subclass it (and add domain
queries) for a domain repository.

Example:
    >>> from tradai.common.aws.dynamodb.types import KeySchema
    >>> from tradai.common.aws.memory.table import InMemoryTable
    >>> from tradai.common.entities.deployment import DeploymentRecord, DeploymentStatus
    >>> repo = CrudDynamoDBRepository(
    ...     InMemoryTable("deployments", key_schema=KeySchema("deployment_id")),
    ...     entity=DeploymentRecord,
    ...     keys=KeySchema("deployment_id"),
    ... )
    >>> record = repo.create(DeploymentRecord(
    ...     deployment_id="dep-1", strategy_name="Pascal", strategy_version="2.0.0",
    ...     image_url="123456789012.dkr.ecr.eu-central-1.amazonaws.com/s:p-2.0.0",
    ...     environment="prod"))
    >>> moved = repo.update(record.with_status(DeploymentStatus.IN_PROGRESS))
    >>> record.version, moved.version, repo.get("dep-1").status.value
    (1, 2, 'in_progress')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from tradai.common.entities._base import DynamoDBSerializableMixin
from tradai.common.repositories.base import DynamoDBRepository
from tradai.common.repositories.pagination import read_page

if TYPE_CHECKING:
    from tradai.common.entities.pagination import PaginatedResponse

__all__ = ["CrudDynamoDBRepository"]

T = TypeVar("T", bound=DynamoDBSerializableMixin)


class CrudDynamoDBRepository(DynamoDBRepository[T]):
    """Create / get / update / delete / list entities of one class in one table.

    Constructor arguments: as for :class:`~tradai.common.repositories.base.DynamoDBRepository`.
    """

    def create(self, entity: T) -> T:
        """Store a new entity (``attribute_not_exists`` on the partition key).

        The stored entity gets version 1, whatever ``entity.version`` was.

        Args:
            entity: The new entity.

        Returns:
            The entity as stored.

        Raises:
            ConflictError: If an entity is already stored at its key; ``current`` is it.
        """
        return self._save(entity, 0, create=True)

    def update(self, entity: T, *, expected_version: int | None = None) -> T:
        """Replace the stored entity if its version is ``expected_version``.

        Args:
            entity: The new state of the entity.
            expected_version: The version it was based on (default: ``entity.version``).

        Returns:
            The entity as stored, with version ``expected_version + 1``.

        Raises:
            ConflictError: If another version is stored; ``current`` is that entity.
            NotFoundError: If nothing is stored at the entity's key.
        """
        based_on = getattr(entity, self.version_attribute)
        expected = self._version(based_on if expected_version is None else expected_version)
        return self._save(entity, expected, must_exist=True)

    def list(
        self, *, limit: int = 100, cursor: str | None = None, consistent_read: bool = False
    ) -> PaginatedResponse[T]:
        """Return one page of the table (scan order).

        Args:
            limit: Page size: items read per page (1-10,000).
            cursor: The previous page's ``next_cursor``; ``None`` for the first page.
            consistent_read: Strongly consistent reads.

        Returns:
            The page; ``next_cursor`` is ``None`` on the last one.

        Raises:
            ValidationError: If ``limit`` is out of range or the cursor is not one of this
                table's listings.
            ConfigurationError: If a cursor is needed and no signing key is configured.
        """
        return read_page(
            lambda start: self._table.scan_page(
                page_size=limit, start_key=start, consistent_read=consistent_read
            ),
            self.from_item,
            limit=limit,
            cursor=cursor,
            scope=f"{self._table.table_name}|list",
            signer=self._cursor_signer,
            max_empty_pages=self.max_empty_pages,
        )
