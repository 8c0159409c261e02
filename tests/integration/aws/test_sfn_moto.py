"""StepFunctionsClient against the real moto server, with executions that really run.

moto runs an execution only when the server has ``MOTO_PORT`` in its environment (the
harness sets it) and ``/moto-api/config`` enables it, which must be re-sent after each
reset: the ``running_executions`` fixture does that, and turns it off again afterwards.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service, moto_config, start_moto_server
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.sqs import SQSQueue
from tradai.common.aws.step_functions import (
    ExecutionStatus,
    ExecutionWaitTimeoutError,
    StepFunctionsClient,
)
from tradai.common.exceptions import (
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
)

pytestmark = pytest.mark.integration

ROLE = "arn:aws:iam::123456789012:role/step-functions"
FAN_OUT = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {
            "Type": "Pass",
            "Result": {"pairs": ["BTC/USDT", "ETH/USDT", "SOL/USDT"]},
            "ResultPath": "$.data",
            "Next": "Route",
        },
        "Route": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.mode", "StringEquals": "fanout", "Next": "Each"}],
            "Default": "Skip",
        },
        "Skip": {"Type": "Pass", "End": True},
        "Each": {
            "Type": "Map",
            "ItemsPath": "$.data.pairs",
            "ItemSelector": {"pair.$": "$$.Map.Item.Value", "queue.$": "$.queue_url"},
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Send",
                "States": {
                    "Send": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::sqs:sendMessage",
                        "Parameters": {"QueueUrl.$": "$.queue", "MessageBody.$": "$.pair"},
                        "End": True,
                    }
                },
            },
            "End": True,
        },
    },
}
WAIT = {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 30, "End": True}}}


@pytest.fixture
def running_executions(aws: Service) -> Iterator[Service]:
    moto_config(aws.url, {"stepfunctions": {"execute_state_machine": True}})
    yield aws
    moto_config(aws.url, {"stepfunctions": {"execute_state_machine": False}})


def _factory(**config: Any) -> ClientFactory:
    return ClientFactory(config=ClientConfig(**config))


def _state_machine(client: Any, name: str, definition: dict[str, Any]) -> str:
    response = client.create_state_machine(
        name=name, definition=json.dumps(definition), roleArn=ROLE
    )
    return str(response["stateMachineArn"])


def test_pass_choice_map_and_sqs_send_really_run(running_executions: Service) -> None:
    factory = _factory()
    sqs = factory.client("sqs")
    queue = SQSQueue(sqs.create_queue(QueueName="pairs")["QueueUrl"], client=sqs)
    sfn = StepFunctionsClient(client=factory.client("stepfunctions"))
    machine = _state_machine(sfn.client, "fan-out", FAN_OUT)

    started = sfn.start(machine, name="run-1", input={"mode": "fanout", "queue_url": queue.url()})
    info = sfn.wait(started.execution_arn, deadline_seconds=20, poll_interval=0.05)

    assert info.status is ExecutionStatus.SUCCEEDED
    assert info.succeeded
    assert len(info.output_json()) == 3
    bodies = sorted(m.body for m in queue.receive(wait_seconds=0))
    assert bodies == ["BTC/USDT", "ETH/USDT", "SOL/USDT"]
    types = [event.type for event in sfn.history(started.execution_arn)]
    assert types[0] == "ExecutionStarted"
    assert types[-1] == "ExecutionSucceeded"
    assert {"PassStateEntered", "ChoiceStateEntered", "MapStateEntered", "TaskSucceeded"} <= set(
        types
    )


def test_the_choice_default_branch_sends_nothing(running_executions: Service) -> None:
    factory = _factory()
    sqs = factory.client("sqs")
    queue = SQSQueue(sqs.create_queue(QueueName="pairs")["QueueUrl"], client=sqs)
    sfn = StepFunctionsClient(client=factory.client("stepfunctions"))
    machine = _state_machine(sfn.client, "fan-out", FAN_OUT)
    started = sfn.start(machine, name="dry", input={"mode": "skip", "queue_url": queue.url()})
    assert sfn.wait(started.execution_arn, deadline_seconds=20, poll_interval=0.05).succeeded
    assert queue.receive(wait_seconds=0) == []


def test_starting_a_name_again_is_idempotent_for_the_same_input(
    running_executions: Service,
) -> None:
    sfn = StepFunctionsClient(client=_factory().client("stepfunctions"))
    machine = _state_machine(sfn.client, "fan-out", FAN_OUT)
    first = sfn.start(machine, name="nightly", input={"mode": "skip", "queue_url": "u"})
    assert not first.existing
    sfn.wait(first.execution_arn, deadline_seconds=20, poll_interval=0.05)

    again = sfn.start(machine, name="nightly", input={"queue_url": "u", "mode": "skip"})
    assert again == type(first)(first.execution_arn, first.start_date, existing=True)
    with pytest.raises(ConflictError) as info:
        sfn.start(machine, name="nightly", input={"mode": "fanout", "queue_url": "u"})
    assert info.value.context["resource"] == first.execution_arn


def test_a_running_execution_can_be_stopped(running_executions: Service) -> None:
    sfn = StepFunctionsClient(client=_factory().client("stepfunctions"))
    machine = _state_machine(sfn.client, "sleeper", WAIT)
    started = sfn.start(machine, name="to-stop")
    assert sfn.describe(started.execution_arn).status is ExecutionStatus.RUNNING
    sfn.stop(started.execution_arn, error="Cancelled", cause="operator request")
    info = sfn.wait(started.execution_arn, deadline_seconds=5, poll_interval=0.05)
    assert info.status is ExecutionStatus.ABORTED
    assert info.stop_date is not None
    assert not info.succeeded


def test_wait_backs_off_and_times_out_at_the_deadline(aws: Service) -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    sfn = StepFunctionsClient(
        client=_factory().client("stepfunctions"), clock=lambda: now[0], sleep=sleep
    )
    machine = _state_machine(sfn.client, "sleeper", WAIT)
    started = sfn.start(machine, name="slow")  # executions do not run here: stays RUNNING
    with pytest.raises(ExecutionWaitTimeoutError) as info:
        sfn.wait(
            started.execution_arn,
            deadline_seconds=10,
            poll_interval=1,
            max_poll_interval=4,
            backoff=2,
        )
    assert sleeps == [1, 2, 4, 3]  # the last pause is cut at the deadline
    assert info.value.status is ExecutionStatus.RUNNING
    assert info.value.waited_seconds == 10
    assert isinstance(info.value, TransientError)


def test_missing_state_machines_and_executions_are_not_found(aws: Service) -> None:
    sfn = StepFunctionsClient(client=_factory().client("stepfunctions"))
    missing = "arn:aws:states:us-east-1:123456789012:stateMachine:nobody"
    with pytest.raises(NotFoundError):
        sfn.start(missing, name="run-1")
    with pytest.raises(NotFoundError):
        sfn.describe("arn:aws:states:us-east-1:123456789012:execution:nobody:run-1")


def test_clients_come_from_the_process_wide_or_a_given_factory(aws: Service) -> None:
    machine = _state_machine(_factory().client("stepfunctions"), "sleeper", WAIT)
    started = StepFunctionsClient().start(machine, name="default-factory")
    factory = _factory()
    sfn = StepFunctionsClient(factory=factory)
    assert sfn.describe(started.execution_arn).name == "default-factory"
    assert sfn.client is factory.client("stepfunctions")


def test_a_name_taken_without_a_visible_execution_stays_a_conflict(aws: Service) -> None:
    client = _factory(max_attempts=1).client("stepfunctions")
    machine = _state_machine(client, "sleeper", WAIT)
    sfn = StepFunctionsClient(client=client)
    with inject_aws_error(
        client, code="ExecutionAlreadyExists", status=400, operation="StartExecution"
    ):
        with pytest.raises(ConflictError) as info:
            sfn.start(machine, name="ghost")
    assert info.value.context["error_code"] == "ExecutionAlreadyExists"
    with inject_aws_error(
        client, code="IdempotentParameterMismatch", status=400, operation="StartExecution"
    ) as record:
        with pytest.raises(ConflictError) as other:
            sfn.start(machine, name="ghost")
    assert other.value.context["error_code"] == "IdempotentParameterMismatch"
    assert record.seen_operations == ["StartExecution"]  # no describe for other conflicts


def test_throttling_is_retried_then_surfaces_as_transient(aws: Service) -> None:
    client = _factory(max_attempts=2).client("stepfunctions")
    sfn = StepFunctionsClient(client=client)
    machine = _state_machine(client, "sleeper", WAIT)
    with inject_aws_error(client, code="ThrottlingException", status=400) as record:
        with pytest.raises(TransientError) as info:
            sfn.start(machine, name="run-1")
    assert record.injected == 2
    assert info.value.context["operation"] == "StartExecution"
    assert info.value.context["resource"] == machine


def test_a_stopped_server_fails_fast_instead_of_hanging() -> None:
    private = start_moto_server()
    try:
        client = _factory(max_attempts=2, connect_timeout=0.5, read_timeout=1).client(
            "stepfunctions", endpoint_url=private.url
        )
        sfn = StepFunctionsClient(client=client)
        started = sfn.start(_state_machine(client, "sleeper", WAIT), name="run-1")
        private.stop()
        began = time.monotonic()
        with pytest.raises(ExternalServiceError) as info:
            sfn.wait(started.execution_arn, deadline_seconds=30)
        assert time.monotonic() - began < 5
        assert isinstance(info.value, TransientError)
    finally:
        private.stop()
