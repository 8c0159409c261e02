"""AWS constants: service limits and error codes. No infrastructure identifiers live here.

Infrastructure identifiers (ARNs, subnets, security groups, cluster, table, bucket and secret
names) come only from settings and environment variables.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "CW_LOGS_MAX_EVENTS_PER_PAGE",
    "CW_METRICS_MAX_DATUMS_PER_CALL",
    "CW_METRICS_MAX_DIMENSIONS",
    "DYNAMODB_BATCH_GET_MAX_KEYS",
    "DYNAMODB_BATCH_WRITE_MAX_ITEMS",
    "DYNAMODB_ITEM_MAX_BYTES",
    "DYNAMODB_TRANSACT_MAX_ITEMS",
    "ENDPOINT_ENV_NAMES",
    "S3_MAX_PARTS",
    "S3_MIN_PART_SIZE",
    "S3_PRESIGN_MAX_SECONDS",
    "SNS_PUBLISH_BATCH_MAX",
    "SQS_BATCH_MAX",
    "SQS_MAX_VISIBILITY_TIMEOUT",
    "SQS_MAX_WAIT_SECONDS",
]

#: Items per ``BatchWriteItem`` call.
DYNAMODB_BATCH_WRITE_MAX_ITEMS: Final = 25
#: Keys per ``BatchGetItem`` call.
DYNAMODB_BATCH_GET_MAX_KEYS: Final = 100
#: Items per ``TransactWriteItems`` / ``TransactGetItems`` call.
DYNAMODB_TRANSACT_MAX_ITEMS: Final = 100
#: Largest DynamoDB item.
DYNAMODB_ITEM_MAX_BYTES: Final = 400 * 1024

#: Smallest S3 multipart part (except the last).
S3_MIN_PART_SIZE: Final = 5 * 1024 * 1024
#: Most parts in one multipart upload.
S3_MAX_PARTS: Final = 10_000
#: Longest presigned URL lifetime with SigV4 (7 days).
S3_PRESIGN_MAX_SECONDS: Final = 7 * 24 * 3600

#: Messages per SQS batch call.
SQS_BATCH_MAX: Final = 10
#: Longest SQS long-poll wait.
SQS_MAX_WAIT_SECONDS: Final = 20
#: Longest SQS visibility timeout (12 hours).
SQS_MAX_VISIBILITY_TIMEOUT: Final = 43_200
#: Entries per SNS ``PublishBatch``.
SNS_PUBLISH_BATCH_MAX: Final = 10

#: Datums per ``PutMetricData`` call.
CW_METRICS_MAX_DATUMS_PER_CALL: Final = 1000
#: Dimensions per metric.
CW_METRICS_MAX_DIMENSIONS: Final = 30
#: Most events one ``GetLogEvents`` page returns.
CW_LOGS_MAX_EVENTS_PER_PAGE: Final = 10_000

#: botocore client name -> the suffix of its ``AWS_ENDPOINT_URL_<SUFFIX>`` variable
#: (botocore derives it from the service id: spaces become underscores, upper case).
ENDPOINT_ENV_NAMES: Final[dict[str, str]] = {
    "s3": "S3",
    "dynamodb": "DYNAMODB",
    "secretsmanager": "SECRETS_MANAGER",
    "stepfunctions": "SFN",
    "logs": "CLOUDWATCH_LOGS",
    "cloudwatch": "CLOUDWATCH",
    "ecs": "ECS",
    "ecr": "ECR",
    "sqs": "SQS",
    "sns": "SNS",
    "sts": "STS",
    "lambda": "LAMBDA",
}
