"""AWS integrations: cached clients, error translation and the adapters built on them.

Importing this package does not import boto3; each name is imported on first use.

Example:
    >>> import tradai.common.aws as aws
    >>> "get_dynamodb_resource" in aws.__all__
    True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradai.common._lazy import lazy_exports

if TYPE_CHECKING:
    from tradai.common.aws._async_client_factory import (
        AsyncClientFactory,
        close_async_clients,
        get_async_client,
        get_async_resource,
    )
    from tradai.common.aws._client_factory import (
        ClientConfig,
        ClientFactory,
        get_client,
        get_cloudwatch_client,
        get_dynamodb_client,
        get_dynamodb_resource,
        get_ecs_client,
        get_logs_client,
        get_resource,
        get_s3_client,
        get_s3_resource,
        get_secrets_client,
        get_sfn_client,
        get_sns_client,
        get_sqs_client,
        reset_clients,
    )
    from tradai.common.aws.errors import translate_aws_error
    from tradai.common.aws.state_repository import DynamoDBStateRepository, StateRepository

_FACTORY = "tradai.common.aws._client_factory"
_ASYNC = "tradai.common.aws._async_client_factory"
_EXPORTS = {
    "DynamoDBStateRepository": "tradai.common.aws.state_repository",
    "StateRepository": "tradai.common.aws.state_repository",
    "AsyncClientFactory": _ASYNC,
    "close_async_clients": _ASYNC,
    "get_async_client": _ASYNC,
    "get_async_resource": _ASYNC,
    "ClientConfig": _FACTORY,
    "ClientFactory": _FACTORY,
    "get_client": _FACTORY,
    "get_cloudwatch_client": _FACTORY,
    "get_dynamodb_client": _FACTORY,
    "get_dynamodb_resource": _FACTORY,
    "get_ecs_client": _FACTORY,
    "get_logs_client": _FACTORY,
    "get_resource": _FACTORY,
    "get_s3_client": _FACTORY,
    "get_s3_resource": _FACTORY,
    "get_secrets_client": _FACTORY,
    "get_sfn_client": _FACTORY,
    "get_sns_client": _FACTORY,
    "get_sqs_client": _FACTORY,
    "reset_clients": _FACTORY,
    "translate_aws_error": "tradai.common.aws.errors",
}

__all__ = [
    "AsyncClientFactory",
    "ClientConfig",
    "ClientFactory",
    "DynamoDBStateRepository",
    "StateRepository",
    "close_async_clients",
    "get_async_client",
    "get_async_resource",
    "get_client",
    "get_cloudwatch_client",
    "get_dynamodb_client",
    "get_dynamodb_resource",
    "get_ecs_client",
    "get_logs_client",
    "get_resource",
    "get_s3_client",
    "get_s3_resource",
    "get_secrets_client",
    "get_sfn_client",
    "get_sns_client",
    "get_sqs_client",
    "reset_clients",
    "translate_aws_error",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
