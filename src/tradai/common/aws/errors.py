"""Translate botocore errors into tradai-common exceptions, in ONE table.

Every AWS adapter calls :func:`translate_aws_error` at its boundary (``raise
translate_aws_error(exc, ...) from exc``), so callers only ever see the library's exception
tree, grouped by what they should do:

* :data:`ERROR_CODE_MAP` maps each AWS error code to an exception class;
* an unknown code maps by HTTP status (429 and 5xx → :class:`TransientError`, 404 →
  :class:`NotFoundError`, 401/403 → :class:`AuthenticationError`, other 4xx →
  :class:`ExternalServiceError`);
* connection failures and timeouts (``EndpointConnectionError``, ``ConnectTimeoutError``,
  ``ReadTimeoutError``...) → :class:`TransientError`;
* any other botocore error → :class:`ExternalServiceError`.

The translated error carries ``service``, ``operation``, ``error_code``, ``status_code`` and
the ``resource`` it was about in its context; for a failed condition check it also carries
the item DynamoDB returned (``ReturnValuesOnConditionCheckFailure``) as ``current``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    TransientError,
    ValidationError,
)

__all__ = ["CONNECTION_ERROR_NAMES", "ERROR_CODE_MAP", "translate_aws_error"]

#: AWS error code -> the exception class callers get.
ERROR_CODE_MAP: Final[Mapping[str, type[TradAIError]]] = {
    # optimistic concurrency and duplicates
    "ConditionalCheckFailedException": ConflictError,
    "TransactionCanceledException": ConflictError,
    "PreconditionFailed": ConflictError,
    "TransactionConflictException": ConflictError,
    "ResourceInUseException": ConflictError,
    "ResourceExistsException": ConflictError,
    "BucketAlreadyExists": ConflictError,
    "BucketAlreadyOwnedByYou": ConflictError,
    "ExecutionAlreadyExists": ConflictError,
    "StateMachineAlreadyExists": ConflictError,
    "IdempotentParameterMismatch": ConflictError,
    "IdempotentParameterMismatchException": ConflictError,
    "QueueAlreadyExists": ConflictError,
    "QueueNameExists": ConflictError,
    # throttling and server-side failures: retry later
    "ThrottlingException": TransientError,
    "Throttling": TransientError,
    "ThrottledException": TransientError,
    "TooManyRequestsException": TransientError,
    "ProvisionedThroughputExceededException": TransientError,
    "RequestLimitExceeded": TransientError,
    "RequestThrottled": TransientError,
    "RequestThrottledException": TransientError,
    "SlowDown": TransientError,
    "LimitExceededException": TransientError,
    "InternalServerError": TransientError,
    "InternalServiceError": TransientError,
    "InternalServerErrorException": TransientError,
    "InternalFailure": TransientError,
    "InternalError": TransientError,
    "InternalErrorException": TransientError,
    "ServiceUnavailable": TransientError,
    "ServiceUnavailableException": TransientError,
    "RequestTimeout": TransientError,
    "RequestTimeoutException": TransientError,
    "TransactionInProgressException": TransientError,
    "KMSThrottling": TransientError,
    "KMSThrottlingException": TransientError,
    "ExecutionLimitExceeded": TransientError,
    "OverLimit": TransientError,
    "AWS.SimpleQueueService.PurgeQueueInProgress": TransientError,
    # missing resources
    "ResourceNotFoundException": NotFoundError,
    "NoSuchKey": NotFoundError,
    "NoSuchBucket": NotFoundError,
    "NoSuchUpload": NotFoundError,
    "NotFound": NotFoundError,
    "NotFoundException": NotFoundError,
    "QueueDoesNotExist": NotFoundError,
    "AWS.SimpleQueueService.NonExistentQueue": NotFoundError,
    "ExecutionDoesNotExist": NotFoundError,
    "StateMachineDoesNotExist": NotFoundError,
    "ClusterNotFoundException": NotFoundError,
    "ServiceNotFoundException": NotFoundError,
    "RepositoryNotFoundException": NotFoundError,
    "ImageNotFoundException": NotFoundError,
    "TableNotFoundException": NotFoundError,
    "ResourceNotFound": NotFoundError,
    # credentials and permissions
    "AccessDenied": AuthenticationError,
    "AccessDeniedException": AuthenticationError,
    "UnrecognizedClientException": AuthenticationError,
    "InvalidClientTokenId": AuthenticationError,
    "ExpiredToken": AuthenticationError,
    "ExpiredTokenException": AuthenticationError,
    "InvalidSignatureException": AuthenticationError,
    "SignatureDoesNotMatch": AuthenticationError,
    "InvalidAccessKeyId": AuthenticationError,
    "AuthFailure": AuthenticationError,
    "MissingAuthenticationToken": AuthenticationError,
    "DecryptionFailure": AuthenticationError,
    # the request itself is wrong
    "ValidationException": ValidationError,
    "ValidationError": ValidationError,
    "InvalidParameterException": ValidationError,
    "InvalidParameterValue": ValidationError,
    "InvalidParameterValueException": ValidationError,
    "InvalidParameterCombination": ValidationError,
    "InvalidRequestException": ValidationError,
    "InvalidArgument": ValidationError,
    "InvalidBucketName": ValidationError,
    "InvalidArn": ValidationError,
    "InvalidName": ValidationError,
    "InvalidExecutionInput": ValidationError,
    "InvalidDefinition": ValidationError,
    "MalformedPolicyDocument": ValidationError,
    "EntityTooLarge": ValidationError,
    "EntityTooSmall": ValidationError,
    "InvalidPart": ValidationError,
    "InvalidPartOrder": ValidationError,
    "ItemCollectionSizeLimitExceededException": ValidationError,
    "ClientException": ValidationError,
    "InvalidParameter": ValidationError,
    "MissingParameter": ValidationError,
    "ReceiptHandleIsInvalid": ValidationError,
    "MessageNotInflight": ValidationError,
    "InvalidMessageContents": ValidationError,
    "BatchRequestTooLong": ValidationError,
    "AWS.SimpleQueueService.BatchRequestTooLong": ValidationError,
    "TooManyEntriesInBatchRequest": ValidationError,
    "AWS.SimpleQueueService.TooManyEntriesInBatchRequest": ValidationError,
    "BatchEntryIdsNotDistinct": ValidationError,
    "AWS.SimpleQueueService.BatchEntryIdsNotDistinct": ValidationError,
    "EmptyBatchRequest": ValidationError,
    "AWS.SimpleQueueService.EmptyBatchRequest": ValidationError,
    "InvalidBatchEntryId": ValidationError,
    "AWS.SimpleQueueService.InvalidBatchEntryId": ValidationError,
    "InvalidAttributeName": ValidationError,
    "InvalidAttributeValue": ValidationError,
    "InvalidToken": ValidationError,
    "InvalidOutput": ValidationError,
}

#: botocore exception class names that mean "could not reach or hear from the service".
CONNECTION_ERROR_NAMES: Final = frozenset(
    {
        "EndpointConnectionError",
        "ConnectionClosedError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectionError",
        "HTTPClientError",
        "ProxyConnectionError",
        "SSLError",
    }
)


def _by_status(status: int | None) -> type[TradAIError]:
    if status is None:
        return ExternalServiceError
    if status == 429 or status >= 500:
        return TransientError
    if status == 404:
        return NotFoundError
    if status in (401, 403):
        return AuthenticationError
    return ExternalServiceError


def _context(
    service: str, operation: str | None, resource: str | None, code: str | None, status: int | None
) -> dict[str, Any]:
    context: dict[str, Any] = {"service": service}
    for key, value in (
        ("operation", operation),
        ("resource", resource),
        ("error_code", code),
        ("status_code", status),
    ):
        if value is not None:
            context[key] = value
    return context


def _build(
    cls: type[TradAIError],
    message: str,
    context: dict[str, Any],
    *,
    response: Mapping[str, Any],
    retry_after: float | None,
) -> TradAIError:
    if issubclass(cls, TransientError):
        return cls(message, retry_after=retry_after, context=context)
    if issubclass(cls, ExternalServiceError):
        return cls(message, context=context)
    if cls is ConflictError:
        return ConflictError(message, current=response.get("Item"), context=context)
    if cls is NotFoundError:
        return NotFoundError(message, resource=context.get("resource"), context=context)
    if cls is ValidationError:
        return ValidationError(message, context=context)
    return cls(message, context=context)


def _retry_after(response: Mapping[str, Any]) -> float | None:
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {}) or {}
    raw = headers.get("retry-after")
    try:
        return float(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None


def translate_aws_error(
    exc: BaseException,
    *,
    service: str,
    operation: str | None = None,
    resource: str | None = None,
) -> TradAIError:
    """Return the tradai-common exception for a botocore error (the caller raises it).

    Args:
        exc: The error botocore (or aiobotocore) raised.
        service: The AWS service (``"s3"``, ``"dynamodb"``...).
        operation: The API operation; taken from the error when omitted.
        resource: The bucket/key, table, queue or ARN the call was about.

    Returns:
        The translated exception, ready for ``raise ... from exc``. An error that already is
        a :class:`TradAIError` is returned unchanged.

    Example:
        >>> from botocore.exceptions import ClientError
        >>> err = ClientError(
        ...     {"Error": {"Code": "ConditionalCheckFailedException", "Message": "no"}},
        ...     "PutItem")
        >>> translated = translate_aws_error(err, service="dynamodb", resource="jobs")
        >>> type(translated).__name__, translated.context["operation"]
        ('ConflictError', 'PutItem')
    """
    if isinstance(exc, TradAIError):
        return exc
    response: Mapping[str, Any] = getattr(exc, "response", None) or {}
    error = response.get("Error", {}) or {}
    code = error.get("Code")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    operation = operation or getattr(exc, "operation_name", None)
    context = _context(service, operation, resource, code, status)
    if code is None and type(exc).__name__ in CONNECTION_ERROR_NAMES:
        return TransientError(f"{service} is unreachable: {type(exc).__name__}", context=context)
    cls = ERROR_CODE_MAP.get(code) if code else None
    if cls is None:
        cls = _by_status(status) if code else ExternalServiceError
    detail = error.get("Message") or type(exc).__name__
    message = f"{service} {operation or 'call'} failed: {code or type(exc).__name__}: {detail}"
    return _build(cls, message, context, response=response, retry_after=_retry_after(response))
