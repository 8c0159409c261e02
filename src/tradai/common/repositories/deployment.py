"""``DeploymentRepository``: deployment records, their history and status transitions.

One :class:`~tradai.common.entities.deployment.DeploymentRecord` per rollout (partition
key ``deployment_id``), under the versioned, lifecycle-checked writes of
:mod:`tradai.common.repositories._status`: a status transition sends
``#version = :v AND #status IN (...)`` (the statuses from which the target may be
reached) in one request, so racing writers cannot both win and ``ROLLED_BACK`` stays final.
The in-memory twin is the same class over an in-memory table
(:meth:`DeploymentRepository.in_memory`).

Table (decisions where the design document is silent; :meth:`table_spec` builds it):

* name from ``settings.deployments_table`` or the environment variable
  ``DEPLOYMENTS_TABLE``; partition key ``deployment_id``;
* index ``strategy-index`` (``strategy_name``, ``created_at``): a strategy's history in
  every environment;
* index ``strategy-environment-index`` (``strategy_environment``, ``created_at``): one
  strategy in one environment (:meth:`latest`, :meth:`history` with ``environment``).
  ``strategy_environment`` (``"<strategy_name>#<environment>"``; neither may hold ``#``)
  is written with every record and stripped on reading;
* indexes are eventually consistent: a record written a moment ago may be missing from
  :meth:`latest`/:meth:`history` for a moment (read it by id to be sure).

Example:
    >>> from tradai.common.entities.deployment import DeploymentRecord, DeploymentStatus
    >>> repo = DeploymentRepository.in_memory()
    >>> record = repo.create(DeploymentRecord(
    ...     deployment_id="dep-1", strategy_name="Pascal", strategy_version="2.0.0",
    ...     image_url="123456789012.dkr.ecr.eu-central-1.amazonaws.com/s:p-2.0.0",
    ...     environment="prod"))
    >>> repo.transition("dep-1", DeploymentStatus.IN_PROGRESS).version
    2
    >>> repo.latest("Pascal", "prod").status.value
    'in_progress'
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, ClassVar, Final

from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.entities.deployment import DeploymentRecord, DeploymentStatus
from tradai.common.repositories._status import StatusRepository
from tradai.common.repositories._tables import IndexSpec
from tradai.common.repositories.query import Query

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.types import Item
    from tradai.common.entities.pagination import PaginatedResponse

__all__ = ["ENVIRONMENT_INDEX", "STRATEGY_INDEX", "DeploymentRepository"]

#: Index of a strategy's deployments (partition ``strategy_name``, sort ``created_at``).
STRATEGY_INDEX: Final = "strategy-index"
#: Index of a strategy's deployments in one environment.
ENVIRONMENT_INDEX: Final = "strategy-environment-index"
_SYNTHETIC: Final = "strategy_environment"
_LATEST_PAGE: Final = 25


def _pair(strategy_name: str, environment: str) -> str:
    return f"{strategy_name}#{environment}"


class DeploymentRepository(StatusRepository[DeploymentRecord]):
    """Deployment records in DynamoDB (or its in-memory twin), see the module doc.

    Constructor arguments: as for :class:`~tradai.common.repositories.base.DynamoDBRepository`
    (``settings.deployments_table`` / ``DEPLOYMENTS_TABLE`` name the table).
    """

    entity = DeploymentRecord
    keys = KeySchema("deployment_id")
    table_setting = "DEPLOYMENTS_TABLE"
    table_indexes: ClassVar[tuple[IndexSpec, ...]] = (
        IndexSpec(STRATEGY_INDEX, KeySchema("strategy_name", "created_at")),
        IndexSpec(ENVIRONMENT_INDEX, KeySchema(_SYNTHETIC, "created_at")),
    )

    def to_item(self, entity: DeploymentRecord) -> Item:
        """Return the stored item: the record plus ``strategy_environment``.

        Args:
            entity: The record.

        Returns:
            The item.
        """
        item = super().to_item(entity)
        item[_SYNTHETIC] = _pair(entity.strategy_name, entity.environment)
        return item

    def from_item(self, item: Item) -> DeploymentRecord:
        """Return the record of a stored item (``strategy_environment`` dropped).

        Args:
            item: The stored item.

        Returns:
            The record.
        """
        return super().from_item({k: v for k, v in item.items() if k != _SYNTHETIC})

    def history(
        self,
        strategy_name: str,
        *,
        environment: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> PaginatedResponse[DeploymentRecord]:
        """Return one page of a strategy's deployments, newest first.

        Args:
            strategy_name: The strategy.
            environment: Only this environment (default: all).
            limit: Page size (1-10,000).
            cursor: The previous page's ``next_cursor``.

        Returns:
            The page; ``next_cursor`` is ``None`` on the last one.

        Raises:
            ValidationError: If the limit or the cursor is not valid.
        """
        if environment is None:
            query = Query.on("strategy_name", strategy_name).using(STRATEGY_INDEX)
        else:
            pair = _pair(strategy_name, environment)
            query = Query.on(_SYNTHETIC, pair).using(ENVIRONMENT_INDEX)
        return self.query(query.order(descending=True).page_size(limit), cursor=cursor)

    def latest(
        self,
        strategy_name: str,
        environment: str,
        *,
        status: DeploymentStatus | None = None,
    ) -> DeploymentRecord | None:
        """Return the newest deployment of a strategy to an environment.

        Args:
            strategy_name: The strategy.
            environment: The environment.
            status: Only a deployment in this status (``SUCCEEDED``: what a rollback
                returns to).

        Returns:
            The record, or ``None``.

        Raises:
            ValidationError: If ``status`` is not a ``DeploymentStatus``.
        """
        query = Query.on(_SYNTHETIC, _pair(strategy_name, environment)).using(ENVIRONMENT_INDEX)
        query = query.order(descending=True).page_size(1 if status is None else _LATEST_PAGE)
        if status is not None:
            query = query.where(
                "status", "=", self._coerce(DeploymentStatus, status, field="status")
            )
        kwargs = query.table_kwargs()
        start = None
        while True:
            page = self._table.query_page(**kwargs, start_key=start)
            if page.items:
                return self.from_item(page.items[0])
            if page.last_key is None or status is None:
                return None
            start = page.last_key

    def transition(
        self,
        deployment_id: str,
        target: DeploymentStatus,
        *,
        error: str | None = None,
        now: _dt.datetime | None = None,
        expected_version: int | None = None,
    ) -> DeploymentRecord:
        """Move a deployment to ``target`` (read, check, one conditional write).

        Args:
            deployment_id: The deployment.
            target: The new status.
            error: An error message to record (FAILED / ROLLED_BACK).
            now: The transition time (aware; default: now).
            expected_version: Refuse unless the record is still at this version.

        Returns:
            The record as stored after the move (unchanged when it already is
            ``ROLLED_BACK`` and that is the target).

        Raises:
            NotFoundError: If there is no such deployment.
            ConflictError: If the lifecycle forbids the move, the record is at another
                version, or another writer won; ``current`` is the stored record.
        """
        status = self._coerce(DeploymentStatus, target)
        record = self._require(deployment_id)
        self._check_expected(record, expected_version)
        return self._move(
            record, status, lambda r: r.with_status(status, error=error, now=now), fresh=True
        )
