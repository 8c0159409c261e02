"""DynamoDB adapters: the key-value table port, its boto3 adapters and safe expressions.

Importing this package imports neither boto3 nor aioboto3; each name is imported on first
use. The in-memory twin is :class:`tradai.common.aws.memory.table.InMemoryTable`.

Example:
    >>> import tradai.common.aws.dynamodb as dynamodb
    >>> dynamodb.KeySchema("pk", "sk").names
    ('pk', 'sk')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tradai.common._lazy import lazy_exports

if TYPE_CHECKING:
    from tradai.common.aws.dynamodb.adapter import DynamoDBTable
    from tradai.common.aws.dynamodb.async_adapter import AsyncDynamoDBTable
    from tradai.common.aws.dynamodb.conditions import Condition, parse_condition
    from tradai.common.aws.dynamodb.expressions import Placeholders
    from tradai.common.aws.dynamodb.protocols import AsyncKeyValueTable, KeyValueTable
    from tradai.common.aws.dynamodb.types import (
        BatchRetryPolicy,
        Item,
        KeyCondition,
        KeySchema,
        Page,
        TransactAction,
        TransactConditionCheck,
        TransactDelete,
        TransactPut,
        TransactUpdate,
        UnprocessedItemsError,
    )

_TYPES = "tradai.common.aws.dynamodb.types"
_EXPORTS = {
    "AsyncDynamoDBTable": "tradai.common.aws.dynamodb.async_adapter",
    "AsyncKeyValueTable": "tradai.common.aws.dynamodb.protocols",
    "BatchRetryPolicy": _TYPES,
    "Condition": "tradai.common.aws.dynamodb.conditions",
    "DynamoDBTable": "tradai.common.aws.dynamodb.adapter",
    "Item": _TYPES,
    "KeyCondition": _TYPES,
    "KeySchema": _TYPES,
    "KeyValueTable": "tradai.common.aws.dynamodb.protocols",
    "Page": _TYPES,
    "Placeholders": "tradai.common.aws.dynamodb.expressions",
    "TransactAction": _TYPES,
    "TransactConditionCheck": _TYPES,
    "TransactDelete": _TYPES,
    "TransactPut": _TYPES,
    "TransactUpdate": _TYPES,
    "UnprocessedItemsError": _TYPES,
    "parse_condition": "tradai.common.aws.dynamodb.conditions",
}

__all__ = [
    "AsyncDynamoDBTable",
    "AsyncKeyValueTable",
    "BatchRetryPolicy",
    "Condition",
    "DynamoDBTable",
    "Item",
    "KeyCondition",
    "KeySchema",
    "KeyValueTable",
    "Page",
    "Placeholders",
    "TransactAction",
    "TransactConditionCheck",
    "TransactDelete",
    "TransactPut",
    "TransactUpdate",
    "UnprocessedItemsError",
    "parse_condition",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
