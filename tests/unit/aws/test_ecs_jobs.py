"""ECS job settings from the environment, status mapping, validation before any call."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pydantic
import pytest

from tradai.common.aws.ecs_jobs import (
    ECS_STATUS_TO_JOB_STATUS,
    JOB_ID_TAG,
    AsyncEcsJobManager,
    EcsJobManager,
    EcsJobSettings,
    EcsTaskInfo,
    JobRunner,
    LaunchType,
    _Call,
    _Core,
    job_status_of,
)
from tradai.common.entities.aws import JobStatus
from tradai.common.exceptions import ExternalServiceError, TransientError, ValidationError

SUBNET = "subnet-0123456789abcdef0"
SG = "sg-0123abcd"
TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/jobs/0123456789abcdef0123456789abcdef"

ENV = {
    "ECS_CLUSTER": "jobs",
    "ECS_TASK_DEFINITION": "backtest:3",
    "ECS_SUBNETS": f"{SUBNET},subnet-89abcdef",
    "ECS_SECURITY_GROUPS": f'["{SG}"]',
    "ECS_CONTAINER_NAME": "backtest",
    "ECS_ASSIGN_PUBLIC_IP": "true",
    "ECS_LAUNCH_TYPE": "EC2",
    "ECS_LOG_GROUP": "/ecs/backtest",
    "ECS_LOG_STREAM_PREFIX": "bt",
}


class ExplodingClient:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"AWS was called ({name}) before validation")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    return ENV


def settings(**overrides: Any) -> EcsJobSettings:
    base: dict[str, Any] = {
        "ecs_cluster": "jobs",
        "ecs_task_definition": "backtest",
        "ecs_subnets": [SUBNET],
        "ecs_security_groups": [SG],
        "ecs_container_name": "backtest",
    }
    return EcsJobSettings.load(**{**base, **overrides})


def test_settings_are_read_from_the_environment(env: dict[str, str]) -> None:
    loaded = EcsJobSettings.load()
    assert loaded.ecs_subnets == [SUBNET, "subnet-89abcdef"]
    assert loaded.ecs_security_groups == [SG]
    assert loaded.ecs_assign_public_ip is True
    assert loaded.ecs_launch_type is LaunchType.EC2
    assert (loaded.ecs_log_group, loaded.ecs_log_stream_prefix) == ("/ecs/backtest", "bt")


def test_manager_loads_settings_from_the_environment_when_none_given(
    env: dict[str, str],
) -> None:
    manager = EcsJobManager(client=ExplodingClient())
    assert manager.settings.ecs_cluster == "jobs"
    assert isinstance(manager, JobRunner)


def test_missing_required_settings_fail_naming_the_field(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ENV:
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(pydantic.ValidationError) as info:
        EcsJobSettings.load()
    assert {e["loc"][0] for e in info.value.errors()} >= {"ecs_cluster", "ecs_subnets"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ecs_cluster", "-jobs"),
        ("ecs_cluster", "jobs\n"),
        ("ecs_cluster", "jobs;rm"),
        ("ecs_cluster", "jоbs"),  # Cyrillic o
        ("ecs_cluster", "arn:aws:ecs:us-east-1:123456789012:service/jobs"),
        ("ecs_task_definition", "backtest:0"),
        ("ecs_task_definition", "backtest:"),
        ("ecs_task_definition", " backtest"),
        ("ecs_task_definition", "arn:aws:ecs:us-east-1:123456789012:cluster/x"),
        ("ecs_subnets", []),
        ("ecs_subnets", ["subnet-xyz"]),
        ("ecs_subnets", [f" {SUBNET}"]),
        ("ecs_subnets", [SUBNET, SUBNET]),
        ("ecs_subnets", [f"subnet-{i:08x}" for i in range(17)]),
        ("ecs_security_groups", ["sg-0123ABCD"]),
        ("ecs_security_groups", [f"sg-{i:08x}" for i in range(6)]),
        ("ecs_container_name", "back test"),
        ("ecs_container_name", "arn:aws:ecs:us-east-1:123456789012:container/x"),
        ("ecs_launch_type", "LAMBDA"),
        ("ecs_log_group", "-bad"),
        ("ecs_log_stream_prefix", "bad prefix"),
    ],
)
def test_invalid_settings_are_rejected_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        settings(**{field: value})
    assert info.value.errors()[0]["loc"][0] == field


def test_comma_separated_lists_do_not_strip_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("ECS_SUBNETS", f"{SUBNET}, subnet-89abcdef")
    with pytest.raises(pydantic.ValidationError):
        EcsJobSettings.load()


def test_settings_accept_arns() -> None:
    loaded = settings(
        ecs_cluster="arn:aws:ecs:us-east-1:123456789012:cluster/jobs",
        ecs_task_definition="arn:aws:ecs:us-east-1:123456789012:task-definition/backtest:3",
    )
    assert loaded.ecs_cluster.endswith("cluster/jobs")


@pytest.mark.parametrize(
    ("last_status", "stop_code", "exit_code", "expected"),
    [
        ("PROVISIONING", None, None, JobStatus.PENDING),
        ("PENDING", None, None, JobStatus.PENDING),
        ("ACTIVATING", None, None, JobStatus.PENDING),
        ("RUNNING", None, None, JobStatus.RUNNING),
        ("DEACTIVATING", None, None, JobStatus.RUNNING),
        ("STOPPING", None, None, JobStatus.RUNNING),
        ("DEPROVISIONING", None, None, JobStatus.RUNNING),
        ("SOMETHING_NEW", None, None, JobStatus.PENDING),
        ("STOPPED", "UserInitiated", 0, JobStatus.CANCELLED),
        ("STOPPED", "EssentialContainerExited", 0, JobStatus.COMPLETED),
        ("STOPPED", "EssentialContainerExited", 1, JobStatus.FAILED),
        ("STOPPED", "TaskFailedToStart", None, JobStatus.FAILED),
        ("STOPPED", None, 0, JobStatus.COMPLETED),
    ],
)
def test_ecs_status_maps_to_job_status(
    last_status: str, stop_code: str | None, exit_code: int | None, expected: JobStatus
) -> None:
    assert job_status_of(last_status, stop_code=stop_code, exit_code=exit_code) is expected


def test_every_mapped_status_can_reach_a_terminal_status() -> None:
    for status in ECS_STATUS_TO_JOB_STATUS.values():
        assert status.can_transition_to(JobStatus.FAILED)


def test_task_info_reads_the_job_container_and_tags() -> None:
    started = datetime(2024, 1, 1, tzinfo=UTC)
    info = EcsTaskInfo.from_api(
        {
            "taskArn": TASK_ARN,
            "lastStatus": "STOPPED",
            "desiredStatus": "STOPPED",
            "stopCode": "EssentialContainerExited",
            "stoppedReason": "",
            "startedAt": started,
            "tags": [{"key": JOB_ID_TAG, "value": "job-7"}],
            "containers": [{"name": "sidecar", "exitCode": 0}, {"name": "backtest", "exitCode": 2}],
        },
        container_name="backtest",
    )
    assert (info.job_id, info.exit_code, info.status) == ("job-7", 2, JobStatus.FAILED)
    assert (info.task_id, info.stopped_reason, info.started_at) == (
        "0123456789abcdef0123456789abcdef",
        None,
        started,
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"job_id": "x" * 37}, "job_id"),
        ({"job_id": "-job"}, "job_id"),
        ({"job_id": "job 1"}, "job_id"),
        ({"job_id": "job\n"}, "job_id"),
        ({"job_id": "jоb"}, "job_id"),  # Cyrillic o
        ({"command": "echo hi"}, "command"),
        ({"command": ["echo", 1]}, "command"),
        ({"command": ["echo", "a\x00b"]}, "command"),
        ({"command": ["x" * 9000]}, "command"),
        ({"environment": {"1BAD": "x"}}, "environment"),
        ({"environment": {"A-B": "x"}}, "environment"),
        ({"environment": {"OK": "a\x00"}}, "environment"),
        ({"environment": {"OK": 1}}, "environment"),
    ],
)
def test_run_job_validates_before_any_call(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"job_id": "job-1", **kwargs}
    manager = EcsJobManager(settings(), client=ExplodingClient())
    with pytest.raises(ValidationError) as info:
        manager.run_job(args.pop("job_id"), **args)
    assert info.value.field == field


@pytest.mark.parametrize(
    "task",
    ["", "not-a-task", "0123", TASK_ARN + "\n", TASK_ARN.replace("task/", "service/"), None],
)
def test_task_references_are_validated_before_any_call(task: object) -> None:
    manager = EcsJobManager(settings(), client=ExplodingClient())
    with pytest.raises(ValidationError):
        manager.describe(task)  # type: ignore[arg-type]  # wrong types on purpose


@pytest.mark.parametrize("reason", ["x" * 256, "bad\x00reason", 5])
def test_stop_reason_is_validated_before_any_call(reason: object) -> None:
    manager = EcsJobManager(settings(), client=ExplodingClient())
    with pytest.raises(ValidationError) as info:
        manager.stop_job(TASK_ARN, reason=reason)  # type: ignore[arg-type]  # wrong on purpose
    assert info.value.field == "reason"


@pytest.mark.parametrize("status", [[], ["finished"], "finished"])
def test_wait_until_rejects_unknown_statuses(status: object) -> None:
    manager = EcsJobManager(settings(), client=ExplodingClient())
    with pytest.raises(ValidationError):
        manager.wait_until(TASK_ARN, status)  # type: ignore[arg-type]  # wrong on purpose


def test_log_location_comes_from_settings_without_a_call() -> None:
    manager = EcsJobManager(
        settings(ecs_log_group="/ecs/bt", ecs_log_stream_prefix="bt"), client=ExplodingClient()
    )
    assert manager.log_location(TASK_ARN) == (
        "/ecs/bt",
        "bt/backtest/0123456789abcdef0123456789abcdef",
    )


def test_async_manager_validates_before_any_call() -> None:
    manager = AsyncEcsJobManager(settings(), client=ExplodingClient())

    async def main() -> None:
        with pytest.raises(ValidationError):
            await manager.run_job("bad id")
        await manager.aclose()

    asyncio.run(main())


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("RESOURCE:MEMORY", TransientError),
        ("AGENT", TransientError),
        ("MISSING", ExternalServiceError),
    ],
)
def test_run_task_failures_translate_by_what_the_caller_should_do(
    reason: str, error: type[Exception]
) -> None:
    # RunTask answers capacity failures in-band; no emulator produces them, so the I/O-free
    # core is driven by hand with ECS's documented answer.
    flow = _Core(settings(), clock=lambda: 0.0).run_job("job-1", None, None)
    call = next(flow)
    assert isinstance(call, _Call)
    assert call.params["startedBy"] == "job-1"
    assert (
        call.params["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "DISABLED"
    )
    with pytest.raises(error) as info:
        flow.send({"tasks": [], "failures": [{"arn": "x", "reason": reason}]})
    assert isinstance(info.value, ExternalServiceError)
    assert info.value.context["reason"] == reason
