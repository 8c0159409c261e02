"""Run, watch and stop one-off ECS tasks ("jobs") and stream their CloudWatch logs.

Every infrastructure identifier comes from :class:`EcsJobSettings` (variables ``ECS_CLUSTER``,
``ECS_TASK_DEFINITION``, ``ECS_SUBNETS``, ``ECS_SECURITY_GROUPS``, ``ECS_CONTAINER_NAME``,
``ECS_ASSIGN_PUBLIC_IP``, ``ECS_LAUNCH_TYPE``, ``ECS_LOG_GROUP``, ``ECS_LOG_STREAM_PREFIX``, or a
config file). :class:`EcsJobManager` uses boto3; :class:`AsyncEcsJobManager` is its asyncio
twin over :class:`~tradai.common.aws.AsyncClientFactory` (both drive one I/O-free core).

Decisions where the specification is silent:

* Jobs run in ``awsvpc`` network mode (required by Fargate): subnets (1-16, ``subnet-`` ids)
  and security groups (1-5, ``sg-`` ids) are required, so no task silently lands in a
  default security group. List variables take ``a,b`` (no spaces) or a JSON array.
* A job id is 1-36 letters, digits, ``_`` and ``-`` (ECS's ``startedBy`` rule, so a UUID
  fits); it is sent as ``startedBy`` and as the tag :data:`JOB_ID_TAG`. Command overrides
  and environment overrides must not hold NUL; together they must fit ECS's 8,192-character
  overrides limit. Environment names are ``[A-Za-z_][A-Za-z0-9_]*``.
* Logs are read from the ``awslogs`` stream ``<prefix>/<container>/<task id>``; the group
  and prefix come from settings, else from the task definition's ``logConfiguration``.
* ECS ``lastStatus`` maps to :class:`~tradai.common.entities.aws.JobStatus` as follows
  (:data:`ECS_STATUS_TO_JOB_STATUS`): ``PROVISIONING``/``PENDING``/``ACTIVATING`` (and any
  unknown status) → ``PENDING``; ``RUNNING``/``DEACTIVATING``/``STOPPING``/
  ``DEPROVISIONING`` → ``RUNNING`` (still in flight); ``STOPPED`` → ``CANCELLED`` when
  ``stopCode`` is ``UserInitiated``, ``COMPLETED`` when the job container exited 0,
  otherwise ``FAILED``. (moto sets no ``stopCode`` and reports exit code 0, so a task stopped
  there maps to ``COMPLETED``.)
* :meth:`EcsJobManager.wait_until` raises :class:`~tradai.common.exceptions.TransientError`
  at the deadline and :class:`~tradai.common.exceptions.ExternalServiceError` as soon as
  the task reaches a status from which the target is unreachable (e.g. ``FAILED``).

Example:
    >>> job_status_of("STOPPED", stop_code="UserInitiated", exit_code=None).value
    'cancelled'
    >>> job_status_of("RUNNING").value
    'running'
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from tradai.common.aws._ecs_core import (
    ECS_STATUS_TO_JOB_STATUS,
    JOB_ID_TAG,
    EcsTaskInfo,
    job_status_of,
)
from tradai.common.aws._ecs_core import SERVICE as _SERVICE
from tradai.common.aws._ecs_core import Call as _Call
from tradai.common.aws._ecs_core import Flow as _Flow
from tradai.common.aws._ecs_core import JobCore as _Core
from tradai.common.aws._ecs_settings import EcsJobSettings, LaunchType
from tradai.common.aws._polling import PollPolicy
from tradai.common.aws.cloudwatch_logs import LogEvent, atail, tail
from tradai.common.aws.errors import translate_aws_error
from tradai.common.entities.aws import JobStatus

if TYPE_CHECKING:
    from tradai.common.aws._async_client_factory import AsyncClientFactory
    from tradai.common.aws._client_factory import ClientFactory

__all__ = [
    "ECS_STATUS_TO_JOB_STATUS",
    "JOB_ID_TAG",
    "AsyncEcsJobManager",
    "EcsJobManager",
    "EcsJobSettings",
    "EcsTaskInfo",
    "JobRunner",
    "LaunchType",
    "job_status_of",
]

_T = TypeVar("_T")


@runtime_checkable
class JobRunner(Protocol):
    """The job-running port: start a job, read its status, stop it."""

    def run_job(
        self,
        job_id: str,
        *,
        command: Sequence[str] | None = ...,
        environment: Mapping[str, str] | None = ...,
    ) -> str:
        """Start the job; return its task reference."""
        ...

    def status(self, task: str) -> JobStatus:
        """Return the job's status."""
        ...

    def stop_job(self, task: str, *, reason: str = ...) -> EcsTaskInfo:
        """Stop the job."""
        ...


_WAIT = PollPolicy(timeout=900.0, interval=2.0, max_interval=30.0)
_LOGS = PollPolicy(timeout=3600.0, interval=1.0, max_interval=10.0)


class EcsJobManager:
    """Runs jobs as ECS tasks with boto3 (the :class:`JobRunner` adapter).

    Args:
        settings: Where jobs run; ``EcsJobSettings.load()`` (the environment) when omitted.
        client: A boto3 ``ecs`` client (default: ``factory``'s, else the library's).
        logs_client: A boto3 ``logs`` client for :meth:`stream_logs` (same defaults).
        factory: The client factory to take clients from.
        clock: Monotonic clock in seconds (deadlines).
        sleep: Function that waits the given seconds.

    Raises:
        pydantic.ValidationError: If settings come from an invalid environment.
    """

    def __init__(
        self,
        settings: EcsJobSettings | None = None,
        *,
        client: Any = None,
        logs_client: Any = None,
        factory: ClientFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._core = _Core(settings, clock)
        self._clients = {"ecs": client, "logs": logs_client}
        self._factory = factory
        self._sleep = sleep

    @property
    def settings(self) -> EcsJobSettings:
        """The settings jobs run with."""
        return self._core.settings

    def _client(self, service: str) -> Any:
        if self._clients[service] is None:
            if self._factory is None:
                from tradai.common.aws._client_factory import default_factory

                self._factory = default_factory()
            self._clients[service] = self._factory.client(service)
        return self._clients[service]

    def _drive(self, flow: _Flow[_T]) -> _T:
        reply: Any = None
        try:
            while True:
                step = flow.send(reply)
                if not isinstance(step, _Call):
                    self._sleep(step.seconds)
                    reply = None
                    continue
                method = getattr(self._client("ecs"), step.operation)
                try:
                    reply = method(**step.params)
                except Exception as exc:
                    raise translate_aws_error(
                        exc, service=_SERVICE, resource=step.resource
                    ) from exc
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]  # the flow's declared result

    def run_job(
        self,
        job_id: str,
        *,
        command: Sequence[str] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> str:
        """Start one task for the job, with container overrides.

        Args:
            job_id: The job id (sent as ``startedBy`` and the :data:`JOB_ID_TAG` tag).
            command: Replaces the job container's command.
            environment: Added to the job container's environment.

        Returns:
            The task ARN.

        Raises:
            ValidationError: For a bad job id or overrides (before any call).
            TransientError: If ECS lacked capacity (``RESOURCE:*``) or throttled the call.
            TradAIError: Another translated AWS error.
        """
        return self._drive(self._core.run_job(job_id, command, environment))

    def describe(self, task: str) -> EcsTaskInfo:
        """Describe the job's task.

        Args:
            task: The task ARN (or id; malformed → ``ValidationError`` before any call).

        Returns:
            The task's info.

        Raises:
            NotFoundError: If the cluster has no such task.
        """
        return self._drive(self._core.describe(task))

    def status(self, task: str) -> JobStatus:
        """Return the job's status (mapped as the module docstring says).

        Args:
            task: The task ARN (or id).

        Returns:
            The job status.
        """
        return self.describe(task).status

    def wait_until(
        self,
        task: str,
        status: JobStatus | Iterable[JobStatus],
        *,
        policy: PollPolicy = _WAIT,
    ) -> EcsTaskInfo:
        """Poll the task with backoff until it reaches one of the statuses.

        Args:
            task: The task ARN (or id).
            status: The status (or statuses) to wait for.
            policy: Deadline and backoff (default: 15 min; 2 s growing to 30 s, reset
                whenever ``lastStatus`` changes).

        Returns:
            The info once a target status is reached.

        Raises:
            TransientError: If the deadline passes first.
            ExternalServiceError: If the task can no longer reach a target status.
        """
        return self._drive(self._core.wait_until(task, status, policy))

    def stop_job(self, task: str, *, reason: str = "stopped by tradai") -> EcsTaskInfo:
        """Ask ECS to stop the job's task.

        Args:
            task: The task ARN (or id).
            reason: Why (at most 255 characters; becomes ``stoppedReason``).

        Returns:
            The task's info as ECS answered.
        """
        return self._drive(self._core.stop_job(task, reason))

    def log_location(self, task: str) -> tuple[str, str]:
        """Return the ``(log group, log stream)`` the job container writes to.

        Args:
            task: The task ARN (or id).

        Returns:
            The group and the ``<prefix>/<container>/<task id>`` stream.

        Raises:
            ConfigurationError: If neither settings nor the task definition name them.
        """
        return self._drive(self._core.log_location(task))

    def stream_logs(
        self, task: str, *, start: datetime | None = None, policy: PollPolicy = _LOGS
    ) -> Iterator[LogEvent]:
        """Follow the job's logs until its task has stopped and the stream is drained.

        Args:
            task: The task ARN (or id).
            start: Only events at or after this aware datetime.
            policy: Deadline and backoff (default: 1 h; 1 s growing to 10 s).

        Returns:
            A generator of the events (:func:`~tradai.common.aws.cloudwatch_logs.tail`).
        """
        group, stream = self.log_location(task)
        return tail(
            group,
            stream,
            client=self._client("logs"),
            start=start,
            stop=lambda: self.describe(task).last_status == "STOPPED",
            policy=policy,
            clock=self._core.clock,
            sleep=self._sleep,
        )


class AsyncEcsJobManager:
    """The asyncio twin of :class:`EcsJobManager`, over aiobotocore clients.

    Every method takes the arguments and raises the errors of its :class:`EcsJobManager`
    namesake; :meth:`stream_logs` is an async generator.

    Args:
        settings: Where jobs run; ``EcsJobSettings.load()`` when omitted.
        client: An open aiobotocore ``ecs`` client (default: ``factory``'s).
        logs_client: An open aiobotocore ``logs`` client (default: ``factory``'s).
        factory: The async client factory (default: a private one, see :meth:`aclose`).
        clock: Monotonic clock in seconds (deadlines).
        sleep: Coroutine function that waits the given seconds.
    """

    def __init__(
        self,
        settings: EcsJobSettings | None = None,
        *,
        client: Any = None,
        logs_client: Any = None,
        factory: AsyncClientFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._core = _Core(settings, clock)
        self._clients = {"ecs": client, "logs": logs_client}
        self._factory = factory
        self._owns_factory = factory is None
        self._sleep = sleep

    @property
    def settings(self) -> EcsJobSettings:
        """The settings jobs run with."""
        return self._core.settings

    async def _client(self, service: str) -> Any:
        if self._clients[service] is not None:
            return self._clients[service]
        if self._factory is None:
            from tradai.common.aws._async_client_factory import AsyncClientFactory

            self._factory = AsyncClientFactory()
        return await self._factory.client(service)

    async def aclose(self) -> None:
        """Close the clients of the private factory (a given factory is left open)."""
        if self._owns_factory and self._factory is not None:
            await self._factory.aclose()

    async def _drive(self, flow: _Flow[_T]) -> _T:
        reply: Any = None
        try:
            while True:
                step = flow.send(reply)
                if not isinstance(step, _Call):
                    await self._sleep(step.seconds)
                    reply = None
                    continue
                method = getattr(await self._client("ecs"), step.operation)
                try:
                    reply = await method(**step.params)
                except Exception as exc:
                    raise translate_aws_error(
                        exc, service=_SERVICE, resource=step.resource
                    ) from exc
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]  # the flow's declared result

    async def run_job(
        self,
        job_id: str,
        *,
        command: Sequence[str] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> str:
        """Async twin of :meth:`EcsJobManager.run_job` (same arguments, result, errors)."""
        return await self._drive(self._core.run_job(job_id, command, environment))

    async def describe(self, task: str) -> EcsTaskInfo:
        """Async twin of :meth:`EcsJobManager.describe` (same arguments, result, errors)."""
        return await self._drive(self._core.describe(task))

    async def status(self, task: str) -> JobStatus:
        """Async twin of :meth:`EcsJobManager.status` (same arguments, result, errors)."""
        return (await self.describe(task)).status

    async def wait_until(
        self,
        task: str,
        status: JobStatus | Iterable[JobStatus],
        *,
        policy: PollPolicy = _WAIT,
    ) -> EcsTaskInfo:
        """Async twin of :meth:`EcsJobManager.wait_until` (same arguments, result, errors)."""
        return await self._drive(self._core.wait_until(task, status, policy))

    async def stop_job(self, task: str, *, reason: str = "stopped by tradai") -> EcsTaskInfo:
        """Async twin of :meth:`EcsJobManager.stop_job` (same arguments, result, errors)."""
        return await self._drive(self._core.stop_job(task, reason))

    async def log_location(self, task: str) -> tuple[str, str]:
        """Async twin of :meth:`EcsJobManager.log_location` (same arguments, result, errors)."""
        return await self._drive(self._core.log_location(task))

    async def stream_logs(
        self, task: str, *, start: datetime | None = None, policy: PollPolicy = _LOGS
    ) -> AsyncIterator[LogEvent]:
        """Async twin of :meth:`EcsJobManager.stream_logs`: an async generator of events."""
        group, stream = await self.log_location(task)

        async def stopped() -> bool:
            return (await self.describe(task)).last_status == "STOPPED"

        events = atail(
            group,
            stream,
            client=await self._client("logs"),
            start=start,
            stop=stopped,
            policy=policy,
            clock=self._core.clock,
            sleep=self._sleep,
        )
        async for event in events:
            yield event
