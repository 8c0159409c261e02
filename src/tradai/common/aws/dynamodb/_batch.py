"""Batch writes and reads as I/O-free plans, shared by the sync and async adapters.

A plan is a generator that yields :class:`Call` steps (the driver makes the call and sends
the response back) and :class:`Sleep` steps (the driver sleeps, blocking or awaiting), and
returns the result. So the chunking, the retry of ``UnprocessedItems``/``UnprocessedKeys``
with exponential backoff and full jitter, and the bounds on attempts and total time exist
once, whatever the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tradai.common.aws.constants import (
    DYNAMODB_BATCH_GET_MAX_KEYS,
    DYNAMODB_BATCH_WRITE_MAX_ITEMS,
)
from tradai.common.aws.dynamodb._requests import Requests
from tradai.common.aws.dynamodb.expressions import check_key_shape
from tradai.common.aws.dynamodb.types import (
    BatchRetryPolicy,
    Item,
    KeySchema,
    UnprocessedItemsError,
)
from tradai.common.exceptions import ValidationError

__all__ = [
    "Backoff",
    "Call",
    "Plan",
    "Sleep",
    "batch_get_plan",
    "batch_write_plan",
    "write_requests",
]

_Identity = tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Call:
    """Call ``method`` of the client with ``params``; send the response back."""

    operation: str
    method: str
    params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Sleep:
    """Wait ``seconds``; send ``None`` back."""

    seconds: float


Plan = Generator[Call | Sleep, Any, Any]


def _identity(key: Mapping[str, Any]) -> _Identity:
    try:
        parts = tuple(
            sorted((k, bytes(v) if isinstance(v, bytearray) else v) for k, v in key.items())
        )
        hash(parts)
    except TypeError:
        raise ValidationError("key values must be strings, numbers or bytes", field="key") from None
    return parts


def write_requests(
    requests: Requests,
    puts: Iterable[Mapping[str, Any]],
    deletes: Iterable[Mapping[str, Any]],
    schema: KeySchema,
) -> list[dict[str, Any]]:
    """Serialize puts and deletes; a key put twice keeps the last item.

    Raises:
        ValidationError: If an item lacks its key, a value cannot be stored, or a key is
            both put and deleted.
    """
    out: dict[_Identity, dict[str, Any]] = {}
    for item in puts:
        if not isinstance(item, Mapping):
            raise ValidationError("puts must be mappings", field="puts")
        identity = _identity(schema.key_of(item))
        out.pop(identity, None)
        out[identity] = {"PutRequest": {"Item": requests.codec.item(item)}}
    deleted: set[_Identity] = set()
    for key in deletes:
        identity = _identity(check_key_shape(key, "deletes"))
        if identity in out and identity not in deleted:
            raise ValidationError("a key is both put and deleted", field="deletes")
        deleted.add(identity)
        out[identity] = {"DeleteRequest": {"Key": requests.key(key)}}
    return list(out.values())


@dataclass(frozen=True, slots=True)
class Backoff:
    """The retry budget of one adapter: policy, clock and jitter source."""

    policy: BatchRetryPolicy
    clock: Callable[[], float]
    jitter: Callable[[], float]

    def next_delay(self, attempt: int, started: float) -> float | None:
        """The sleep before retry ``attempt``, or ``None`` when the budget is spent.

        Args:
            attempt: How many calls the chunk has had so far.
            started: ``clock()`` when the batch started.

        Returns:
            Seconds to sleep, or ``None`` to give up.
        """
        if attempt >= self.policy.max_attempts:
            return None
        delay = self.policy.delay(attempt, self.jitter())
        if self.clock() - started + delay > self.policy.max_elapsed:
            return None
        return delay


def _incomplete(
    requests: Requests, operation: str, left: Sequence[Mapping[str, Any]], attempts: int
) -> UnprocessedItemsError:
    return UnprocessedItemsError(
        f"dynamodb {operation} left {len(left)} request(s) unprocessed after {attempts} "
        "attempt(s) of the last chunk",
        unprocessed=left,
        service="dynamodb",
        operation=operation,
        context={"resource": requests.table_name, "unprocessed": len(left), "attempts": attempts},
    )


def _decode_writes(requests: Requests, wire: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for request in wire:
        if "PutRequest" in request:
            out.append({"put": requests.codec.decode(request["PutRequest"]["Item"])})
        else:
            out.append({"delete": requests.codec.decode(request["DeleteRequest"]["Key"])})
    return out


def batch_write_plan(
    requests: Requests,
    writes: list[dict[str, Any]],
    backoff: Backoff,
) -> Plan:
    """Write ``writes`` in chunks of 25, retrying ``UnprocessedItems`` with backoff.

    Returns (as the generator's value):
        How many write requests were applied.

    Raises:
        UnprocessedItemsError: When the budget runs out; ``unprocessed`` holds the chunk's
            leftovers and every request not yet sent.
    """
    table, started = requests.table_name, backoff.clock()
    for offset in range(0, len(writes), DYNAMODB_BATCH_WRITE_MAX_ITEMS):
        pending = writes[offset : offset + DYNAMODB_BATCH_WRITE_MAX_ITEMS]
        attempt = 1
        while True:
            params = {"RequestItems": {table: pending}}
            response = yield Call("BatchWriteItem", "batch_write_item", params)
            pending = list(response.get("UnprocessedItems", {}).get(table, []))
            if not pending:
                break
            delay = backoff.next_delay(attempt, started)
            if delay is None:
                left = pending + writes[offset + DYNAMODB_BATCH_WRITE_MAX_ITEMS :]
                raise _incomplete(
                    requests, "BatchWriteItem", _decode_writes(requests, left), attempt
                )
            yield Sleep(delay)
            attempt += 1
    return len(writes)


def batch_get_plan(
    requests: Requests,
    keys: Iterable[Mapping[str, Any]],
    consistent_read: bool,
    backoff: Backoff,
) -> Plan:
    """Read ``keys`` in chunks of 100, retrying ``UnprocessedKeys`` with backoff.

    Returns (as the generator's value):
        The items found, in the order of ``keys`` (duplicates read once).

    Raises:
        UnprocessedItemsError: When the budget runs out; ``unprocessed`` holds the keys
            not read and ``items`` what was read.
    """
    unique: dict[_Identity, dict[str, Any]] = {}
    for key in keys:
        unique.setdefault(_identity(check_key_shape(key, "keys")), requests.key(key))
    wire_keys, table = list(unique.values()), requests.table_name
    names = [name for name, _ in next(iter(unique), ())]  # a table's keys share their names
    found: dict[_Identity, Item] = {}
    started = backoff.clock()
    for offset in range(0, len(wire_keys), DYNAMODB_BATCH_GET_MAX_KEYS):
        pending = wire_keys[offset : offset + DYNAMODB_BATCH_GET_MAX_KEYS]
        attempt = 1
        while True:
            spec = {"Keys": pending, "ConsistentRead": consistent_read}
            response = yield Call("BatchGetItem", "batch_get_item", {"RequestItems": {table: spec}})
            for wire in response.get("Responses", {}).get(table, []):
                item = requests.codec.decode(wire)
                found[_identity({n: item[n] for n in names})] = item
            pending = list(response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", []))
            if not pending:
                break
            delay = backoff.next_delay(attempt, started)
            if delay is None:
                rest = pending + wire_keys[offset + DYNAMODB_BATCH_GET_MAX_KEYS :]
                decoded = [requests.codec.decode(k) for k in rest]
                error = _incomplete(requests, "BatchGetItem", decoded, attempt)
                error.items = tuple(found.values())
                raise error
            yield Sleep(delay)
            attempt += 1
    return [found[i] for i in unique if i in found]
