"""Step Functions: value objects, and bad input refused before any call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tradai.common.aws.step_functions import (
    ExecutionInfo,
    ExecutionStatus,
    ExecutionWaitTimeoutError,
    HistoryEvent,
    StepFunctionsClient,
    WorkflowRunner,
)
from tradai.common.exceptions import TransientError, ValidationError

SM = "arn:aws:states:us-east-1:123456789012:stateMachine:backtest"
EXEC = "arn:aws:states:us-east-1:123456789012:execution:backtest:run-1"


class Untouchable:
    """Stands in for a boto3 client: any use of it fails the test."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the client was used ({name}) before validation")


@pytest.fixture
def sfn() -> StepFunctionsClient:
    return StepFunctionsClient(client=Untouchable())


def test_terminal_statuses_are_those_that_cannot_change() -> None:
    assert {s for s in ExecutionStatus if s.is_terminal} == {
        ExecutionStatus.SUCCEEDED,
        ExecutionStatus.FAILED,
        ExecutionStatus.TIMED_OUT,
        ExecutionStatus.ABORTED,
    }
    with pytest.raises(ValueError):
        ExecutionStatus("succeeded")


def test_execution_info_reads_a_describe_response_in_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    info = ExecutionInfo.from_response(
        {
            "executionArn": EXEC,
            "stateMachineArn": SM,
            "name": "run-1",
            "status": "SUCCEEDED",
            "startDate": datetime(2026, 1, 1, 12, tzinfo=plus_two),
            "stopDate": datetime(2026, 1, 1, 11, 30),
            "input": "{}",
            "output": '{"trades": 3}',
        }
    )
    assert info.start_date == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert info.start_date.tzinfo is UTC
    assert info.stop_date == datetime(2026, 1, 1, 11, 30, tzinfo=UTC)
    assert (info.succeeded, info.is_terminal) == (True, True)
    assert info.output_json() == {"trades": 3}
    with pytest.raises(AttributeError):
        info.status = ExecutionStatus.FAILED  # type: ignore[misc]  # frozen on purpose


def test_a_running_execution_has_no_output() -> None:
    info = ExecutionInfo(EXEC, SM, "run-1", ExecutionStatus.RUNNING, datetime.now(UTC))
    assert (info.succeeded, info.is_terminal, info.output_json()) == (False, False, None)


def test_history_events_keep_their_details_read_only() -> None:
    event = HistoryEvent.from_response(
        {
            "id": 2,
            "previousEventId": 1,
            "type": "PassStateEntered",
            "timestamp": datetime(2026, 1, 1, tzinfo=UTC),
            "stateEnteredEventDetails": {"name": "Prepare"},
        }
    )
    assert (event.event_id, event.previous_event_id, event.type) == (2, 1, "PassStateEntered")
    assert event.details["name"] == "Prepare"
    with pytest.raises(TypeError):
        event.details["name"] = "x"  # type: ignore[index]  # read-only on purpose
    bare = HistoryEvent.from_response(
        {"id": 1, "type": "ExecutionStarted", "timestamp": datetime(2026, 1, 1, tzinfo=UTC)}
    )
    assert (bare.previous_event_id, dict(bare.details)) == (None, {})


def test_the_wait_timeout_is_a_transient_error_with_context() -> None:
    error = ExecutionWaitTimeoutError(EXEC, status=ExecutionStatus.RUNNING, waited_seconds=3.25)
    assert isinstance(error, TransientError)
    assert error.retryable
    assert error.context["resource"] == EXEC
    assert error.context["last_status"] == "RUNNING"
    assert error.waited_seconds == 3.25
    assert "RUNNING after 3.2 s" in error.message


def test_the_client_implements_the_workflow_runner_port(sfn: StepFunctionsClient) -> None:
    assert isinstance(sfn, WorkflowRunner)


@pytest.mark.parametrize(
    "arn",
    [
        "",
        SM + "\n",
        " " + SM,
        EXEC,
        "arn:aws:sns:us-east-1:123456789012:stateMachine:backtest",
        "arn:aws:states:us-east-1:123456789012:stateMachine",
        "arn:aws:states:us-east-1:123456789012:stateMachine:",
        "arn:aws:states:us-east-1:123456789012:stateMachine:back;test",
        "arn:aws:states:us-east-1:123456789012:stateMachine:backtestА",
    ],
)
def test_bad_state_machine_arns_are_refused(sfn: StepFunctionsClient, arn: str) -> None:
    with pytest.raises(ValidationError) as info:
        sfn.start(arn, name="run-1")
    assert info.value.field == "state_machine_arn"


@pytest.mark.parametrize(
    "name", ["", "-run", "run 1", "run\n", "run;1", "run/1", "run:1", "runА", "r" * 81]
)
def test_bad_execution_names_are_refused(sfn: StepFunctionsClient, name: str) -> None:
    with pytest.raises(ValidationError) as info:
        sfn.start(SM, name=name)
    assert info.value.field == "name"


@pytest.mark.parametrize(
    "value", [float("nan"), {"x": float("inf")}, {1, 2}, object(), "x" * (256 * 1024)]
)
def test_bad_inputs_are_refused(sfn: StepFunctionsClient, value: object) -> None:
    with pytest.raises(ValidationError) as info:
        sfn.start(SM, name="run-1", input=value)
    assert info.value.field == "input"


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.describe(SM),
        lambda c: c.describe("arn:aws:states:us-east-1:123456789012:activity:x"),
        lambda c: c.stop(EXEC, error="e" * 257),
        lambda c: c.stop(EXEC, cause=3),
        lambda c: c.history(EXEC, page_size=0),
        lambda c: c.history(EXEC, page_size=1001),
        lambda c: c.history(EXEC, page_size=True),
        lambda c: c.history("nope"),
        lambda c: c.wait(EXEC, deadline_seconds=0),
        lambda c: c.wait(EXEC, deadline_seconds=float("inf")),
        lambda c: c.wait(EXEC, deadline_seconds=True),
        lambda c: c.wait(EXEC, deadline_seconds=5, poll_interval=-1),
        lambda c: c.wait(EXEC, deadline_seconds=5, max_poll_interval=0),
        lambda c: c.wait(EXEC, deadline_seconds=5, backoff=0.5),
    ],
)
def test_bad_arguments_are_refused_before_any_call(sfn: StepFunctionsClient, call: object) -> None:
    with pytest.raises(ValidationError):
        call(sfn)  # type: ignore[operator]  # lambda from the table
