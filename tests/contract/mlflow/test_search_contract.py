"""One run-search contract (filters, ordering, pages), twin and SDK alike."""

from __future__ import annotations

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.mlflow.adapter import Metric, TrackingBackend


@pytest.fixture
def populated(backend: TrackingBackend, unique: str) -> tuple[TrackingBackend, str]:
    experiment_id = backend.create_experiment(f"search/{unique}")
    for index, (sharpe, pair) in enumerate(
        [(0.5, "BTC"), (2.0, "ETH"), (1.5, "BTC"), (3.0, "SOL")]
    ):
        run = backend.create_run(experiment_id, run_name=f"run-{index}")
        backend.log_batch(
            run.run_id,
            metrics=[Metric("sharpe_ratio", sharpe)],
            params={"pair": pair, "index": str(index)},
            tags={"tradai.strategy.name": "Pascal" if index % 2 else "Other"},
        )
    return backend, experiment_id


def _names(page: object) -> list[str]:
    return [run.run_name for run in page.items]  # type: ignore[attr-defined]


def test_order_by_a_metric_descending(populated: tuple[TrackingBackend, str]) -> None:
    backend, experiment_id = populated
    page = backend.search_runs([experiment_id], order_by=["metrics.sharpe_ratio DESC"])
    assert _names(page) == ["run-3", "run-1", "run-2", "run-0"]
    assert page.next_cursor is None


@pytest.mark.parametrize(
    ("filter_string", "expected"),
    [
        ("metrics.sharpe_ratio > 1", {"run-1", "run-2", "run-3"}),
        ("metrics.sharpe_ratio >= 1.5 AND params.pair = 'BTC'", {"run-2"}),
        ("params.pair != 'BTC'", {"run-1", "run-3"}),
        ("tags.`tradai.strategy.name` = 'Pascal'", {"run-1", "run-3"}),
        ("attributes.run_name = 'run-0'", {"run-0"}),
        ("params.pair LIKE 'B%'", {"run-0", "run-2"}),
        ("metrics.sharpe_ratio < 0", set()),
    ],
)
def test_filters_select_the_same_runs(
    populated: tuple[TrackingBackend, str], filter_string: str, expected: set[str]
) -> None:
    backend, experiment_id = populated
    page = backend.search_runs([experiment_id], filter_string=filter_string)
    assert set(_names(page)) == expected


def test_pages_follow_the_cursor_without_gaps_or_repeats(
    populated: tuple[TrackingBackend, str],
) -> None:
    backend, experiment_id = populated
    seen: list[str] = []
    token = None
    for _ in range(5):
        page = backend.search_runs(
            [experiment_id],
            order_by=["metrics.sharpe_ratio ASC"],
            max_results=3,
            page_token=token,
        )
        seen += _names(page)
        token = page.next_cursor
        if token is None:
            break
    assert seen == ["run-0", "run-2", "run-1", "run-3"]


@pytest.mark.parametrize(
    "filter_string", ["bogus", "metrics.sharpe_ratio >", "params.pair = 'unterminated"]
)
def test_malformed_filters_are_validation_errors(
    populated: tuple[TrackingBackend, str], filter_string: str
) -> None:
    backend, experiment_id = populated
    with pytest.raises(ValidationError):
        backend.search_runs([experiment_id], filter_string=filter_string)


@pytest.mark.parametrize(
    "kwargs",
    [{"max_results": 0}, {"max_results": 1001}, {"filter_string": "a\x00"}, {"page_token": " "}],
)
def test_bad_search_arguments_are_refused(
    populated: tuple[TrackingBackend, str], kwargs: dict[str, object]
) -> None:
    backend, experiment_id = populated
    with pytest.raises(ValidationError):
        backend.search_runs([experiment_id], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("ids", [[], "1", ["x"], ["-1"]])
def test_bad_experiment_id_lists_are_refused(backend: TrackingBackend, ids: object) -> None:
    with pytest.raises(ValidationError):
        backend.search_runs(ids)  # type: ignore[arg-type]
