"""ECS deployments against the moto server.

moto never starts a service's tasks: a service with ``desiredCount`` 0 is stable at once,
one with a positive count keeps ``runningCount`` 0, so its deployment never settles.
"""

from __future__ import annotations

from typing import Any

import pytest

from support.faults import inject_aws_error
from support.services import Service
from tradai.common.aws._client_factory import ClientConfig, ClientFactory
from tradai.common.aws.cloudwatch_logs import PollPolicy
from tradai.common.aws.ecs_deploy import EcsDeployer
from tradai.common.exceptions import NotFoundError, TransientError

pytestmark = pytest.mark.integration

CLUSTER = "tradai-prod"
OLD_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/strategy:1.0"
NEW_IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/strategy:1.1"
TD_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/strategy"


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def ecs(aws: Service) -> Any:
    client = ClientFactory(config=ClientConfig(max_attempts=1)).client("ecs")
    client.create_cluster(clusterName=CLUSTER)
    client.register_task_definition(
        family="strategy",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        executionRoleArn="arn:aws:iam::123456789012:role/exec",
        containerDefinitions=[
            {"name": "app", "image": OLD_IMAGE, "memory": 512, "essential": True},
            {"name": "proxy", "image": "envoyproxy/envoy:v1", "memory": 64},
        ],
        tags=[{"key": "team", "value": "quant"}],
    )
    for name, count in (("idle", 0), ("busy", 2)):
        client.create_service(
            cluster=CLUSTER, serviceName=name, taskDefinition="strategy:1", desiredCount=count
        )
    return client


def test_deploy_registers_a_copy_with_the_new_image_and_updates_the_service(ecs: Any) -> None:
    result = EcsDeployer(cluster=CLUSTER, client=ecs).deploy(
        "idle", image=NEW_IMAGE, container_name="app"
    )
    assert result.old_task_definition_arn == f"{TD_ARN}:1"
    assert result.new_task_definition_arn == f"{TD_ARN}:2"
    assert (result.previous_image, result.image, result.stable) == (OLD_IMAGE, NEW_IMAGE, True)

    new = ecs.describe_task_definition(taskDefinition=f"{TD_ARN}:2", include=["TAGS"])
    images = {c["name"]: c["image"] for c in new["taskDefinition"]["containerDefinitions"]}
    assert images == {"app": NEW_IMAGE, "proxy": "envoyproxy/envoy:v1"}
    assert new["taskDefinition"]["executionRoleArn"] == "arn:aws:iam::123456789012:role/exec"
    assert new["taskDefinition"]["cpu"] == "256"
    assert new["tags"] == [{"key": "team", "value": "quant"}]
    service = ecs.describe_services(cluster=CLUSTER, services=["idle"])["services"][0]
    assert service["taskDefinition"] == f"{TD_ARN}:2"


def test_the_latest_revision_is_copied_even_if_the_service_runs_an_older_one(ecs: Any) -> None:
    deployer = EcsDeployer(cluster=CLUSTER, client=ecs)
    deployer.deploy("idle", image=NEW_IMAGE, container_name="app", wait=False)
    again = deployer.deploy("busy", image=NEW_IMAGE, container_name="proxy", wait=False)
    assert again.old_task_definition_arn == f"{TD_ARN}:1"
    assert again.new_task_definition_arn == f"{TD_ARN}:3"
    assert again.previous_image == "envoyproxy/envoy:v1"
    assert again.stable is False
    latest = ecs.describe_task_definition(taskDefinition=f"{TD_ARN}:3")["taskDefinition"]
    images = {c["name"]: c["image"] for c in latest["containerDefinitions"]}
    assert images == {"app": NEW_IMAGE, "proxy": NEW_IMAGE}  # built on revision 2


def test_a_service_that_never_settles_times_out_as_transient(ecs: Any) -> None:
    fake = FakeTime()
    deployer = EcsDeployer(cluster=CLUSTER, client=ecs, clock=fake.clock, sleep=fake.sleep)
    with pytest.raises(TransientError) as info:
        deployer.deploy(
            "busy",
            image=NEW_IMAGE,
            container_name="app",
            policy=PollPolicy(timeout=60, interval=5, max_interval=20),
        )
    assert info.value.context["task_definition"] == f"{TD_ARN}:2"
    assert fake.sleeps == [5.0, 10.0, 20.0, 20.0, 5.0]
    # the new revision is registered and the service points at it, ready for a rollback
    assert (
        ecs.describe_services(cluster=CLUSTER, services=["busy"])["services"][0]["taskDefinition"]
        == f"{TD_ARN}:2"
    )


def test_missing_service_container_and_cluster_are_not_found(ecs: Any) -> None:
    deployer = EcsDeployer(cluster=CLUSTER, client=ecs)
    with pytest.raises(NotFoundError):
        deployer.deploy("missing", image=NEW_IMAGE, container_name="app")
    with pytest.raises(NotFoundError) as info:
        deployer.deploy("idle", image=NEW_IMAGE, container_name="worker")
    assert info.value.key == "worker"
    with pytest.raises(NotFoundError):
        EcsDeployer(cluster="nowhere", client=ecs).describe_service("idle")


def test_throttling_surfaces_as_transient(ecs: Any) -> None:
    client = ClientFactory(config=ClientConfig(max_attempts=2)).client("ecs")
    with inject_aws_error(client, code="ThrottlingException", status=400) as record:
        with pytest.raises(TransientError) as info:
            EcsDeployer(cluster=CLUSTER, client=client).deploy(
                "idle", image=NEW_IMAGE, container_name="app"
            )
    assert record.injected == 2
    assert info.value.context["operation"] == "DescribeServices"
    assert info.value.context["resource"] == "idle"


def test_the_default_client_comes_from_the_factory(ecs: Any) -> None:
    factory = ClientFactory(config=ClientConfig(max_attempts=1))
    deployer = EcsDeployer(cluster=CLUSTER, factory=factory)
    assert deployer.describe_service("idle")["serviceName"] == "idle"
    assert deployer.cluster == CLUSTER


def test_revisions_without_tags_and_the_library_client(ecs: Any) -> None:
    ecs.register_task_definition(
        family="plain", containerDefinitions=[{"name": "app", "image": OLD_IMAGE, "memory": 64}]
    )
    ecs.create_service(cluster=CLUSTER, serviceName="plain", taskDefinition="plain", desiredCount=0)
    result = EcsDeployer(cluster=CLUSTER).deploy("plain", image=NEW_IMAGE, container_name="app")
    assert result.new_revision == 2
    assert ecs.describe_task_definition(taskDefinition="plain", include=["TAGS"]).get("tags") in (
        None,
        [],
    )
