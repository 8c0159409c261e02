"""Deploy a new image to an ECS service: new task-definition revision, update, wait.

:meth:`EcsDeployer.deploy` does, in order:

1. validates the image (:func:`~tradai.common.validators.validate_ecr_image_url`), the
   service and container names — before any call;
2. reads the service's current task definition (the *old* revision);
3. copies the family's latest ``ACTIVE`` revision (every registrable field, container
   definitions deep-copied, tags kept), swaps the named container's image and registers
   it as a new revision;
4. points the service at the new revision (``UpdateService``);
5. polls ``DescribeServices`` with backoff until the service is stable — it runs the new
   revision, has a single deployment, ``runningCount == desiredCount`` — or the deadline
   passes (:class:`~tradai.common.exceptions.TransientError`); a deployment whose
   ``rolloutState`` is ``FAILED`` (circuit breaker) raises
   :class:`~tradai.common.exceptions.ExternalServiceError` at once.

It returns a frozen :class:`DeploymentResult` holding the old and new revision ARNs, so a
caller can roll back by deploying the old ARN's image. Nothing is rolled back automatically.

Decisions where the specification is silent:

* The cluster comes from the caller (its settings); service and container names follow
  ECS's rule (1-255 letters, digits, ``-`` and ``_``), a cluster may also be an ARN.
* A new revision is registered even when the image is unchanged (a redeploy).
* moto never starts a service's tasks: a service with ``desiredCount`` 0 is stable at
  once, one with a positive count stays at ``runningCount`` 0 (unless the server runs with
  ``MOTO_ECS_SERVICE_RUNNING``), and its deployment list never changes.

Example:
    >>> result = DeploymentResult(
    ...     cluster="prod", service="api", container_name="app",
    ...     image="123456789012.dkr.ecr.us-east-1.amazonaws.com/api:2", previous_image=None,
    ...     old_task_definition_arn="arn:aws:ecs:us-east-1:123456789012:task-definition/api:1",
    ...     new_task_definition_arn="arn:aws:ecs:us-east-1:123456789012:task-definition/api:2",
    ...     stable=True)
    >>> result.new_revision
    2
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from tradai.common.aws._ecs_names import validate_ecs_reference
from tradai.common.aws._polling import PollPolicy
from tradai.common.aws.errors import translate_aws_error
from tradai.common.exceptions import (
    ExternalServiceError,
    NotFoundError,
    TransientError,
    ValidationError,
)
from tradai.common.validators import validate_ecr_image_url

if TYPE_CHECKING:
    from tradai.common.aws._client_factory import ClientFactory

__all__ = ["DeploymentResult", "EcsDeployer", "ServiceDeployer", "validate_ecs_reference"]

_SERVICE = "ecs"
#: ``DescribeTaskDefinition`` fields that ``RegisterTaskDefinition`` accepts back.
_REGISTRABLE = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "ephemeralStorage",
    "runtimePlatform",
    "enableFaultInjection",
)
_DEFAULT_POLICY = PollPolicy(timeout=900.0, interval=5.0, max_interval=30.0)


@dataclass(frozen=True, slots=True)
class DeploymentResult:
    """What a deployment did.

    Attributes:
        cluster: The cluster.
        service: The service.
        container_name: The container whose image changed.
        image: The image deployed.
        previous_image: That container's image in the revision copied.
        old_task_definition_arn: The revision the service ran before.
        new_task_definition_arn: The revision registered and deployed.
        stable: Whether the service was seen stable (``False`` when not waited for).
    """

    cluster: str
    service: str
    container_name: str
    image: str
    previous_image: str | None
    old_task_definition_arn: str
    new_task_definition_arn: str
    stable: bool

    @property
    def new_revision(self) -> int:
        """The revision number of the new task definition."""
        return int(self.new_task_definition_arn.rsplit(":", 1)[-1])


@runtime_checkable
class ServiceDeployer(Protocol):
    """The deployment port: put an image into a running service."""

    def deploy(
        self, service: str, *, image: str, container_name: str, wait: bool = ...
    ) -> DeploymentResult:
        """Deploy ``image`` as ``container_name`` of ``service``."""
        ...


def _checked(value: str, field: str, kind: str, *, allow_arn: bool = False) -> str:
    try:
        return validate_ecs_reference(value, kind=kind, allow_arn=allow_arn)
    except ValueError as exc:
        raise ValidationError(f"invalid {field}: {exc}", field=field) from exc


def _image(value: str) -> str:
    try:
        return validate_ecr_image_url(value)
    except ValueError as exc:
        raise ValidationError(f"invalid image: {exc}", field="image") from exc


def _registration(
    definition: Mapping[str, Any], tags: list[Any], container_name: str, image: str
) -> tuple[dict[str, Any], str | None]:
    params = {key: copy.deepcopy(definition[key]) for key in _REGISTRABLE if key in definition}
    containers = [
        c for c in params.get("containerDefinitions", []) if c.get("name") == container_name
    ]
    if not containers:
        raise NotFoundError(
            f"task definition {definition.get('taskDefinitionArn')} has no container "
            f"{container_name!r}",
            resource="container",
            key=container_name,
        )
    previous = containers[0].get("image")
    containers[0]["image"] = image
    if tags:
        params["tags"] = tags
    return params, previous


class EcsDeployer:
    """Deploys images to ECS services through a boto3 client.

    Args:
        cluster: The cluster name or ARN (from settings).
        client: A boto3 ``ecs`` client (default: ``factory``'s, else the library's).
        factory: The client factory to take the client from.
        clock: Monotonic clock in seconds (deadlines).
        sleep: Function that waits the given seconds.

    Raises:
        ValidationError: If the cluster is malformed.

    Example:
        >>> isinstance(EcsDeployer(cluster="prod"), ServiceDeployer)
        True
    """

    def __init__(
        self,
        *,
        cluster: str,
        client: Any = None,
        factory: ClientFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._cluster = _checked(cluster, "cluster", "cluster", allow_arn=True)
        self._client = client
        self._factory = factory
        self._clock, self._sleep = clock, sleep

    @property
    def cluster(self) -> str:
        """The cluster deployments go to."""
        return self._cluster

    def _call(self, operation: str, resource: str, **params: Any) -> Any:
        if self._client is None:
            if self._factory is None:
                from tradai.common.aws._client_factory import default_factory

                self._factory = default_factory()
            self._client = self._factory.client(_SERVICE)
        method = getattr(self._client, operation)
        try:
            return method(**params)
        except Exception as exc:
            raise translate_aws_error(exc, service=_SERVICE, resource=resource) from exc

    def describe_service(self, service: str) -> dict[str, Any]:
        """Return the service as ``DescribeServices`` reports it.

        Args:
            service: The service name.

        Returns:
            The service description.

        Raises:
            NotFoundError: If the cluster has no such active service.
        """
        name = _checked(service, "service", "service")
        response = self._call("describe_services", name, cluster=self._cluster, services=[name])
        found = [s for s in response.get("services") or [] if s.get("status") == "ACTIVE"]
        if not found:
            raise NotFoundError(
                f"ECS service {name} not found in {self._cluster}", resource="ecs service", key=name
            )
        return dict(found[0])

    def deploy(
        self,
        service: str,
        *,
        image: str,
        container_name: str,
        wait: bool = True,
        policy: PollPolicy = _DEFAULT_POLICY,
    ) -> DeploymentResult:
        """Register a revision with ``image`` for ``container_name`` and roll the service to it.

        Args:
            service: The service name.
            image: The ECR image URL to deploy.
            container_name: The container whose image is replaced.
            wait: Wait until the service is stable.
            policy: Deadline and backoff of the wait (default: 15 min; 5 s growing to 30 s).

        Returns:
            The result, with the old and new revision ARNs.

        Raises:
            ValidationError: For a bad image, service or container name (before any call).
            NotFoundError: If the service, or the container in its task definition, is missing.
            TransientError: If the service is not stable by the deadline.
            ExternalServiceError: If ECS reports the rollout failed.
        """
        new_image, container = (
            _image(image),
            _checked(container_name, "container_name", "container"),
        )
        old_arn = str(self.describe_service(service)["taskDefinition"])
        family = old_arn.rsplit("/", 1)[-1].rsplit(":", 1)[0]
        latest = self._call(
            "describe_task_definition", family, taskDefinition=family, include=["TAGS"]
        )
        params, previous = _registration(
            latest["taskDefinition"], latest.get("tags") or [], container, new_image
        )
        registered = self._call("register_task_definition", family, **params)
        new_arn = str(registered["taskDefinition"]["taskDefinitionArn"])
        self._call(
            "update_service",
            service,
            cluster=self._cluster,
            service=service,
            taskDefinition=new_arn,
        )
        if wait:
            self.wait_until_stable(service, task_definition_arn=new_arn, policy=policy)
        return DeploymentResult(
            cluster=self._cluster,
            service=service,
            container_name=container,
            image=new_image,
            previous_image=previous,
            old_task_definition_arn=old_arn,
            new_task_definition_arn=new_arn,
            stable=wait,
        )

    def wait_until_stable(
        self,
        service: str,
        *,
        task_definition_arn: str,
        policy: PollPolicy = _DEFAULT_POLICY,
    ) -> dict[str, Any]:
        """Poll the service with backoff until it runs ``task_definition_arn`` stably.

        Args:
            service: The service name.
            task_definition_arn: The revision the service must run.
            policy: Deadline and backoff.

        Returns:
            The stable service description.

        Raises:
            TransientError: If the deadline passes first.
            ExternalServiceError: If the primary deployment's rollout failed.
        """
        deadline, interval, seen = self._clock() + policy.timeout, policy.interval, None
        while True:
            described = self.describe_service(service)
            if _is_stable(described, task_definition_arn):
                return described
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise TransientError(
                    f"service {service} was not stable before the deadline",
                    service=_SERVICE,
                    operation="wait_until_stable",
                    context={"resource": service, "task_definition": task_definition_arn},
                )
            progress = (described.get("runningCount"), len(described.get("deployments") or []))
            interval = policy.next_interval(interval, progressed=progress != seen)
            seen = progress
            self._sleep(min(interval, remaining))


def _is_stable(service: Mapping[str, Any], task_definition_arn: str) -> bool:
    deployments = service.get("deployments") or []
    for deployment in deployments:
        if deployment.get("status") == "PRIMARY" and deployment.get("rolloutState") == "FAILED":
            raise ExternalServiceError(
                f"deployment of {task_definition_arn} failed: "
                f"{deployment.get('rolloutStateReason', 'no reason given')}",
                service=_SERVICE,
                operation="UpdateService",
                context={
                    "resource": service.get("serviceName"),
                    "deployment": deployment.get("id"),
                },
            )
    return (
        service.get("taskDefinition") == task_definition_arn
        and len(deployments) <= 1
        and service.get("runningCount") == service.get("desiredCount")
    )
