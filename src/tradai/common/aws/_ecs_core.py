"""The I/O-free core shared by the sync and async ECS job managers.

Private module; :mod:`tradai.common.aws.ecs_jobs` re-exports the public names (their
public path; its docstring holds the status table and the other rules). Each flow of
:class:`JobCore` is a generator that validates its input, then yields the ECS calls
(:class:`Call`) and waits (:class:`Sleep`) it needs; a driver (sync or async) makes them
and sends each answer back in, so both managers share one implementation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any, TypeVar

from tradai.common.aws._ecs_names import check_task_ref
from tradai.common.aws._ecs_settings import EcsJobSettings
from tradai.common.aws._polling import PollPolicy
from tradai.common.entities.aws import JobStatus
from tradai.common.exceptions import (
    ConfigurationError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)
from tradai.common.utils.datetime import ensure_utc
from tradai.common.validators import validate_free_text

__all__ = [
    "ECS_STATUS_TO_JOB_STATUS",
    "JOB_ID_TAG",
    "SERVICE",
    "Call",
    "EcsTaskInfo",
    "Flow",
    "JobCore",
    "Sleep",
    "job_status_of",
]

#: Tag key carrying the job id on every task the job managers start.
JOB_ID_TAG = "tradai:job-id"

#: ECS ``lastStatus`` -> job status, for every status but ``STOPPED`` (see ``ecs_jobs``).
ECS_STATUS_TO_JOB_STATUS: Mapping[str, JobStatus] = MappingProxyType(
    {
        "PROVISIONING": JobStatus.PENDING,
        "PENDING": JobStatus.PENDING,
        "ACTIVATING": JobStatus.PENDING,
        "RUNNING": JobStatus.RUNNING,
        "DEACTIVATING": JobStatus.RUNNING,
        "STOPPING": JobStatus.RUNNING,
        "DEPROVISIONING": JobStatus.RUNNING,
    }
)

#: The service name errors carry.
SERVICE = "ecs"
_T = TypeVar("_T")
_JOB_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,35}")
_ENV_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,254}")
_MAX_OVERRIDES_CHARS = 8192


def job_status_of(
    last_status: str, *, stop_code: str | None = None, exit_code: int | None = None
) -> JobStatus:
    """Map an ECS task's ``lastStatus`` (and how it stopped) to a :class:`JobStatus`.

    Args:
        last_status: The task's ``lastStatus``.
        stop_code: The task's ``stopCode`` (``UserInitiated``, ``EssentialContainerExited``...).
        exit_code: The job container's exit code, if it exited.

    Returns:
        The job status (the table is in the module docstring).
    """
    if last_status != "STOPPED":
        return ECS_STATUS_TO_JOB_STATUS.get(last_status, JobStatus.PENDING)
    if stop_code == "UserInitiated":
        return JobStatus.CANCELLED
    return JobStatus.COMPLETED if exit_code == 0 else JobStatus.FAILED


@dataclass(frozen=True, slots=True)
class EcsTaskInfo:
    """What ECS reports about a job's task.

    Attributes:
        task_arn: The task ARN.
        task_id: The task id (last segment of the ARN).
        job_id: The job id (``startedBy`` or the :data:`JOB_ID_TAG` tag), if any.
        last_status: ECS ``lastStatus``.
        desired_status: ECS ``desiredStatus``.
        status: The mapped job status.
        stop_code: ECS ``stopCode`` once stopped.
        stopped_reason: ECS ``stoppedReason`` once stopped.
        exit_code: The job container's exit code, if reported.
        started_at: When the task started (UTC), if it did.
        stopped_at: When the task stopped (UTC), if it did.
    """

    task_arn: str
    task_id: str
    job_id: str | None
    last_status: str
    desired_status: str | None
    status: JobStatus
    stop_code: str | None = None
    stopped_reason: str | None = None
    exit_code: int | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None

    @classmethod
    def from_api(cls, task: Mapping[str, Any], *, container_name: str) -> EcsTaskInfo:
        """Build the info from one ``tasks[]`` item of ``DescribeTasks``/``StopTask``.

        Args:
            task: The task as boto3 returns it.
            container_name: The job container whose exit code counts.

        Returns:
            The info.
        """
        arn, last = str(task["taskArn"]), str(task.get("lastStatus", ""))
        containers = task.get("containers") or []
        mine = [c for c in containers if c.get("name") == container_name] or containers or [{}]
        tags = {t.get("key"): t.get("value") for t in task.get("tags") or []}
        when = [task.get(k) for k in ("startedAt", "stoppedAt")]
        started, stopped = (ensure_utc(v) if isinstance(v, datetime) else None for v in when)
        stop_code, exit_code = task.get("stopCode"), mine[0].get("exitCode")
        return cls(
            task_arn=arn,
            task_id=arn.rsplit("/", 1)[-1],
            job_id=task.get("startedBy") or tags.get(JOB_ID_TAG),
            last_status=last,
            desired_status=task.get("desiredStatus"),
            status=job_status_of(last, stop_code=stop_code, exit_code=exit_code),
            stop_code=stop_code,
            stopped_reason=task.get("stoppedReason") or None,
            exit_code=exit_code,
            started_at=started,
            stopped_at=stopped,
        )


def _env_items(environment: Mapping[str, str]) -> list[dict[str, str]]:
    items = []
    for name, value in environment.items():
        if not isinstance(name, str) or not _ENV_NAME_RE.fullmatch(name):
            raise ValidationError(f"bad environment name {name!r:.40}", field="environment")
        if not isinstance(value, str) or "\x00" in value:
            raise ValidationError(f"bad value for environment {name}", field="environment")
        items.append({"name": name, "value": value})
    return items


def _overrides(
    container: str, command: Sequence[str] | None, environment: Mapping[str, str] | None
) -> dict[str, Any]:
    override: dict[str, Any] = {"name": container}
    if command is not None:
        if isinstance(command, str) or not all(isinstance(a, str) for a in command):
            raise ValidationError("command must be a sequence of strings", field="command")
        if any("\x00" in arg for arg in command):
            raise ValidationError("command arguments must not hold NUL", field="command")
        override["command"] = list(command)
    if environment:
        override["environment"] = _env_items(environment)
    overrides = {"containerOverrides": [override]}
    if len(json.dumps(overrides)) > _MAX_OVERRIDES_CHARS:
        raise ValidationError("overrides exceed ECS's 8192-character limit", field="command")
    return overrides


def _targets(status: JobStatus | Iterable[JobStatus]) -> frozenset[JobStatus]:
    items = [status] if isinstance(status, JobStatus | str) else list(status)
    try:
        targets = frozenset(JobStatus(item) for item in items)
    except ValueError as exc:
        raise ValidationError(f"unknown job status: {exc}", field="status") from exc
    if not targets:
        raise ValidationError("give at least one status to wait for", field="status")
    return targets


@dataclass(frozen=True, slots=True)
class Call:
    """One ECS API call a flow asks its driver to make.

    Attributes:
        operation: The boto3 method name (``run_task``...).
        resource: What the call is about, for the translated error's context.
        params: The keyword arguments of the call.
    """

    operation: str
    resource: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Sleep:
    """A wait a flow asks its driver for (between polls).

    Attributes:
        seconds: How long to wait.
    """

    seconds: float


#: A flow: yields calls and sleeps, receives each call's answer, returns a ``_T``.
Flow = Generator[Call | Sleep, Any, _T]


class JobCore:
    """The managers' logic without I/O: each flow yields calls and sleeps to a driver.

    Flows validate their input before yielding the first call, so bad input never
    reaches AWS. Each flow takes the arguments and raises the errors of the
    :class:`~tradai.common.aws.ecs_jobs.EcsJobManager` method of the same name.

    Args:
        settings: Where jobs run; ``EcsJobSettings.load()`` (the environment) when ``None``.
        clock: Monotonic clock in seconds (deadlines).
    """

    def __init__(self, settings: EcsJobSettings | None, clock: Callable[[], float]) -> None:
        self.settings = settings if settings is not None else EcsJobSettings.load()
        self.clock = clock
        self._log_location: tuple[str, str] | None = None

    def run_job(
        self, job_id: str, command: Sequence[str] | None, environment: Mapping[str, str] | None
    ) -> Flow[str]:
        """Start one task for the job; the flow returns the task ARN."""
        if not isinstance(job_id, str) or not job_id.isascii() or not _JOB_ID_RE.fullmatch(job_id):
            raise ValidationError(
                f"job_id {job_id!r:.60} must be 1-36 letters, digits, '_' or '-'", field="job_id"
            )
        s = self.settings
        vpc = {
            "subnets": list(s.ecs_subnets),
            "securityGroups": list(s.ecs_security_groups),
            "assignPublicIp": "ENABLED" if s.ecs_assign_public_ip else "DISABLED",
        }
        params = {
            "cluster": s.ecs_cluster,
            "taskDefinition": s.ecs_task_definition,
            "launchType": s.ecs_launch_type.value,
            "count": 1,
            "startedBy": job_id,
            "tags": [{"key": JOB_ID_TAG, "value": job_id}],
            "networkConfiguration": {"awsvpcConfiguration": vpc},
            "overrides": _overrides(s.ecs_container_name, command, environment),
        }
        response = yield Call("run_task", s.ecs_cluster, params)
        if response.get("tasks"):
            return str(response["tasks"][0]["taskArn"])
        reason = str((response.get("failures") or [{}])[0].get("reason", "no task started"))
        error = TransientError if reason.startswith(("RESOURCE", "AGENT")) else ExternalServiceError
        raise error(
            f"ECS did not start job {job_id}: {reason}",
            service=SERVICE,
            operation="RunTask",
            context={"job_id": job_id, "reason": reason},
        )

    def describe(self, task: str) -> Flow[EcsTaskInfo]:
        """Describe the job's task; the flow returns its info."""
        ref = check_task_ref(task)
        params = {"cluster": self.settings.ecs_cluster, "tasks": [ref], "include": ["TAGS"]}
        response = yield Call("describe_tasks", ref, params)
        return self._info(response.get("tasks") or [], ref)

    def _info(self, tasks: Sequence[Mapping[str, Any]], ref: str) -> EcsTaskInfo:
        if not tasks:
            raise NotFoundError(f"ECS task {ref} not found", resource="ecs task", key=ref)
        return EcsTaskInfo.from_api(tasks[0], container_name=self.settings.ecs_container_name)

    def wait_until(
        self, task: str, status: JobStatus | Iterable[JobStatus], policy: PollPolicy
    ) -> Flow[EcsTaskInfo]:
        """Poll with backoff until one of the statuses; the flow returns the info."""
        targets = _targets(status)
        names = "/".join(sorted(t.value for t in targets))
        deadline, interval, last = self.clock() + policy.timeout, policy.interval, ""
        while True:
            info = yield from self.describe(task)
            if info.status in targets:
                return info
            context = {"resource": info.task_arn, "last_status": info.last_status}
            if not any(info.status.can_transition_to(t) for t in targets):
                raise ExternalServiceError(
                    f"task {info.task_id} is {info.status.value}; it cannot become {names}",
                    service=SERVICE,
                    context=context,
                )
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise TransientError(
                    f"task {info.task_id} did not become {names} before the deadline",
                    service=SERVICE,
                    operation="wait_until",
                    context=context,
                )
            interval = policy.next_interval(interval, progressed=info.last_status != last)
            last = info.last_status
            yield Sleep(min(interval, remaining))

    def stop_job(self, task: str, reason: str) -> Flow[EcsTaskInfo]:
        """Stop the job's task; the flow returns the info ECS answered."""
        ref = check_task_ref(task)
        try:
            why = validate_free_text(reason, max_length=255)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"invalid reason: {exc}", field="reason") from exc
        params = {"cluster": self.settings.ecs_cluster, "task": ref, "reason": why}
        response = yield Call("stop_task", ref, params)
        return self._info([response["task"]], ref)

    def log_location(self, task: str) -> Flow[tuple[str, str]]:
        """Find the job container's log group and stream; the flow returns both."""
        ref, s = check_task_ref(task), self.settings
        if self._log_location is None:
            group, prefix = s.ecs_log_group, s.ecs_log_stream_prefix
            if not (group and prefix):
                definition = {"taskDefinition": s.ecs_task_definition}
                response = yield Call("describe_task_definition", s.ecs_task_definition, definition)
                containers = response.get("taskDefinition", {}).get("containerDefinitions", [])
                mine = [c for c in containers if c.get("name") == s.ecs_container_name] or [{}]
                options = (mine[0].get("logConfiguration") or {}).get("options", {})
                group = group or options.get("awslogs-group", "")
                prefix = prefix or options.get("awslogs-stream-prefix", "")
            if not group or not prefix:
                raise ConfigurationError(
                    "set ECS_LOG_GROUP and ECS_LOG_STREAM_PREFIX, or give the job container an "
                    "awslogs logConfiguration with a stream prefix",
                    setting="ecs_log_group",
                )
            self._log_location = (group, prefix)
        group, prefix = self._log_location
        return group, f"{prefix}/{s.ecs_container_name}/{ref.rsplit('/', 1)[-1]}"
