"""ExperimentManager on a real server: get-or-create, search across pages, tag lookups."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.mlflow.adapter import Metric, SDKTrackingBackend
from tradai.common.mlflow.experiments import ExperimentManager

pytestmark = pytest.mark.integration


def test_get_or_create_returns_the_same_id_even_when_racing(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    experiments = ExperimentManager(sdk)
    name = f"race/{unique}"
    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = set(pool.map(lambda _: experiments.get_or_create(name), range(4)))
    assert len(ids) == 1
    assert experiments.require(name).experiment_id in ids


def test_experiment_tags_are_set_and_missing_experiments_are_reported(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    experiments = ExperimentManager(sdk)
    experiment_id = experiments.get_or_create(f"tags/{unique}", tags={"tradai.service": "bt"})
    experiments.set_tags(experiment_id, {"tradai.environment": "test"})
    info = experiments.require(f"tags/{unique}")
    assert info.tags["tradai.service"] == "bt"
    assert info.tags["tradai.environment"] == "test"
    assert experiments.get(f"nope/{unique}") is None
    with pytest.raises(NotFoundError):
        experiments.require(f"nope/{unique}")


def test_iter_runs_follows_pages_up_to_the_limit(sdk: SDKTrackingBackend, unique: str) -> None:
    experiments = ExperimentManager(sdk)
    name = f"pages/{unique}"
    experiment_id = experiments.get_or_create(name)
    for index in range(5):
        run = sdk.create_run(experiment_id)
        sdk.log_batch(run.run_id, metrics=[Metric("index", float(index))])
    ordered = ["metrics.index ASC"]
    runs = list(experiments.iter_runs([name], order_by=ordered))
    assert [r.metrics["index"] for r in runs] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert len(list(experiments.iter_runs([name], order_by=ordered, limit=3))) == 3
    page = experiments.search_runs([name], max_results=2, order_by=ordered)
    assert page.has_more
    assert len(page.items) == 2


def test_searching_unknown_experiments_returns_an_empty_page(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    experiments = ExperimentManager(sdk)
    page = experiments.search_runs([f"ghost/{unique}"])
    assert page.items == []
    assert not page.has_more
    with pytest.raises(ValidationError):
        experiments.search_runs([f"ghost/{unique}"], max_results=0)
    with pytest.raises(ValidationError):
        experiments.search_runs(f"ghost/{unique}")


def test_find_runs_matches_every_tag_and_quotes_keys(sdk: SDKTrackingBackend, unique: str) -> None:
    experiments = ExperimentManager(sdk)
    name = f"find/{unique}"
    experiment_id = experiments.get_or_create(name)
    wanted = sdk.create_run(experiment_id)
    experiments.set_run_tags(
        wanted.run_id, {"tradai.strategy.name": "Pascal", "tradai.data.timeframe": "1h"}
    )
    other = sdk.create_run(experiment_id)
    experiments.set_run_tags(other.run_id, {"tradai.strategy.name": "Pascal"})
    found = experiments.find_runs(
        name, {"tradai.strategy.name": "Pascal", "tradai.data.timeframe": "1h"}
    )
    assert [r.run_id for r in found] == [wanted.run_id]
    assert experiments.get_run(wanted.run_id).tags["tradai.data.timeframe"] == "1h"


@pytest.mark.parametrize("value", ["it's", 'say "hi"', "back\\slash", "tick`"])
def test_find_runs_refuses_values_that_could_change_the_filter(
    sdk: SDKTrackingBackend, unique: str, value: str
) -> None:
    with pytest.raises(ValidationError):
        ExperimentManager(sdk).find_runs(f"find/{unique}", {"tradai.user": value})


def test_set_run_tags_sends_more_than_a_hundred_tags_in_chunks(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    experiments = ExperimentManager(sdk)
    run = sdk.create_run(experiments.get_or_create(f"many-tags/{unique}"))
    experiments.set_run_tags(run.run_id, {f"t{i}": str(i) for i in range(250)})
    tags = sdk.get_run(run.run_id).tags
    assert all(tags[f"t{i}"] == str(i) for i in range(250))


def test_set_run_tags_validates_every_chunk_before_sending(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    experiments = ExperimentManager(sdk)
    run = sdk.create_run(experiments.get_or_create(f"bad-tags/{unique}"))
    tags = {f"t{i}": "v" for i in range(150)}
    tags["bad key;"] = "v"
    with pytest.raises(ValidationError):
        experiments.set_run_tags(run.run_id, tags)
    assert "t0" not in sdk.get_run(run.run_id).tags
