"""Where ECS jobs run: :class:`EcsJobSettings` and :class:`LaunchType`.

Private module; both names are re-exported by :mod:`tradai.common.aws.ecs_jobs` (their
public path; its docstring states the rules the fields follow).
"""

from __future__ import annotations

import enum
import json
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator
from pydantic_settings import NoDecode

from tradai.common.aws._cw_logs_core import validate_log_group_name, validate_log_stream_name
from tradai.common.aws._ecs_names import (
    validate_ecs_reference,
    validate_security_group_ids,
    validate_subnet_ids,
    validate_task_definition_ref,
)
from tradai.common.settings import Settings

__all__ = ["EcsJobSettings", "LaunchType"]


class LaunchType(str, enum.Enum):
    """Where ECS runs the task."""

    FARGATE = "FARGATE"
    EC2 = "EC2"
    EXTERNAL = "EXTERNAL"


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value) if value.startswith("[") else value.split(",")
    return value


class EcsJobSettings(Settings):
    """Where and how ECS jobs run; read from the environment (or a config file).

    Example:
        >>> settings = EcsJobSettings.load(
        ...     ecs_cluster="backtests", ecs_task_definition="backtest:3",
        ...     ecs_subnets=["subnet-0123abcd"], ecs_security_groups=["sg-0123abcd"],
        ...     ecs_container_name="backtest")
        >>> settings.ecs_launch_type.value, settings.ecs_assign_public_ip
        ('FARGATE', False)
    """

    ecs_cluster: str = Field(description="Cluster name or ARN.")
    ecs_task_definition: str = Field(description="family, family:revision or ARN.")
    ecs_subnets: Annotated[list[str], NoDecode] = Field(description="awsvpc subnet ids.")
    ecs_security_groups: Annotated[list[str], NoDecode] = Field(description="Security groups.")
    ecs_container_name: str = Field(description="The container the overrides apply to.")
    ecs_assign_public_ip: bool = False
    ecs_launch_type: LaunchType = LaunchType.FARGATE
    ecs_log_group: str = Field(default="", description="awslogs group; from the task def.")
    ecs_log_stream_prefix: str = Field(default="", description="awslogs-stream-prefix.")

    @field_validator("ecs_subnets", "ecs_security_groups", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("ecs_cluster")
    @classmethod
    def _cluster(cls, value: str) -> str:
        return validate_ecs_reference(value, kind="cluster")

    @field_validator("ecs_task_definition")
    @classmethod
    def _task_definition(cls, value: str) -> str:
        return validate_task_definition_ref(value)

    @field_validator("ecs_subnets", "ecs_security_groups")
    @classmethod
    def _ids(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if info.field_name == "ecs_subnets":
            return validate_subnet_ids(value)
        return validate_security_group_ids(value)

    @field_validator("ecs_container_name")
    @classmethod
    def _container(cls, value: str) -> str:
        return validate_ecs_reference(value, kind="container", allow_arn=False)

    @field_validator("ecs_log_group", "ecs_log_stream_prefix")
    @classmethod
    def _logs(cls, value: str, info: ValidationInfo) -> str:
        if value and info.field_name == "ecs_log_group":
            return validate_log_group_name(value)
        return validate_log_stream_name(value) if value else value
