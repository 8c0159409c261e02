"""AWS Step Functions: start executions idempotently, describe, stop, wait, read history.

State machine and execution ARNs come from the caller (settings), never from literals; they
are checked with :func:`~tradai.common.validators.validate_arn` (service ``states``) before
any call. Results are frozen value objects (:class:`ExecutionInfo`, :class:`StartedExecution`,
:class:`HistoryEvent`); AWS errors are translated by
:func:`~tradai.common.aws.errors.translate_aws_error`.

Decisions where the spec is silent:

* The execution name is required: it is the idempotency key. It is 1-80 letters, digits,
  ``-`` and ``_`` (stricter than AWS, which also allows some unicode).
* The input is any JSON value (``None`` means ``{}``), serialised with sorted keys so equal
  inputs give equal strings; at most 256 KiB.
* Starting a name that already exists returns that execution when its input is the same
  JSON (compared parsed), even when it has finished (AWS itself refuses a finished one);
  with a different input it raises :class:`~tradai.common.exceptions.ConflictError`.
* :meth:`StepFunctionsClient.wait` polls ``DescribeExecution`` with exponential backoff (no
  jitter: one poller per execution), never sleeps past the deadline, returns the final
  :class:`ExecutionInfo` whatever the terminal status (check ``succeeded``), and raises
  :class:`ExecutionWaitTimeoutError`, a :class:`~tradai.common.exceptions.TransientError`, at the
  deadline. Errors from ``DescribeExecution`` propagate at once. The clock and the sleep
  are injectable.
* :meth:`StepFunctionsClient.history` is a lazy iterator over every page.
* The value objects live in the private module :mod:`tradai.common.aws._sfn_values` and
  are re-exported here.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tradai.common.aws._client_factory import default_factory
from tradai.common.aws._messaging import aws_boundary, invalid
from tradai.common.aws._sfn_values import (
    ExecutionInfo,
    ExecutionStatus,
    ExecutionWaitTimeoutError,
    HistoryEvent,
    StartedExecution,
    to_utc,
)
from tradai.common.exceptions import ConflictError, NotFoundError
from tradai.common.validators import validate_arn

if TYPE_CHECKING:
    from tradai.common.aws._client_factory import ClientFactory

__all__ = [
    "ExecutionInfo",
    "ExecutionStatus",
    "ExecutionWaitTimeoutError",
    "HistoryEvent",
    "StartedExecution",
    "StepFunctionsClient",
    "WorkflowRunner",
]

_SERVICE = "stepfunctions"
_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,79}")
_MAX_INPUT_BYTES = 256 * 1024


def _check_arn(value: str, prefixes: tuple[str, ...], field_name: str) -> str:
    try:
        validate_arn(value, service="states")
    except ValueError as exc:
        raise invalid(f"{field_name}: {exc}", field_name) from None
    parts = value.split(":")
    if len(parts) < 7 or parts[5] not in prefixes or not parts[6]:
        raise invalid(f"{field_name} is not a {prefixes[0]} ARN", field_name)
    return value


def _check_number(value: float, field_name: str) -> float:
    valid = isinstance(value, int | float) and not isinstance(value, bool)
    if not valid or not math.isfinite(value) or value <= 0:
        raise invalid(f"{field_name} must be a positive finite number", field_name)
    return float(value)


def _serialise_input(value: Any) -> str:
    try:
        text = json.dumps(
            {} if value is None else value, sort_keys=True, separators=(",", ":"), allow_nan=False
        )
    except (TypeError, ValueError) as exc:
        raise invalid(f"input is not JSON-serialisable: {exc}", "input") from None
    if len(text.encode()) > _MAX_INPUT_BYTES:
        raise invalid(f"input is larger than {_MAX_INPUT_BYTES} bytes", "input")
    return text


@runtime_checkable
class WorkflowRunner(Protocol):
    """Runs state machine executions: Step Functions, or a test double."""

    def start(self, state_machine_arn: str, *, name: str, input: Any = None) -> StartedExecution:
        """Start an execution idempotently by name."""
        ...

    def describe(self, execution_arn: str) -> ExecutionInfo:
        """Describe an execution."""
        ...

    def stop(
        self, execution_arn: str, *, error: str | None = None, cause: str | None = None
    ) -> datetime | None:
        """Stop a running execution."""
        ...

    def wait(self, execution_arn: str, *, deadline_seconds: float) -> ExecutionInfo:
        """Wait until an execution finishes or the deadline passes."""
        ...

    def history(self, execution_arn: str) -> Iterator[HistoryEvent]:
        """Iterate over an execution's events."""
        ...


class StepFunctionsClient:
    """Step Functions behind the :class:`WorkflowRunner` port.

    Args:
        client: A boto3 ``stepfunctions`` client; the process-wide factory's when omitted.
        factory: The factory to get the client from when ``client`` is omitted.
        clock: Monotonic seconds, for :meth:`wait` deadlines.
        sleep: Sleeps between :meth:`wait` polls.
    """

    def __init__(
        self,
        *,
        client: Any = None,
        factory: ClientFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._factory = factory
        self._clock = clock
        self._sleep = sleep

    @property
    def client(self) -> Any:
        """The boto3 client (taken from the factory on first use)."""
        if self._client is None:
            self._client = (self._factory or default_factory()).client(_SERVICE)
        return self._client

    def start(self, state_machine_arn: str, *, name: str, input: Any = None) -> StartedExecution:
        """Start an execution, or return the one already started with this name and input.

        Args:
            state_machine_arn: The state machine (from settings).
            name: The execution name: the idempotency key.
            input: A JSON-serialisable value (``None`` is ``{}``).

        Returns:
            The started (or existing) execution.

        Raises:
            ValidationError: On a bad ARN, name or input, before any call.
            ConflictError: The name exists with a different input.
            TradAIError: The translated AWS error.
        """
        arn = _check_arn(state_machine_arn, ("stateMachine",), "state_machine_arn")
        if not isinstance(name, str) or _NAME_RE.fullmatch(name) is None:
            raise invalid("name must be 1-80 letters, digits, '-' or '_'", "name")
        payload = _serialise_input(input)
        try:
            with aws_boundary(_SERVICE, "StartExecution", arn):
                response = self.client.start_execution(
                    stateMachineArn=arn, name=name, input=payload
                )
        except ConflictError as conflict:
            if conflict.context.get("error_code") != "ExecutionAlreadyExists":
                raise
            return self._existing(arn, name, payload, conflict)
        return StartedExecution(response["executionArn"], to_utc(response["startDate"]))

    def _existing(
        self, arn: str, name: str, payload: str, conflict: ConflictError
    ) -> StartedExecution:
        parts = arn.split(":")
        execution_arn = ":".join([*parts[:5], "execution", parts[6], name])
        try:
            info = self.describe(execution_arn)
        except NotFoundError:
            raise conflict from None
        if info.input is not None and json.loads(info.input) == json.loads(payload):
            return StartedExecution(info.execution_arn, info.start_date, existing=True)
        raise ConflictError(
            f"execution {name!r} already exists with a different input",
            context={"service": _SERVICE, "resource": execution_arn},
        ) from conflict

    def describe(self, execution_arn: str) -> ExecutionInfo:
        """Describe an execution.

        Args:
            execution_arn: The execution.

        Returns:
            Its current state.

        Raises:
            ValidationError: On a bad ARN.
            NotFoundError: No such execution.
        """
        arn = _check_arn(execution_arn, ("execution", "express"), "execution_arn")
        with aws_boundary(_SERVICE, "DescribeExecution", arn):
            response = self.client.describe_execution(executionArn=arn)
        return ExecutionInfo.from_response(response)

    def stop(
        self, execution_arn: str, *, error: str | None = None, cause: str | None = None
    ) -> datetime | None:
        """Stop a running execution (stopping a stopped one is not an error).

        Args:
            execution_arn: The execution.
            error: An error name to record (at most 256 characters).
            cause: A cause to record (at most 32,768 characters).

        Returns:
            When it stopped (UTC), when the service says.

        Raises:
            ValidationError: On a bad ARN, error or cause.
            NotFoundError: No such execution.
        """
        arn = _check_arn(execution_arn, ("execution", "express"), "execution_arn")
        params: dict[str, str] = {"executionArn": arn}
        for key, value, limit in (("error", error, 256), ("cause", cause, 32_768)):
            if value is not None:
                if not isinstance(value, str) or len(value) > limit:
                    raise invalid(f"{key} must be a string of at most {limit} chars", key)
                params[key] = value
        with aws_boundary(_SERVICE, "StopExecution", arn):
            response = self.client.stop_execution(**params)
        stop = response.get("stopDate")
        return to_utc(stop) if stop is not None else None

    def wait(
        self,
        execution_arn: str,
        *,
        deadline_seconds: float,
        poll_interval: float = 1.0,
        max_poll_interval: float = 20.0,
        backoff: float = 2.0,
    ) -> ExecutionInfo:
        """Poll until the execution finishes, backing off between polls.

        Args:
            execution_arn: The execution.
            deadline_seconds: Longest time to wait.
            poll_interval: First pause between polls.
            max_poll_interval: Longest pause between polls.
            backoff: Factor applied to the pause after each poll (at least 1).

        Returns:
            The final state (any terminal status: check ``succeeded``).

        Raises:
            ValidationError: On a bad ARN or timing argument.
            ExecutionWaitTimeoutError: Still running at the deadline.
            TradAIError: ``DescribeExecution`` failed.
        """
        _check_number(deadline_seconds, "deadline_seconds")
        interval = _check_number(poll_interval, "poll_interval")
        ceiling = max(_check_number(max_poll_interval, "max_poll_interval"), interval)
        factor = _check_number(backoff, "backoff")
        if factor < 1:
            raise invalid("backoff must be at least 1", "backoff")
        started = self._clock()
        while True:
            info = self.describe(execution_arn)
            if info.is_terminal:
                return info
            remaining = started + deadline_seconds - self._clock()
            if remaining <= 0:
                raise ExecutionWaitTimeoutError(
                    info.execution_arn,
                    status=info.status,
                    waited_seconds=self._clock() - started,
                )
            self._sleep(min(interval, remaining))
            interval = min(interval * factor, ceiling)

    def history(
        self,
        execution_arn: str,
        *,
        reverse: bool = False,
        page_size: int = 100,
        include_execution_data: bool = True,
    ) -> Iterator[HistoryEvent]:
        """Iterate over an execution's events, fetching pages as needed.

        Args:
            execution_arn: The execution.
            reverse: Newest first.
            page_size: Events per call (1-1000).
            include_execution_data: Include inputs and outputs in the details.

        Returns:
            A lazy iterator of events.

        Raises:
            ValidationError: On a bad ARN or page size (at once, not when iterated).
        """
        arn = _check_arn(execution_arn, ("execution", "express"), "execution_arn")
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise invalid("page_size must be an integer from 1 to 1000", "page_size")
        if not 1 <= page_size <= 1000:
            raise invalid("page_size must be an integer from 1 to 1000", "page_size")
        params: dict[str, Any] = {
            "executionArn": arn,
            "reverseOrder": reverse,
            "maxResults": page_size,
            "includeExecutionData": include_execution_data,
        }
        return self._pages(params)

    def _pages(self, params: dict[str, Any]) -> Iterator[HistoryEvent]:
        while True:
            with aws_boundary(_SERVICE, "GetExecutionHistory", params["executionArn"]):
                page = self.client.get_execution_history(**params)
            yield from (HistoryEvent.from_response(event) for event in page.get("events", ()))
            token = page.get("nextToken")
            if not token:
                return
            params = {**params, "nextToken": token}
