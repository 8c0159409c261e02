"""Request building and response decoding shared by the sync and async DynamoDB adapters.

Everything here is free of I/O: :class:`Requests` turns the port's arguments into
low-level DynamoDB client parameters (validating them first, so bad input never reaches
AWS), decodes responses and translates botocore errors. The batch plans live in
:mod:`tradai.common.aws.dynamodb._batch`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from decimal import DecimalException
from functools import cache
from typing import Any, Final

from tradai.common._lazy import require
from tradai.common.aws.dynamodb.expressions import (
    Placeholders,
    check_count,
    check_expression,
    check_key_shape,
    check_table_name,
    check_transaction,
    check_version,
    join_conditions,
    render_key_condition,
    update_expression,
)
from tradai.common.aws.dynamodb.types import (
    Item,
    KeyCondition,
    KeySchema,
    Page,
    TransactAction,
    TransactConditionCheck,
    TransactDelete,
    TransactPut,
    TransactUpdate,
)
from tradai.common.aws.errors import translate_aws_error
from tradai.common.exceptions import (
    ConfigurationError,
    ConflictError,
    TradAIError,
    TransientError,
    ValidationError,
)

__all__ = [
    "Codec",
    "Requests",
    "aws_errors",
    "new_token",
    "request_limit",
    "schema_from_description",
]

_CONFLICT_REASONS: Final = frozenset({"ConditionalCheckFailed", "TransactionConflict"})
_TRANSIENT_REASONS: Final = frozenset(
    {"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"}
)
_INVALID_REASONS: Final = frozenset({"ValidationError", "ItemCollectionSizeLimitExceeded"})


@cache
def aws_errors() -> tuple[type[BaseException], ...]:
    """The botocore errors every adapter translates at its boundary."""
    exceptions = require("botocore.exceptions", extra="aws")
    return (exceptions.ClientError, exceptions.BotoCoreError)


def new_token() -> str:
    """Return a fresh ``ClientRequestToken`` (a random UUID)."""
    return str(uuid.uuid4())


def schema_from_description(description: Mapping[str, Any]) -> KeySchema:
    """Read the key schema out of a ``DescribeTable`` response."""
    keys = {k["KeyType"]: k["AttributeName"] for k in description["Table"]["KeySchema"]}
    return KeySchema(keys["HASH"], keys.get("RANGE"))


def request_limit(page_size: int | None, remaining: int | None) -> int | None:
    """The ``Limit`` of the next page: the page size, or fewer when fewer are wanted."""
    sizes = [n for n in (page_size, remaining) if n is not None]
    return min(sizes) if sizes else None


def _plain(value: Any) -> Any:
    """boto3's ``Binary`` (from a resource's client) as ``bytes``, inside containers too."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, set):
        return {_plain(v) for v in value}
    raw = getattr(value, "value", None)
    return bytes(raw) if isinstance(raw, bytes | bytearray) else value


class Codec:
    """boto3's type (de)serializer; bad values become ``ValidationError`` naming the field.

    Binary values come back as ``bytes`` (not boto3's ``Binary``), numbers as ``Decimal``.

    Args:
        transformed: The client is a boto3 *resource's* client, which serializes requests
            and deserializes responses itself (boto3 registers that on its events): values
            are then only checked on the way in and left as they are on the way out. Error
            responses are never transformed, so :meth:`decode_wire` always decodes.
    """

    def __init__(self, *, transformed: bool = False) -> None:
        types = require("boto3.dynamodb.types", extra="aws")

        base: Any = types.TypeDeserializer  # boto3 ships no type stubs

        class _Deserializer(base):  # type: ignore[misc]  # subclassing Any: boto3 has no stubs
            def _deserialize_b(self, value: bytes) -> bytes:
                return bytes(value)

            def _deserialize_bs(self, value: list[bytes]) -> set[bytes]:
                return {bytes(v) for v in value}

        self._serializer = types.TypeSerializer()
        self._deserializer = _Deserializer()
        self.transformed = transformed

    def value(self, value: Any, *, field: str) -> Any:
        """Serialize one value (``float`` is refused: use ``Decimal``)."""
        try:
            wire = dict(self._serializer.serialize(value))
        except (TypeError, DecimalException):
            hint = " (use Decimal)" if isinstance(value, float) else ""
            raise ValidationError(
                f"{field}: a {type(value).__name__} value cannot be stored{hint}", field=field
            ) from None
        return value if self.transformed else wire

    def item(self, item: Mapping[str, Any], *, field: str = "item") -> dict[str, Any]:
        """Serialize a whole item (or key, or values map)."""
        if not isinstance(item, Mapping):
            raise ValidationError(f"{field} must be a mapping", field=field)
        out = {}
        for name, value in item.items():
            if not isinstance(name, str) or not name:
                raise ValidationError(f"{field} names must be non-empty strings", field=field)
            out[name] = self.value(value, field=f"{field}.{name}")
        return out

    def decode(self, item: Mapping[str, Any]) -> Item:
        """Decode an item of a successful response."""
        if self.transformed:
            return {k: _plain(v) for k, v in item.items()}
        return self.decode_wire(item)

    def decode_wire(self, wire: Mapping[str, Any]) -> Item:
        """Deserialize a low-level item (always: error responses are never transformed)."""
        return {k: self._deserializer.deserialize(v) for k, v in wire.items()}


def _cancelled(exc: Any, context: dict[str, Any], codec: Codec) -> TradAIError:
    reasons = exc.response.get("CancellationReasons") or []
    codes = [str(r.get("Code", "None")) for r in reasons]
    current = [codec.decode_wire(r["Item"]) if r.get("Item") else None for r in reasons]
    context = {**context, "reasons": codes}
    message = f"dynamodb transaction cancelled: {', '.join(codes) or 'no reasons given'}"
    found = set(codes)
    if found & _CONFLICT_REASONS or not found & (_TRANSIENT_REASONS | _INVALID_REASONS):
        return ConflictError(message, current=current, context=context)
    if found & _TRANSIENT_REASONS:
        return TransientError(message, context=context)
    return ValidationError(message, context=context)


class Requests:
    """Builds the low-level parameters of every table operation for one table.

    Args:
        table_name: The table (validated here).
        codec: The value codec.
    """

    def __init__(self, table_name: str, codec: Codec) -> None:
        self.table_name = check_table_name(table_name)
        self.codec = codec

    # ---------------------------------------------------------------- errors
    def translate(self, exc: BaseException, operation: str) -> TradAIError:
        """Translate a botocore error; a failed condition carries the decoded current item."""
        response = getattr(exc, "response", None) or {}
        error = translate_aws_error(
            exc, service="dynamodb", operation=operation, resource=self.table_name
        )
        if response.get("Error", {}).get("Code") == "TransactionCanceledException":
            return _cancelled(exc, error.context, self.codec)
        if isinstance(error, ConflictError) and isinstance(error.current, Mapping):
            error.current = self.codec.decode_wire(error.current)
        return error

    # ---------------------------------------------------------------- helpers
    def _expression_params(self, placeholders: Placeholders) -> dict[str, Any]:
        params = placeholders.params()
        if "ExpressionAttributeValues" in params:
            params["ExpressionAttributeValues"] = self.codec.item(
                params["ExpressionAttributeValues"], field="values"
            )
        return params

    def key(self, key: Mapping[str, Any]) -> dict[str, Any]:
        """Serialize a key after checking its shape."""
        return self.codec.item(check_key_shape(key), field="key")

    def _condition(
        self,
        placeholders: Placeholders,
        *,
        condition: str | None,
        expected_version: int | None = None,
        version_attribute: str = "version",
        must_not_exist: str | None = None,
    ) -> str | None:
        version = None
        if expected_version is not None:
            name = placeholders.name(version_attribute)
            version = f"{name} = {placeholders.value(expected_version)}"
        absent = None
        if must_not_exist is not None:
            absent = f"attribute_not_exists({placeholders.name(must_not_exist)})"
        return join_conditions(condition, absent, version)

    # ---------------------------------------------------------------- single items
    def get(self, key: Mapping[str, Any], consistent_read: bool) -> dict[str, Any]:
        """``GetItem`` parameters."""
        return {
            "TableName": self.table_name,
            "Key": self.key(key),
            "ConsistentRead": consistent_read,
        }

    def put(self, action: TransactPut, partition_key: str | None) -> dict[str, Any]:
        """``PutItem`` parameters (``partition_key`` is needed when ``if_not_exists``)."""
        check_expression(action.condition, action.names, action.values)
        ph = Placeholders(action.names, action.values)
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": self.codec.item(action.item),
        }
        if action.if_not_exists and not partition_key:
            raise ConfigurationError("if_not_exists needs the table's key schema")
        absent = partition_key if action.if_not_exists else None
        condition = self._condition(ph, condition=action.condition, must_not_exist=absent)
        if condition:
            params["ConditionExpression"] = condition
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return params | self._expression_params(ph)

    def update(self, action: TransactUpdate) -> dict[str, Any]:
        """``UpdateItem`` parameters (SET/REMOVE from a dict; optional version check)."""
        check_expression(action.condition, action.names, action.values)
        remove = [action.remove] if isinstance(action.remove, str) else list(action.remove)
        if not isinstance(action.changes, Mapping):
            raise ValidationError("changes must be a mapping", field="changes")
        changes = dict(action.changes)
        check_version(action.expected_version, action.version_attribute, [*changes, *remove])
        if action.expected_version is not None:
            changes[action.version_attribute] = action.expected_version + 1
        ph = Placeholders(action.names, action.values)
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "Key": self.key(action.key),
            "UpdateExpression": update_expression(changes, remove, ph),
        }
        condition = self._condition(
            ph,
            condition=action.condition,
            expected_version=action.expected_version,
            version_attribute=action.version_attribute,
        )
        if condition:
            params["ConditionExpression"] = condition
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return params | self._expression_params(ph)

    def delete(self, action: TransactDelete | TransactConditionCheck) -> dict[str, Any]:
        """``DeleteItem`` (or ``ConditionCheck``) parameters."""
        check_expression(action.condition, action.names, action.values)
        expected = getattr(action, "expected_version", None)
        attribute = getattr(action, "version_attribute", "version")
        check_version(expected, attribute, ())
        ph = Placeholders(action.names, action.values)
        params: dict[str, Any] = {"TableName": self.table_name, "Key": self.key(action.key)}
        condition = self._condition(
            ph, condition=action.condition, expected_version=expected, version_attribute=attribute
        )
        if condition:
            params["ConditionExpression"] = condition
            params["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        return params | self._expression_params(ph)

    # ---------------------------------------------------------------- reads
    def read(
        self, partition: Mapping[str, Any] | None, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """``Query`` parameters (``partition`` given) or ``Scan`` parameters (``None``).

        Args:
            partition: ``{partition_key: value}`` for a query; ``None`` for a scan.
            options: The read method's keyword arguments (its ``locals()``): ``sort``,
                ``index``, ``filter_expression``, ``names``, ``values``, ``descending``,
                ``page_size``, ``start_key``, ``consistent_read``; others are ignored.

        Returns:
            The parameters, with the filter's placeholders and the generated ones merged.
        """
        names, values = options.get("names"), options.get("values")
        filter_expression, page_size = options.get("filter_expression"), options.get("page_size")
        check_expression(filter_expression, names, values, field="filter_expression")
        check_count(page_size, "page_size", 1)
        ph = Placeholders(names, values)
        params: dict[str, Any] = {
            "TableName": self.table_name,
            "ConsistentRead": bool(options.get("consistent_read")),
        }
        if partition is not None:
            params["KeyConditionExpression"] = self._key_condition(
                partition, options.get("sort"), ph
            )
            params["ScanIndexForward"] = not options.get("descending")
        if options.get("index") is not None:
            params["IndexName"] = check_table_name(options["index"])
        if filter_expression is not None:
            params["FilterExpression"] = filter_expression
        if page_size is not None:
            params["Limit"] = page_size
        if options.get("start_key") is not None:
            params["ExclusiveStartKey"] = self.codec.item(options["start_key"], field="start_key")
        return params | self._expression_params(ph)

    @staticmethod
    def _key_condition(partition: Mapping[str, Any], sort: Any, ph: Placeholders) -> str | None:
        if not isinstance(partition, Mapping) or len(partition) != 1:
            raise ValidationError("partition must map one key name to a value", field="partition")
        if sort is not None and not isinstance(sort, KeyCondition):
            raise ValidationError("sort must be a KeyCondition", field="sort")
        ((name, value),) = partition.items()
        return join_conditions(
            f"{ph.name(name)} = {ph.value(value)}", render_key_condition(sort, ph) if sort else None
        )

    def page(self, response: Mapping[str, Any]) -> Page:
        """Decode a ``Query``/``Scan`` response into a :class:`Page`."""
        last = response.get("LastEvaluatedKey")
        return Page(
            items=tuple(self.codec.decode(i) for i in response.get("Items", ())),
            last_key=self.codec.decode(last) if last else None,
            scanned_count=int(response.get("ScannedCount", 0)),
        )

    # ---------------------------------------------------------------- transactions
    @staticmethod
    def needs_partition_key(actions: object) -> bool:
        """Whether a put in ``actions`` asks for ``if_not_exists``."""
        if not isinstance(actions, Sequence):
            return False
        return any(isinstance(a, TransactPut) and a.if_not_exists for a in actions)

    def transact(
        self, actions: Sequence[TransactAction], token: str, partition_key: str | None
    ) -> dict[str, Any]:
        """``TransactWriteItems`` parameters."""
        check_transaction(actions, token)
        items = [self._transact_entry(action, partition_key) for action in actions]
        return {"TransactItems": items, "ClientRequestToken": token}

    def _transact_entry(self, action: object, partition_key: str | None) -> dict[str, Any]:
        if isinstance(action, TransactPut):
            return {"Put": self.put(action, partition_key)}
        if isinstance(action, TransactUpdate):
            return {"Update": self.update(action)}
        if isinstance(action, TransactDelete):
            return {"Delete": self.delete(action)}
        if isinstance(action, TransactConditionCheck):
            if not action.condition:
                raise ValidationError("a condition check needs a condition", field="condition")
            return {"ConditionCheck": self.delete(action)}
        raise ValidationError(
            f"unknown transaction action {type(action).__name__}", field="actions"
        )
