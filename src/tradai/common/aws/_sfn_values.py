"""Value objects and errors of the Step Functions adapter.

Private module; every name is re-exported by :mod:`tradai.common.aws.step_functions`.
Timestamps are converted to timezone-aware UTC.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from tradai.common.exceptions import TransientError

__all__ = [
    "ExecutionInfo",
    "ExecutionStatus",
    "ExecutionWaitTimeoutError",
    "HistoryEvent",
    "StartedExecution",
    "to_utc",
]

_SERVICE = "stepfunctions"


class ExecutionStatus(str, enum.Enum):
    """Status of a Step Functions execution (AWS's own values)."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"
    PENDING_REDRIVE = "PENDING_REDRIVE"

    @property
    def is_terminal(self) -> bool:
        """Whether the execution has finished (succeeded, failed, timed out or aborted).

        Example:
            >>> ExecutionStatus.RUNNING.is_terminal, ExecutionStatus.ABORTED.is_terminal
            (False, True)
        """
        return self not in (ExecutionStatus.RUNNING, ExecutionStatus.PENDING_REDRIVE)


def to_utc(value: datetime) -> datetime:
    """Return ``value`` as a timezone-aware UTC datetime (naive values are taken as UTC).

    Args:
        value: A datetime from boto3.

    Returns:
        The same instant in UTC.
    """
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class StartedExecution:
    """The execution a start call led to.

    Attributes:
        execution_arn: Its ARN.
        start_date: When it started (UTC).
        existing: ``True`` when the service reported the name as taken and the execution
            found has the same input. (A repeated start while the first is still running is
            answered by AWS as a plain success, so it shows ``False``.)
    """

    execution_arn: str
    start_date: datetime
    existing: bool = False


@dataclass(frozen=True, slots=True)
class ExecutionInfo:
    """What ``DescribeExecution`` says about an execution.

    Attributes:
        execution_arn: Its ARN.
        state_machine_arn: The state machine it runs.
        name: Its name.
        status: Its status.
        start_date: When it started (UTC).
        stop_date: When it finished (UTC), if it has.
        input: The input JSON text.
        output: The output JSON text, once it succeeded.
        error: The error name, when it failed.
        cause: The error cause, when it failed.
    """

    execution_arn: str
    state_machine_arn: str
    name: str
    status: ExecutionStatus
    start_date: datetime
    stop_date: datetime | None = None
    input: str | None = None
    output: str | None = None
    error: str | None = None
    cause: str | None = None

    @property
    def succeeded(self) -> bool:
        """Whether the execution finished successfully."""
        return self.status is ExecutionStatus.SUCCEEDED

    @property
    def is_terminal(self) -> bool:
        """Whether the execution has finished."""
        return self.status.is_terminal

    def output_json(self) -> Any:
        """Return the parsed output (``None`` when there is none)."""
        return None if self.output is None else json.loads(self.output)

    @classmethod
    def from_response(cls, response: Mapping[str, Any]) -> ExecutionInfo:
        """Build from a ``DescribeExecution`` response.

        Args:
            response: The boto3 response.

        Returns:
            The value object.
        """
        stop = response.get("stopDate")
        return cls(
            execution_arn=response["executionArn"],
            state_machine_arn=response["stateMachineArn"],
            name=response["name"],
            status=ExecutionStatus(response["status"]),
            start_date=to_utc(response["startDate"]),
            stop_date=to_utc(stop) if stop is not None else None,
            input=response.get("input"),
            output=response.get("output"),
            error=response.get("error"),
            cause=response.get("cause"),
        )


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One event of an execution's history.

    Attributes:
        event_id: Its id (1 for ``ExecutionStarted``).
        previous_event_id: The event it follows, if any.
        type: ``ExecutionStarted``, ``PassStateEntered``, ``TaskSucceeded``...
        timestamp: When it happened (UTC).
        details: The event's ``...EventDetails`` mapping (empty when it has none).
    """

    event_id: int
    previous_event_id: int | None
    type: str
    timestamp: datetime
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    @classmethod
    def from_response(cls, event: Mapping[str, Any]) -> HistoryEvent:
        """Build from one entry of ``GetExecutionHistory``'s ``events``.

        Args:
            event: The boto3 event.

        Returns:
            The value object.
        """
        details: Mapping[str, Any] = next(
            (v for k, v in event.items() if k.endswith("EventDetails")), {}
        )
        return cls(
            event_id=int(event["id"]),
            previous_event_id=event.get("previousEventId"),
            type=event["type"],
            timestamp=to_utc(event["timestamp"]),
            details=details,
        )


class ExecutionWaitTimeoutError(TransientError):
    """The execution was still running at the wait's deadline (waiting again may succeed).

    Args:
        execution_arn: The execution.
        status: Its last known status.
        waited_seconds: How long the wait lasted.
    """

    def __init__(
        self, execution_arn: str, *, status: ExecutionStatus, waited_seconds: float
    ) -> None:
        super().__init__(
            f"execution still {status.value} after {waited_seconds:.1f} s",
            service=_SERVICE,
            operation="DescribeExecution",
            context={"resource": execution_arn, "last_status": status.value},
        )
        self.execution_arn = execution_arn
        self.status = status
        self.waited_seconds = waited_seconds
