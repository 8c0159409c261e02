"""Split metrics, params and tags into ``log_batch`` requests the server accepts.

The MLflow 3.17 server refuses a ``log_batch`` with more than 1000 metrics, 100 params,
100 tags, 1000 entities in all, or a JSON body over 1 MB; values over the length limits
are refused (or cut silently by the SDK). :func:`pack_batches` fills each request
greedily within every limit (the body size is estimated pessimistically: each string as
``json.dumps`` writes it with ASCII escapes, plus a fixed overhead per entry), and
:func:`truncate` shortens over-long values with a visible marker.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from tradai.common.mlflow._types import Metric
from tradai.common.mlflow._validation import (
    MAX_ENTITIES_PER_BATCH,
    MAX_METRICS_PER_BATCH,
    MAX_PARAMS_PER_BATCH,
    MAX_TAGS_PER_BATCH,
)

__all__ = ["MAX_BATCH_BYTES", "TRUNCATION_MARKER", "Batch", "pack_batches", "truncate"]

#: Appended to a value cut to the server's length limit.
TRUNCATION_MARKER: Final = "...[truncated]"
#: Body-size budget per request (the server's limit is 1,000,000 bytes).
MAX_BATCH_BYTES: Final = 900_000
_ENTRY_OVERHEAD: Final = 48
_METRIC_OVERHEAD: Final = 96


@dataclass(frozen=True, slots=True)
class Batch:
    """One ``log_batch`` request.

    Attributes:
        metrics: Metric points.
        params: Params.
        tags: Tags.
    """

    metrics: tuple[Metric, ...] = ()
    params: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of entities in the request.

        Returns:
            Metrics + params + tags.
        """
        return len(self.metrics) + len(self.params) + len(self.tags)


def truncate(value: str, limit: int) -> tuple[str, bool]:
    """Cut a value to ``limit`` characters, ending it with :data:`TRUNCATION_MARKER`.

    Args:
        value: The value.
        limit: The most characters allowed (longer than the marker).

    Returns:
        ``(value, False)`` when it fits, else ``(cut value + marker, True)``; the cut
        value is exactly ``limit`` characters long.

    Example:
        >>> truncate("abcdefghijklmnopqrstuvwxyz", 20)
        ('abcdef...[truncated]', True)
    """
    if len(value) <= limit:
        return value, False
    return value[: limit - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER, True


def _text_size(key: str, value: str) -> int:
    return len(json.dumps(key, default=str)) + len(json.dumps(value, default=str)) + _ENTRY_OVERHEAD


def _take(
    items: list[tuple[str, str]], start: int, count_limit: int, budget: int
) -> tuple[int, int]:
    end, used = start, 0
    while end < len(items) and end - start < count_limit:
        cost = _text_size(*items[end])
        if used + cost > budget and end > start:
            break
        used += cost
        end += 1
    return end, used


def pack_batches(
    metrics: Sequence[Metric],
    params: Mapping[str, str],
    tags: Mapping[str, str],
    *,
    max_bytes: int = MAX_BATCH_BYTES,
) -> list[Batch]:
    """Split data into the fewest greedy ``log_batch`` requests within the server limits.

    Args:
        metrics: Metric points (order kept).
        params: Params (values must already fit the length limit).
        tags: Tags (values must already fit the length limit).
        max_bytes: Estimated body-size budget per request.

    Returns:
        The batches (none for no data).

    Example:
        >>> batches = pack_batches([Metric(f"m{i}", 1.0) for i in range(2500)], {}, {})
        >>> [len(b.metrics) for b in batches]
        [1000, 1000, 500]
    """
    param_items, tag_items = list(params.items()), list(tags.items())
    p = t = m = 0
    batches: list[Batch] = []
    while p < len(param_items) or t < len(tag_items) or m < len(metrics):
        p_end, p_used = _take(param_items, p, MAX_PARAMS_PER_BATCH, max_bytes)
        t_end, t_used = _take(tag_items, t, MAX_TAGS_PER_BATCH, max_bytes - p_used)
        t_end = t_end if p_used + t_used <= max_bytes or p_end == p else t
        room = min(MAX_METRICS_PER_BATCH, MAX_ENTITIES_PER_BATCH - (p_end - p) - (t_end - t))
        budget = max_bytes - p_used - (t_used if t_end > t else 0)
        m_end, used = m, 0
        while m_end < len(metrics) and m_end - m < room:
            cost = len(json.dumps(metrics[m_end].key, default=str)) + _METRIC_OVERHEAD
            if used + cost > budget and (m_end > m or p_end > p or t_end > t):
                break
            used += cost
            m_end += 1
        batches.append(
            Batch(tuple(metrics[m:m_end]), dict(param_items[p:p_end]), dict(tag_items[t:t_end]))
        )
        p, t, m = p_end, t_end, m_end
    return batches
