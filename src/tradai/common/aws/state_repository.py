"""DynamoDB state repository: the status store of queued backtest jobs.

:class:`DynamoDBStateRepository` keeps one
:class:`~tradai.common.entities.backtest.BacktestJobStatus` per job (partition key
``job_id``) and moves it through :class:`~tradai.common.entities.aws.JobStatus`'s
lifecycle. Services depend on the :class:`StateRepository` protocol; the in-memory twin
is the same class over an in-memory table (:meth:`DynamoDBStateRepository.in_memory`), so
twin and real store behave alike by construction.

How a transition stays correct under races: :meth:`DynamoDBStateRepository.transition`
reads the job (strongly consistent), checks ``JobStatus.can_transition_to``, and writes
the moved job with ONE conditional request::

    #version = :v AND #status IN (:s0, :s1, ...)

where the ``IN`` list is ``JobStatus.allowed_sources(target)``. A writer that lost (the
job changed since it read it) gets :class:`~tradai.common.exceptions.ConflictError`
whose ``current`` is the job as stored; a terminal job never leaves its status, whatever
the interleaving. A forbidden move (``COMPLETED -> RUNNING``) raises the same
``ConflictError``; a move to the terminal status the job already has is an idempotent
retry that returns the stored job without writing (the first terminal write wins).

Table (decisions where the design document is silent; :meth:`table_spec` builds it):

* name from ``settings.jobs_table`` or the environment variable ``JOBS_TABLE``;
* partition key ``job_id``; global secondary index ``status-index`` (partition key
  ``status``, sort key ``created_at``, all attributes) for :meth:`list_by_status`. Each
  status is one index partition: fine for a job queue's volume, and the index is
  eventually consistent (a job just moved may still be listed under its old status);
* TTL attribute ``ttl``: with ``retention=`` given, a job reaching a terminal status gets
  ``ttl = completed_at + retention`` (epoch seconds), so DynamoDB deletes it later.

Example:
    >>> from tradai.common.entities.backtest import BacktestConfig, BacktestJobStatus
    >>> from tradai.common.entities.aws import JobStatus
    >>> config = BacktestConfig(strategy="S", timeframe="1h", start_date="2024-01-01",
    ...                         end_date="2024-01-31", symbols=["BTC/USDT"])
    >>> jobs = DynamoDBStateRepository.in_memory()
    >>> jobs.create(BacktestJobStatus(job_id="job-1", config=config)).version
    1
    >>> jobs.transition("job-1", JobStatus.RUNNING).status.value
    'running'
    >>> done = jobs.transition("job-1", JobStatus.COMPLETED)
    >>> jobs.transition("job-1", JobStatus.RUNNING)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tradai.common.exceptions.ConflictError: BacktestJobStatus cannot move from completed ...
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from tradai.common.aws.dynamodb.types import KeySchema
from tradai.common.entities.aws import JobStatus
from tradai.common.entities.backtest import BacktestJobStatus
from tradai.common.exceptions import ValidationError
from tradai.common.repositories._status import StatusRepository
from tradai.common.repositories._tables import IndexSpec
from tradai.common.repositories.query import Query

if TYPE_CHECKING:
    from tradai.common.aws._client_factory import ClientFactory
    from tradai.common.aws.dynamodb.protocols import KeyValueTable
    from tradai.common.entities.backtest import BacktestResult
    from tradai.common.entities.pagination import PaginatedResponse
    from tradai.common.repositories.codecs import EntityCodec
    from tradai.common.repositories.pagination import CursorSigner

__all__ = ["STATUS_INDEX", "DynamoDBStateRepository", "StateRepository"]

#: The global secondary index of jobs by status (partition ``status``, sort ``created_at``).
STATUS_INDEX = "status-index"


@runtime_checkable
class StateRepository(Protocol):
    """What services need of a job status store."""

    def create(self, job: BacktestJobStatus) -> BacktestJobStatus:
        """Store a new job; ``ConflictError`` (with the stored one) if the id is taken."""
        ...

    def get(self, job_id: object, *, consistent_read: bool = True) -> BacktestJobStatus | None:
        """Return the job, or ``None``."""
        ...

    def list_by_status(
        self,
        status: JobStatus,
        *,
        limit: int = 100,
        cursor: str | None = None,
        newest_first: bool = False,
    ) -> PaginatedResponse[BacktestJobStatus]:
        """Return one page of the jobs in ``status``."""
        ...

    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: str | None = None,
        result: BacktestResult | None = None,
        expected_version: int | None = None,
    ) -> BacktestJobStatus:
        """Move a job to ``target``; ``ConflictError`` if the lifecycle or a writer refuses."""
        ...


class DynamoDBStateRepository(StatusRepository[BacktestJobStatus]):
    """Backtest job statuses in DynamoDB (or its in-memory twin), see the module doc.

    Args:
        table: The table port (wins over everything below).
        table_name: The table's name (keyword-only, as all below).
        settings: An object whose ``jobs_table`` attribute names the table.
        client: A boto3 DynamoDB client.
        factory: A ``ClientFactory``.
        codec: The entity codec (default: the process-wide one).
        cursor_signer: Signs cursors (default: from ``TRADAI_CURSOR_SECRET``).
        retention: How long a finished job is kept (sets ``ttl``); ``None``: forever.

    Raises:
        ConfigurationError: If no table name is given or configured.
        ValidationError: If ``retention`` is not a positive timedelta.
    """

    entity = BacktestJobStatus
    keys = KeySchema("job_id")
    table_setting = "JOBS_TABLE"
    table_indexes: ClassVar[tuple[IndexSpec, ...]] = (
        IndexSpec(STATUS_INDEX, KeySchema("status", "created_at")),
    )
    ttl_attribute: ClassVar[str | None] = "ttl"

    def __init__(
        self,
        table: KeyValueTable | None = None,
        *,
        table_name: str | None = None,
        settings: object = None,
        client: Any = None,
        factory: ClientFactory | None = None,
        codec: EntityCodec[BacktestJobStatus] | None = None,
        cursor_signer: CursorSigner | None = None,
        retention: _dt.timedelta | None = None,
    ) -> None:
        if retention is not None and (
            not isinstance(retention, _dt.timedelta) or retention <= _dt.timedelta(0)
        ):
            raise ValidationError("retention must be a positive timedelta", field="retention")
        self._retention = retention
        super().__init__(
            table, table_name=table_name, settings=settings, client=client, factory=factory,
            codec=codec, cursor_signer=cursor_signer,
        )  # fmt: skip

    @classmethod
    def allowed_sources(cls, target: Any) -> frozenset[Any]:
        """Return ``JobStatus.allowed_sources(target)`` (the ``IN`` list of a transition).

        Args:
            target: The status being written.

        Returns:
            The statuses a job may be in to move to ``target``.
        """
        return JobStatus.allowed_sources(target)

    def list_by_status(
        self,
        status: JobStatus,
        *,
        limit: int = 100,
        cursor: str | None = None,
        newest_first: bool = False,
    ) -> PaginatedResponse[BacktestJobStatus]:
        """Return one page of the jobs in ``status``, by creation time (``status-index``).

        Args:
            status: The status.
            limit: Page size (1-10,000).
            cursor: The previous page's ``next_cursor``.
            newest_first: Newest jobs first (default: oldest first, queue order).

        Returns:
            The page; ``next_cursor`` is ``None`` on the last one.

        Raises:
            ValidationError: If the status, limit or cursor is not valid.
        """
        status = self._coerce(JobStatus, status, field="status")
        query = Query.on("status", status).using(STATUS_INDEX).order(descending=newest_first)
        return self.query(query.page_size(limit), cursor=cursor)

    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: str | None = None,
        result: BacktestResult | None = None,
        expected_version: int | None = None,
    ) -> BacktestJobStatus:
        """Move the job to ``target`` (read, check, one conditional write; see module doc).

        Args:
            job_id: The job.
            target: The new status.
            error: An error message to record (for ``FAILED``).
            result: The result to record (for ``COMPLETED``).
            expected_version: Refuse unless the job is still at this version.

        Returns:
            The job as stored after the move (unchanged for a repeated terminal move).

        Raises:
            NotFoundError: If there is no such job.
            ConflictError: If the lifecycle forbids the move, the job is at another
                version, or another writer won; ``current`` is the stored job.
        """
        target = self._coerce(JobStatus, target)
        job = self._require(job_id)
        self._check_expected(job, expected_version)
        return self._move(job, target, self._mover(target, error, result), fresh=True)

    def transition_from(
        self,
        job: BacktestJobStatus,
        target: JobStatus,
        *,
        error: str | None = None,
        result: BacktestResult | None = None,
    ) -> BacktestJobStatus:
        """Move ``job`` (as the caller read it) to ``target`` without reading it again.

        The write is conditioned on ``job.version`` and on the allowed source statuses,
        so a copy that went stale loses with ``ConflictError``.

        Args:
            job: The job as read.
            target: The new status.
            error: An error message to record.
            result: The result to record.

        Returns:
            The job as stored after the move (``job`` itself for a repeated terminal move).

        Raises:
            NotFoundError: If the job no longer exists.
            ConflictError: As for :meth:`transition`.
        """
        target = self._coerce(JobStatus, target)
        return self._move(job, target, self._mover(target, error, result), fresh=False)

    def _mover(
        self, target: JobStatus, error: str | None, result: BacktestResult | None
    ) -> Callable[[BacktestJobStatus], BacktestJobStatus]:
        retention = self._retention

        def move(job: BacktestJobStatus) -> BacktestJobStatus:
            moved = job.with_status(target, error=error, result=result)
            if retention is None or moved.completed_at is None or moved.ttl is not None:
                return moved
            expiry = int((moved.completed_at + retention).timestamp())
            return BacktestJobStatus.model_validate({**dict(moved), "ttl": expiry})

        return move
