"""ECS deploy: input validation before any call, revision copying, stability rule."""

from __future__ import annotations

from typing import Any

import pytest

from tradai.common.aws.ecs_deploy import (
    DeploymentResult,
    EcsDeployer,
    ServiceDeployer,
    _is_stable,
    _registration,
    validate_ecs_reference,
)
from tradai.common.exceptions import ExternalServiceError, NotFoundError, ValidationError

IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:2.0"
NEW_ARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/api:2"


class ExplodingClient:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"AWS was called ({name}) before validation")


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("prod", "cluster"),
        ("api_v2-blue", "service"),
        ("arn:aws:ecs:us-east-1:123456789012:cluster/prod", "cluster"),
    ],
)
def test_valid_ecs_references_are_accepted(value: str, kind: str) -> None:
    assert validate_ecs_reference(value, kind=kind) == value


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", "service"),
        ("-api", "service"),
        ("api\n", "service"),
        ("api ", "service"),
        ("api;ls", "service"),
        ("api$", "service"),
        ("аpi", "service"),  # Cyrillic a
        ("x" * 256, "service"),
        ("arn:aws:ecs:us-east-1:123456789012:service/prod", "cluster"),
        ("arn:aws:s3:::bucket", "cluster"),
        (None, "cluster"),
    ],
)
def test_near_miss_ecs_references_are_rejected(value: object, kind: str) -> None:
    with pytest.raises(ValueError, match=r"ECS|ARN|string"):
        validate_ecs_reference(value, kind=kind)  # type: ignore[arg-type]  # wrong on purpose


def test_cluster_arn_is_refused_where_only_names_are_allowed() -> None:
    with pytest.raises(ValueError, match="ECS container name"):
        validate_ecs_reference(
            "arn:aws:ecs:us-east-1:123456789012:container/x", kind="container", allow_arn=False
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"image": "nginx:latest"}, "image"),
        ({"image": IMAGE + "\n"}, "image"),
        ({"image": IMAGE.replace("api", "API")}, "image"),
        ({"container_name": "app;rm"}, "container_name"),
        ({"service": "-api"}, "service"),
    ],
)
def test_deploy_validates_before_any_call(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {"service": "api", "image": IMAGE, "container_name": "app", **kwargs}
    deployer = EcsDeployer(cluster="prod", client=ExplodingClient())
    with pytest.raises(ValidationError) as info:
        deployer.deploy(args.pop("service"), **args)
    assert info.value.field == field


def test_a_malformed_cluster_is_refused_on_construction() -> None:
    with pytest.raises(ValidationError) as info:
        EcsDeployer(cluster="prod cluster")
    assert info.value.field == "cluster"
    assert isinstance(EcsDeployer(cluster="prod"), ServiceDeployer)


def test_registration_copies_the_revision_and_swaps_only_the_named_image() -> None:
    definition: dict[str, Any] = {
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1",
        "family": "api",
        "revision": 1,
        "status": "ACTIVE",
        "cpu": "256",
        "containerDefinitions": [
            {"name": "app", "image": "old:1", "environment": [{"name": "A", "value": "1"}]},
            {"name": "proxy", "image": "envoy:1"},
        ],
    }
    params, previous = _registration(definition, [{"key": "team", "value": "t"}], "app", IMAGE)
    assert previous == "old:1"
    assert set(params) == {"family", "cpu", "containerDefinitions", "tags"}
    assert [c["image"] for c in params["containerDefinitions"]] == [IMAGE, "envoy:1"]
    assert definition["containerDefinitions"][0]["image"] == "old:1"  # deep copy


def test_registration_of_a_missing_container_is_not_found() -> None:
    with pytest.raises(NotFoundError) as info:
        _registration({"containerDefinitions": [{"name": "app"}]}, [], "web", IMAGE)
    assert info.value.key == "web"


@pytest.mark.parametrize(
    ("revision", "deployments", "running", "desired", "stable"),
    [
        (NEW_ARN, 1, 2, 2, True),
        (NEW_ARN, 0, 0, 0, True),
        (NEW_ARN, 2, 2, 2, False),
        (NEW_ARN, 1, 1, 2, False),
        ("old", 1, 2, 2, False),
    ],
)
def test_stability_needs_the_new_revision_one_deployment_and_full_count(
    revision: str, deployments: int, running: int, desired: int, stable: bool
) -> None:
    service = {
        "taskDefinition": revision,
        "deployments": [{"status": "PRIMARY"}] * deployments,
        "runningCount": running,
        "desiredCount": desired,
    }
    assert _is_stable(service, NEW_ARN) is stable


def test_a_failed_rollout_raises_at_once() -> None:
    service = {
        "serviceName": "api",
        "taskDefinition": NEW_ARN,
        "deployments": [{"id": "d1", "status": "PRIMARY", "rolloutState": "FAILED"}],
    }
    with pytest.raises(ExternalServiceError, match="failed"):
        _is_stable(service, NEW_ARN)


def test_deployment_result_is_frozen_and_knows_its_revision() -> None:
    result = DeploymentResult(
        cluster="prod",
        service="api",
        container_name="app",
        image=IMAGE,
        previous_image="old:1",
        old_task_definition_arn=NEW_ARN.replace(":2", ":1"),
        new_task_definition_arn=NEW_ARN,
        stable=True,
    )
    assert result.new_revision == 2
    with pytest.raises(AttributeError):
        result.stable = False  # type: ignore[misc]  # proving immutability
