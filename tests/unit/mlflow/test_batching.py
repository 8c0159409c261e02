"""pack_batches keeps every request within the server limits; truncate marks cut values."""

from __future__ import annotations

import pytest

from tradai.common.mlflow._batching import (
    MAX_BATCH_BYTES,
    TRUNCATION_MARKER,
    pack_batches,
    truncate,
)
from tradai.common.mlflow._types import Metric
from tradai.common.mlflow._validation import check_batch


def _metrics(n: int) -> list[Metric]:
    return [Metric(f"m{i}", float(i)) for i in range(n)]


def test_no_data_needs_no_batch() -> None:
    assert pack_batches([], {}, {}) == []


def test_2500_metrics_250_params_250_tags_pack_into_three_valid_batches() -> None:
    params = {f"p{i}": "v" for i in range(250)}
    tags = {f"t{i}": "v" for i in range(250)}
    batches = pack_batches(_metrics(2500), params, tags)
    assert [(len(b.metrics), len(b.params), len(b.tags)) for b in batches] == [
        (800, 100, 100),
        (800, 100, 100),
        (900, 50, 50),
    ]
    for batch in batches:
        check_batch(batch.metrics, batch.params, batch.tags)
        assert batch.size <= 1000
    assert [m.key for b in batches for m in b.metrics] == [f"m{i}" for i in range(2500)]
    assert {k for b in batches for k in b.params} == set(params)


def test_long_values_are_split_by_body_size() -> None:
    params = {f"p{i}": "x" * 6000 for i in range(100)}
    tags = {f"t{i}": "y" * 8000 for i in range(100)}
    batches = pack_batches(_metrics(10), params, tags)
    assert len(batches) >= 2
    for batch in batches:
        estimate = sum(len(v) for v in batch.params.values()) + sum(
            len(v) for v in batch.tags.values()
        )
        assert estimate <= MAX_BATCH_BYTES
    assert sum(len(b.tags) for b in batches) == 100
    assert sum(len(b.metrics) for b in batches) == 10


def test_escaped_characters_count_towards_the_body_size() -> None:
    params = {f"p{i}": "\u00e9" * 6000 for i in range(100)}
    batches = pack_batches([], params, {})
    assert len(batches) >= 4  # each value is 36,000 bytes once JSON-escaped


def test_a_tiny_budget_still_makes_progress_one_entity_at_a_time() -> None:
    batches = pack_batches(_metrics(3), {"p": "v"}, {"t": "v"}, max_bytes=1)
    assert sum(b.size for b in batches) == 5
    assert all(b.size >= 1 for b in batches)


def test_truncate_keeps_short_values_and_marks_cut_ones() -> None:
    assert truncate("short", 10) == ("short", False)
    assert truncate("x" * 10, 10) == ("x" * 10, False)
    cut, was_cut = truncate("x" * 7000, 6000)
    assert was_cut
    assert len(cut) == 6000
    assert cut.endswith(TRUNCATION_MARKER)


@pytest.mark.parametrize("n", [999, 1000, 1001, 2000, 2001])
def test_metric_only_batches_hold_at_most_a_thousand(n: int) -> None:
    batches = pack_batches(_metrics(n), {}, {})
    assert all(len(b.metrics) <= 1000 for b in batches)
    assert len(batches) == -(-n // 1000)
