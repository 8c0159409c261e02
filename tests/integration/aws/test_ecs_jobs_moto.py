"""ECS job lifecycle against the moto server: run, watch, stream logs, stop.

moto quirks handled here (see /work/shared/TESTING.md): tasks advance one state per
``DescribeTasks`` unless the state manager is set to manual progression; ``RunTask`` needs
a container-level ``memory``, security groups, and a subnet of the default VPC.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service
from tradai.common.aws._async_client_factory import AsyncClientFactory
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.cloudwatch_logs import PollPolicy
from tradai.common.aws.ecs_jobs import (
    JOB_ID_TAG,
    AsyncEcsJobManager,
    EcsJobManager,
    EcsJobSettings,
)
from tradai.common.entities.aws import JobStatus
from tradai.common.exceptions import (
    ConfigurationError,
    ExternalServiceError,
    NotFoundError,
    TransientError,
)

pytestmark = pytest.mark.integration

CLUSTER, FAMILY, CONTAINER = "tradai-jobs", "backtest", "runner"
LOG_GROUP, PREFIX = "/ecs/tradai-backtest", "bt"
IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/backtest:1.0"


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def manual_task_progression(url: str) -> None:
    """Make moto keep ECS tasks in their state until told otherwise (stop_task)."""
    body = {"model_name": "ecs::task", "transition": {"progression": "manual", "times": 10**9}}
    request = urllib.request.Request(
        f"{url}/moto-api/state-manager/set-transition",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):
        pass


def network(factory: ClientFactory) -> tuple[str, str]:
    ec2 = factory.client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]
    subnets = ec2.describe_subnets(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "default-for-az", "Values": ["true"]},
        ]
    )["Subnets"]
    groups = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]
    return subnets[0]["SubnetId"], groups[0]["GroupId"]


def register(factory: ClientFactory, *, awslogs: bool = True) -> None:
    ecs = factory.client("ecs")
    ecs.create_cluster(clusterName=CLUSTER)
    container: dict[str, Any] = {"name": CONTAINER, "image": IMAGE, "memory": 512}
    if awslogs:
        container["logConfiguration"] = {
            "logDriver": "awslogs",
            "options": {"awslogs-group": LOG_GROUP, "awslogs-stream-prefix": PREFIX},
        }
    ecs.register_task_definition(
        family=FAMILY,
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[container],
    )


@pytest.fixture
def factory(aws: Service) -> ClientFactory:
    manual_task_progression(aws.url)
    built = ClientFactory(config=ClientConfig(max_attempts=1))
    register(built)
    built.client("logs").create_log_group(logGroupName=LOG_GROUP)
    return built


@pytest.fixture
def env(factory: ClientFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    subnet, group = network(factory)
    values = {
        "ECS_CLUSTER": CLUSTER,
        "ECS_TASK_DEFINITION": FAMILY,
        "ECS_SUBNETS": subnet,
        "ECS_SECURITY_GROUPS": group,
        "ECS_CONTAINER_NAME": CONTAINER,
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def put_logs(factory: ClientFactory, stream: str, messages: list[str]) -> None:
    logs = factory.client("logs")
    logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
    now = int(time.time() * 1000)
    logs.put_log_events(
        logGroupName=LOG_GROUP,
        logStreamName=stream,
        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(messages)],
    )


def test_job_lifecycle_run_running_logs_stop_stopped(
    factory: ClientFactory, env: dict[str, str]
) -> None:
    fake = FakeTime()
    manager = EcsJobManager(factory=factory, clock=fake.clock, sleep=fake.sleep)
    task = manager.run_job("job-42", command=["python", "-m", "bt"], environment={"MODE": "x"})

    running = manager.wait_until(task, JobStatus.RUNNING, policy=PollPolicy(timeout=60))
    assert (running.job_id, running.last_status, running.status) == ("job-42", "RUNNING", "running")
    described = factory.client("ecs").describe_tasks(
        cluster=CLUSTER, tasks=[task], include=["TAGS"]
    )
    sent = described["tasks"][0]
    assert sent["overrides"]["containerOverrides"][0]["command"] == ["python", "-m", "bt"]
    assert {"key": JOB_ID_TAG, "value": "job-42"} in sent["tags"]

    group, stream = manager.log_location(task)  # from the task definition's awslogs options
    assert (group, stream) == (LOG_GROUP, f"{PREFIX}/{CONTAINER}/{running.task_id}")
    put_logs(factory, stream, ["starting", "trades: 12", "done"])

    polls: list[int] = []

    def stop_after_second_poll(seconds: float) -> None:
        fake.sleep(seconds)
        polls.append(1)
        if len(polls) == 2:
            manager.stop_job(task, reason="test finished")

    streamer = EcsJobManager(factory=factory, clock=fake.clock, sleep=stop_after_second_poll)
    messages = [e.message for e in streamer.stream_logs(task, policy=PollPolicy(timeout=60))]
    assert messages == ["starting", "trades: 12", "done"]

    finished = [JobStatus.COMPLETED, JobStatus.CANCELLED, JobStatus.FAILED]
    stopped = manager.wait_until(task, finished)
    assert stopped.last_status == "STOPPED"
    # AWS reports stopCode UserInitiated (CANCELLED); moto sets none and exit code 0
    assert stopped.status in {JobStatus.CANCELLED, JobStatus.COMPLETED}
    assert stopped.stopped_reason == "test finished"
    assert manager.status(task) is stopped.status


def test_waiting_for_running_on_a_stopped_task_fails_at_once(
    factory: ClientFactory, env: dict[str, str]
) -> None:
    manager = EcsJobManager(factory=factory)
    task = manager.run_job("job-1")
    stopped = manager.stop_job(task)
    assert stopped.last_status == "STOPPED"
    with pytest.raises(ExternalServiceError) as info:
        manager.wait_until(task, JobStatus.RUNNING)
    assert info.value.context["last_status"] == "STOPPED"


def test_waiting_past_the_deadline_is_transient(
    factory: ClientFactory, env: dict[str, str]
) -> None:
    fake = FakeTime()
    manager = EcsJobManager(factory=factory, clock=fake.clock, sleep=fake.sleep)
    task = manager.run_job("job-2")
    policy = PollPolicy(timeout=20, interval=2, max_interval=8)
    with pytest.raises(TransientError) as info:
        manager.wait_until(task, JobStatus.COMPLETED, policy=policy)
    assert info.value.context["resource"] == task
    assert fake.sleeps == [2.0, 4.0, 8.0, 6.0]  # backoff while lastStatus stays RUNNING
    assert fake.now == pytest.approx(20.0)


def test_unknown_task_and_cluster_are_not_found(
    factory: ClientFactory, env: dict[str, str]
) -> None:
    manager = EcsJobManager(factory=factory)
    with pytest.raises(NotFoundError):
        manager.describe("0123456789abcdef0123456789abcdef")
    settings = EcsJobSettings.load(ecs_cluster="no-such-cluster")
    with pytest.raises(NotFoundError) as info:
        EcsJobManager(settings, factory=factory).run_job("job-3")
    assert info.value.context["operation"] == "RunTask"


def test_logs_need_a_configured_location(aws: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    factory = ClientFactory(config=ClientConfig(max_attempts=1))
    register(factory, awslogs=False)
    subnet, group = network(factory)
    settings = EcsJobSettings.load(
        ecs_cluster=CLUSTER,
        ecs_task_definition=FAMILY,
        ecs_subnets=[subnet],
        ecs_security_groups=[group],
        ecs_container_name=CONTAINER,
    )
    manager = EcsJobManager(settings, factory=factory)
    with pytest.raises(ConfigurationError):
        manager.log_location("0123456789abcdef0123456789abcdef")


def test_throttled_ecs_calls_surface_as_transient(
    factory: ClientFactory, env: dict[str, str]
) -> None:
    client = ClientFactory(config=ClientConfig(max_attempts=2)).client("ecs")
    manager = EcsJobManager(client=client)
    with inject_aws_error(client, code="ThrottlingException", status=400) as record:
        with pytest.raises(TransientError) as info:
            manager.run_job("job-4")
    assert record.injected == 2
    assert (info.value.context["operation"], info.value.context["resource"]) == ("RunTask", CLUSTER)


def test_async_manager_runs_streams_and_stops_a_job(
    factory: ClientFactory, env: dict[str, str]
) -> None:
    async def main() -> tuple[list[str], str]:
        async_factory = AsyncClientFactory(config=ClientConfig(max_attempts=1))
        manager = AsyncEcsJobManager(factory=async_factory, sleep=_no_wait)
        task = await manager.run_job("job-async")
        assert (await manager.wait_until(task, JobStatus.RUNNING)).status is JobStatus.RUNNING
        _, stream = await manager.log_location(task)
        put_logs(factory, stream, ["async hello"])
        await manager.stop_job(task, reason="done")
        messages = [e.message async for e in manager.stream_logs(task)]
        status = (await manager.describe(task)).last_status
        assert await manager.status(task) in {JobStatus.COMPLETED, JobStatus.CANCELLED}
        await async_factory.aclose()
        return messages, status

    assert asyncio.run(main()) == (["async hello"], "STOPPED")


async def _no_wait(_: float) -> None:
    return None


def test_managers_default_to_the_library_clients(
    factory: ClientFactory, env: dict[str, str]
) -> None:
    manager = EcsJobManager()  # settings from the environment, clients from the default factory
    task = manager.run_job("job-default")
    assert manager.status(task) is JobStatus.RUNNING

    async def main() -> tuple[JobStatus, type[Exception]]:
        private = AsyncEcsJobManager()  # opens (and closes) its own async factory
        try:
            status = await private.status(task)
            with pytest.raises(NotFoundError) as info:
                await private.describe("0123456789abcdef0123456789abcdef")
            elsewhere = AsyncEcsJobManager(EcsJobSettings.load(ecs_cluster="nowhere"))
            assert elsewhere.settings.ecs_cluster == "nowhere"
            with pytest.raises(NotFoundError) as missing:
                await elsewhere.run_job("job-nowhere")  # ClusterNotFoundException, translated
            assert missing.value.context["operation"] == "RunTask"
            await elsewhere.aclose()
            return status, type(info.value)
        finally:
            await private.aclose()

    assert asyncio.run(main()) == (JobStatus.RUNNING, NotFoundError)


def test_async_wait_backs_off_until_the_deadline(
    factory: ClientFactory, env: dict[str, str]
) -> None:
    fake = FakeTime()

    async def sleep(seconds: float) -> None:
        fake.sleep(seconds)

    async def main() -> list[float]:
        async_factory = AsyncClientFactory(config=ClientConfig(max_attempts=1))
        ecs = await async_factory.client("ecs")
        manager = AsyncEcsJobManager(client=ecs, clock=fake.clock, sleep=sleep)
        try:
            task = await manager.run_job("job-wait")
            with pytest.raises(TransientError):
                await manager.wait_until(task, JobStatus.COMPLETED, policy=PollPolicy(timeout=7))
        finally:
            await manager.aclose()  # a given client is left open...
            await async_factory.aclose()  # ...and closed by its owner
        return fake.sleeps

    assert asyncio.run(main()) == [1.0, 2.0, 4.0]
