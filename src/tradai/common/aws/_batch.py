"""Batch operations shared by the SQS and SNS adapters and their in-memory twins.

Private module; :mod:`tradai.common.aws.sqs` re-exports the result types. A batch is
planned into calls of at most 10 entries and 256 KiB (:func:`chunk_batch`); each entry's
``Id`` is its input index, so the per-entry answers map back to the caller's sequence
(:class:`BatchResult`). Bad input refuses the whole batch before any call
(:func:`prepare_batch`); a call that fails as a whole raises, and the error's
``context["completed_indexes"]`` lists what earlier calls had already accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tradai.common.aws._messaging import MAX_MESSAGE_BYTES, OutgoingMessage
from tradai.common.aws.constants import SQS_BATCH_MAX
from tradai.common.exceptions import TradAIError, ValidationError

__all__ = [
    "BatchFailure",
    "BatchResult",
    "BatchSuccess",
    "batch_result_from_response",
    "chunk_batch",
    "prepare_batch",
    "run_batches",
]


def chunk_batch(sizes: Sequence[int], *, max_entries: int = SQS_BATCH_MAX) -> list[list[int]]:
    """Split entries into calls of at most ``max_entries`` entries and 256 KiB.

    Args:
        sizes: The size of each entry, in input order (each at most 256 KiB).
        max_entries: Entries per call.

    Returns:
        Lists of input indexes, one per call, in order.

    Example:
        >>> chunk_batch([100] * 12)
        [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11]]
        >>> chunk_batch([200 * 1024, 100 * 1024, 10])
        [[0], [1, 2]]
    """
    chunks: list[list[int]] = []
    current: list[int] = []
    total = 0
    for index, size in enumerate(sizes):
        if current and (len(current) >= max_entries or total + size > MAX_MESSAGE_BYTES):
            chunks.append(current)
            current, total = [], 0
        current.append(index)
        total += size
    if current:
        chunks.append(current)
    return chunks


@dataclass(frozen=True, slots=True)
class BatchSuccess:
    """One accepted batch entry.

    Attributes:
        index: Its position in the input sequence.
        message_id: The message id (sends and publishes), else ``None``.
    """

    index: int
    message_id: str | None = None


@dataclass(frozen=True, slots=True)
class BatchFailure:
    """One refused batch entry, as the service reported it.

    Attributes:
        index: Its position in the input sequence.
        code: The service's error code (``ReceiptHandleIsInvalid``...).
        message: The service's explanation.
        sender_fault: Whether the entry itself was wrong (retrying it unchanged won't help).
    """

    index: int
    code: str
    message: str
    sender_fault: bool


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch operation did, entry by entry (both tuples sorted by index).

    Attributes:
        succeeded: Accepted entries.
        failed: Refused entries.

    Example:
        >>> BatchResult(succeeded=(BatchSuccess(0, "m-1"),)).ok
        True
    """

    succeeded: tuple[BatchSuccess, ...] = ()
    failed: tuple[BatchFailure, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every entry was accepted."""
        return not self.failed

    @classmethod
    def merge(cls, results: Sequence[BatchResult]) -> BatchResult:
        """Combine per-call results into one, sorted by input index.

        Args:
            results: The results of each call.

        Returns:
            The combined result.
        """
        return cls(
            succeeded=tuple(sorted((s for r in results for s in r.succeeded), key=_index)),
            failed=tuple(sorted((f for r in results for f in r.failed), key=_index)),
        )


def _index(entry: BatchSuccess | BatchFailure) -> int:
    return entry.index


def prepare_batch(
    messages: Sequence[OutgoingMessage | str], *, fifo: bool
) -> list[OutgoingMessage]:
    """Turn bodies into messages and check each for the queue, naming the bad index.

    Args:
        messages: Messages or plain bodies.
        fifo: Whether the queue is a FIFO queue.

    Returns:
        The messages, in input order.

    Raises:
        ValidationError: For the first bad entry (``context["index"]`` says which).
    """
    prepared: list[OutgoingMessage] = []
    for index, item in enumerate(messages):
        try:
            message = item if isinstance(item, OutgoingMessage) else OutgoingMessage(item)
            message.check_for_queue(fifo=fifo)
        except ValidationError as exc:
            raise ValidationError(
                f"messages[{index}]: {exc.message}", field=exc.field, context={"index": index}
            ) from exc
        prepared.append(message)
    return prepared


def run_batches(
    call: Callable[[list[dict[str, Any]]], Mapping[str, Any]],
    chunks: Sequence[Sequence[int]],
    entry: Callable[[int], dict[str, Any]],
) -> BatchResult:
    """Send each chunk with ``call`` and merge the per-entry results.

    Args:
        call: Sends one batch request (entries whose ``Id`` is the input index).
        chunks: Input indexes per call (see :func:`chunk_batch`).
        entry: Builds the request entry for an input index.

    Returns:
        The merged result.

    Raises:
        TradAIError: A call failed as a whole; ``context["completed_indexes"]`` lists the
            entries earlier calls had already accepted.
    """
    results: list[BatchResult] = []
    for chunk in chunks:
        try:
            response = call([entry(index) for index in chunk])
        except TradAIError as exc:
            done = [s.index for r in results for s in r.succeeded]
            if done:
                exc.context["completed_indexes"] = done
            raise
        results.append(batch_result_from_response(response, chunk))
    return BatchResult.merge(results)


def batch_result_from_response(response: Mapping[str, Any], indexes: Sequence[int]) -> BatchResult:
    """Map an SQS/SNS batch response to a :class:`BatchResult`.

    Args:
        response: The service's answer; entry ``Id`` values are input indexes.
        indexes: The input indexes sent in that call (other ids are ignored).

    Returns:
        The result of that call.
    """
    allowed = set(indexes)
    succeeded = [
        BatchSuccess(int(e["Id"]), e.get("MessageId"))
        for e in response.get("Successful", ())
        if int(e["Id"]) in allowed
    ]
    failed = [
        BatchFailure(
            int(e["Id"]), e.get("Code", ""), e.get("Message", ""), e.get("SenderFault", False)
        )
        for e in response.get("Failed", ())
        if int(e["Id"]) in allowed
    ]
    return BatchResult(tuple(succeeded), tuple(failed))
