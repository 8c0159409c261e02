"""What ECS identifiers look like: names and ARNs, task ids, task definitions, VPC ids.

Private module, shared by the ECS deployer and the job managers; it imports neither boto3
nor pydantic. :func:`validate_ecs_reference` is re-exported by
:mod:`tradai.common.aws.ecs_deploy` (its public path).

Example:
    >>> validate_task_definition_ref("backtest:3")
    'backtest:3'
    >>> check_task_ref("0123456789abcdef0123456789abcdef")
    '0123456789abcdef0123456789abcdef'
"""

from __future__ import annotations

import re

from tradai.common.exceptions import ValidationError
from tradai.common.validators import validate_arn, validate_ecs_task_family

__all__ = [
    "check_task_ref",
    "validate_ecs_reference",
    "validate_security_group_ids",
    "validate_subnet_ids",
    "validate_task_definition_ref",
]

_SUBNET_RE = re.compile(r"subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})")
_SG_RE = re.compile(r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})")
_TASK_DEF_RE = re.compile(r"([A-Za-z0-9][A-Za-z0-9_-]{0,254})(?::([1-9][0-9]{0,9}))?")
_TASK_ID_RE = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def validate_ecs_reference(value: str, *, kind: str, allow_arn: bool = True) -> str:
    """Validate an ECS name (1-255 letters, digits, ``-``, ``_``) or an ARN of ``kind``.

    Args:
        value: The name or ARN.
        kind: The resource kind (``cluster``, ``service``, ``task``, ``task-definition``,
            ``container``); an ARN's resource part must start with ``<kind>/``.
        allow_arn: Whether an ARN is accepted.

    Returns:
        The value unchanged.

    Raises:
        ValueError: If it is neither.

    Example:
        >>> validate_ecs_reference("prod-cluster", kind="cluster")
        'prod-cluster'
    """
    if allow_arn and isinstance(value, str) and value.startswith("arn:"):
        validate_arn(value, service="ecs")
        if not value.split(":", 5)[5].startswith(f"{kind}/"):
            raise ValueError(f"{value!r:.80} is not an ECS {kind} ARN")
        return value
    try:
        return validate_ecs_task_family(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r:.80} is not an ECS {kind} name") from None


def validate_task_definition_ref(value: str) -> str:
    """Validate a task definition reference: ``family``, ``family:revision`` or an ARN.

    Args:
        value: The reference.

    Returns:
        The value unchanged.

    Raises:
        ValueError: If it is none of those.
    """
    if value.startswith("arn:"):
        validate_ecs_reference(value, kind="task-definition")
    elif not value.isascii() or not _TASK_DEF_RE.fullmatch(value):
        raise ValueError(f"{value!r:.80} is not family[:revision] or a task definition ARN")
    return value


def _id_list(values: list[str], pattern: re.Pattern[str], what: str, most: int) -> list[str]:
    if not 1 <= len(values) <= most or len(set(values)) != len(values):
        raise ValueError(f"give 1-{most} distinct {what} ids")
    for item in values:
        if not pattern.fullmatch(item):
            raise ValueError(f"{item!r:.40} is not a {what} id")
    return values


def validate_subnet_ids(values: list[str]) -> list[str]:
    """Validate 1-16 distinct ``subnet-`` ids (8 or 17 lowercase hex digits).

    Args:
        values: The ids.

    Returns:
        The ids unchanged.

    Raises:
        ValueError: If there are too few or too many, duplicates or a malformed id.
    """
    return _id_list(values, _SUBNET_RE, "subnet", 16)


def validate_security_group_ids(values: list[str]) -> list[str]:
    """Validate 1-5 distinct ``sg-`` ids (8 or 17 lowercase hex digits).

    Args:
        values: The ids.

    Returns:
        The ids unchanged.

    Raises:
        ValueError: If there are too few or too many, duplicates or a malformed id.
    """
    return _id_list(values, _SG_RE, "security group", 5)


def check_task_ref(task: str) -> str:
    """Check a task reference: a task ARN or a bare task id.

    Args:
        task: The task ARN or id.

    Returns:
        The reference unchanged.

    Raises:
        ValidationError: If it is neither (``field="task"``).
    """
    if isinstance(task, str) and task.isascii() and _TASK_ID_RE.fullmatch(task):
        return task
    try:
        if not isinstance(task, str) or not task.startswith("arn:"):
            raise ValueError(f"{task!r:.80} is neither a task ARN nor a task id")
        return validate_ecs_reference(task, kind="task")
    except ValueError as exc:
        raise ValidationError(f"invalid task: {exc}", field="task") from exc
