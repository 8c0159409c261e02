"""Behaviour specific to the in-memory twin: injected clock, cursors, the search subset."""

from __future__ import annotations

import datetime as dt

import pytest

from tradai.common.exceptions import ValidationError
from tradai.common.mlflow.adapter import Metric, TrackingBackend
from tradai.common.mlflow.memory import InMemoryTrackingBackend
from tradai.common.protocols import ManualClock

START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def twin() -> InMemoryTrackingBackend:
    return InMemoryTrackingBackend(clock=ManualClock(START))


def test_the_twin_is_a_tracking_backend(twin: InMemoryTrackingBackend) -> None:
    assert isinstance(twin, TrackingBackend)


def test_timestamps_come_from_the_injected_clock(twin: InMemoryTrackingBackend) -> None:
    run = twin.create_run("0")
    assert run.start_time == START
    assert run.run_name == f"run-{run.run_id[:8]}"
    twin.end_run(run.run_id)
    assert twin.get_run(run.run_id).end_time == START


def test_a_run_name_tag_names_the_run(twin: InMemoryTrackingBackend) -> None:
    run = twin.create_run("0", tags={"mlflow.runName": "from-tag"})
    assert run.run_name == "from-tag"


@pytest.mark.parametrize("token", ["offset-x", "page-1", "offset-", "12"])
def test_malformed_cursors_are_refused(twin: InMemoryTrackingBackend, token: str) -> None:
    with pytest.raises(ValidationError):
        twin.search_runs(["0"], page_token=token)


def _runs(twin: InMemoryTrackingBackend) -> list[str]:
    ids = []
    for index in range(3):
        run = twin.create_run("0", run_name=f"r{index}")
        if index:
            twin.log_batch(run.run_id, metrics=[Metric("score", float(index))])
        twin.log_batch(run.run_id, params={"p": f"v{index}"}, tags={"mode": "ABC"})
        ids.append(run.run_id)
    return ids


def test_runs_missing_the_order_key_sort_last(twin: InMemoryTrackingBackend) -> None:
    _runs(twin)
    for direction in ("ASC", "DESC"):
        page = twin.search_runs(["0"], order_by=[f"metrics.score {direction}"])
        assert page.items[-1].run_name == "r0"


@pytest.mark.parametrize(
    ("filter_string", "names"),
    [
        ("tags.mode ILIKE 'abc'", {"r0", "r1", "r2"}),
        ("tags.mode LIKE 'abc'", set()),
        ("params.p LIKE 'v_'", {"r0", "r1", "r2"}),
        ('params."p" = "v1"', {"r1"}),
        ("param.p = 'v2' and metric.score >= 2", {"r2"}),
        ("status = 'RUNNING'", {"r0", "r1", "r2"}),
        ("attributes.start_time > 0", {"r0", "r1", "r2"}),
        ("run.run_name != 'r0'", {"r1", "r2"}),
        ("attr.end_time > 0", set()),
    ],
)
def test_the_supported_filter_subset(
    twin: InMemoryTrackingBackend, filter_string: str, names: set[str]
) -> None:
    _runs(twin)
    page = twin.search_runs(["0"], filter_string=filter_string)
    assert {r.run_name for r in page.items} == names


@pytest.mark.parametrize(
    "filter_string",
    [
        "metrics.score > 1 OR metrics.score < 0",
        "bogus.x = 'y'",
        "attributes.lifecycle_stage = 'active'",
        "metrics.score = 'high'",
        "params.p > 1",
        "metrics.score LIKE '1%'",
        "tags.mode = 'open",
    ],
)
def test_filters_outside_the_subset_are_refused(
    twin: InMemoryTrackingBackend, filter_string: str
) -> None:
    with pytest.raises(ValidationError):
        twin.search_runs(["0"], filter_string=filter_string)


@pytest.mark.parametrize("order", ["metrics.score SIDEWAYS", "nope.x ASC", "attributes.user ASC"])
def test_unsupported_order_keys_are_refused(twin: InMemoryTrackingBackend, order: str) -> None:
    with pytest.raises(ValidationError):
        twin.search_runs(["0"], order_by=[order])


def test_and_inside_a_quoted_value_does_not_split_the_filter(
    twin: InMemoryTrackingBackend,
) -> None:
    run = twin.create_run("0", run_name="x")
    twin.log_batch(run.run_id, tags={"note": "this AND that"})
    page = twin.search_runs(["0"], filter_string="tags.note = 'this AND that'")
    assert [r.run_id for r in page.items] == [run.run_id]


def test_returned_experiments_are_copies(twin: InMemoryTrackingBackend) -> None:
    experiment_id = twin.create_experiment("copies", tags={"a": "1"})
    twin.get_experiment(experiment_id).tags["a"] = "changed"
    found = twin.get_experiment_by_name("copies")
    assert found is not None
    found.tags["b"] = "added"
    assert twin.get_experiment(experiment_id).tags == {"a": "1"}
