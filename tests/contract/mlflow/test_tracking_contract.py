"""One tracking contract (experiments, runs, log_batch, search), twin and SDK alike."""

from __future__ import annotations

import math

import pytest

from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError
from tradai.common.mlflow.adapter import Metric, TrackingBackend

MISSING_RUN = "0" * 32


def _run(backend: TrackingBackend, unique: str, **kwargs: object) -> tuple[str, str]:
    experiment_id = backend.create_experiment(f"contract/{unique}")
    run = backend.create_run(experiment_id, **kwargs)  # type: ignore[arg-type]
    return experiment_id, run.run_id


def test_experiments_are_created_and_found_by_id_and_name(
    backend: TrackingBackend, unique: str
) -> None:
    name = f"contract/exp-{unique}"
    experiment_id = backend.create_experiment(name, tags={"team": "quant"})
    by_id = backend.get_experiment(experiment_id)
    by_name = backend.get_experiment_by_name(name)
    assert by_id.name == name
    assert by_name is not None
    assert by_name.experiment_id == experiment_id
    assert by_id.tags["team"] == "quant"
    assert by_id.lifecycle_stage == "active"


def test_an_experiment_can_have_its_own_artifact_location(
    backend: TrackingBackend, unique: str
) -> None:
    location = f"s3://tradai-artifacts/experiments/{unique}"
    experiment_id = backend.create_experiment(f"located-{unique}", artifact_location=location)
    assert backend.get_experiment(experiment_id).artifact_location == location
    with pytest.raises(ValidationError):
        backend.create_experiment(f"bad-{unique}", artifact_location="not a uri")
    assert backend.get_experiment_by_name(f"bad-{unique}") is None


def test_the_default_experiment_exists_with_id_zero(backend: TrackingBackend) -> None:
    default = backend.get_experiment_by_name("Default")
    assert default is not None
    assert default.experiment_id == "0"


def test_unknown_experiments_are_none_by_name_and_not_found_by_id(
    backend: TrackingBackend, unique: str
) -> None:
    assert backend.get_experiment_by_name(f"missing-{unique}") is None
    with pytest.raises(NotFoundError):
        backend.get_experiment("987654321")
    with pytest.raises(NotFoundError):
        backend.create_run("987654321")


def test_creating_an_existing_experiment_is_a_conflict(
    backend: TrackingBackend, unique: str
) -> None:
    backend.create_experiment(f"dup-{unique}")
    with pytest.raises(ConflictError):
        backend.create_experiment(f"dup-{unique}")


def test_experiment_tags_can_be_set_later(backend: TrackingBackend, unique: str) -> None:
    experiment_id = backend.create_experiment(f"tags-{unique}")
    backend.set_experiment_tag(experiment_id, "tradai.service", "backtester")
    assert backend.get_experiment(experiment_id).tags["tradai.service"] == "backtester"


def test_a_new_run_is_running_with_its_name_and_tags(backend: TrackingBackend, unique: str) -> None:
    experiment_id = backend.create_experiment(f"runs-{unique}")
    run = backend.create_run(experiment_id, run_name="smoke-1", tags={"tradai.run.type": "x"})
    assert run.status == "RUNNING"
    assert run.experiment_id == experiment_id
    assert run.run_name == "smoke-1"
    assert run.tags["tradai.run.type"] == "x"
    assert run.tags["mlflow.runName"] == "smoke-1"
    assert len(run.run_id) == 32
    assert run.start_time is not None
    assert run.end_time is None


def test_log_batch_round_trips_metrics_params_and_tags(
    backend: TrackingBackend, unique: str
) -> None:
    _, run_id = _run(backend, unique)
    backend.log_batch(
        run_id,
        metrics=[Metric("sharpe", 1.0, step=0), Metric("sharpe", 2.5, step=1), Metric("n", 7)],
        params={"timeframe": "1h", "symbols": "BTC/USDT,ETH/USDT"},
        tags={"tradai.strategy.name": "Pascal"},
    )
    run = backend.get_run(run_id)
    assert run.metrics == {"sharpe": 2.5, "n": 7.0}
    assert run.params == {"timeframe": "1h", "symbols": "BTC/USDT,ETH/USDT"}
    assert run.tags["tradai.strategy.name"] == "Pascal"


def test_a_logged_param_cannot_change_but_may_be_logged_again(
    backend: TrackingBackend, unique: str
) -> None:
    _, run_id = _run(backend, unique)
    backend.log_batch(run_id, params={"p": "1"})
    backend.log_batch(run_id, params={"p": "1"})
    with pytest.raises(ValidationError):
        backend.log_batch(run_id, params={"p": "2"})
    assert backend.get_run(run_id).params == {"p": "1"}


def test_tags_are_overwritten(backend: TrackingBackend, unique: str) -> None:
    _, run_id = _run(backend, unique)
    backend.set_tags(run_id, {"k": "a"})
    backend.set_tags(run_id, {"k": "b"})
    assert backend.get_run(run_id).tags["k"] == "b"


def test_unknown_runs_are_not_found(backend: TrackingBackend) -> None:
    with pytest.raises(NotFoundError):
        backend.get_run(MISSING_RUN)
    with pytest.raises(NotFoundError):
        backend.log_batch(MISSING_RUN, metrics=[Metric("m", 1.0)])
    with pytest.raises(NotFoundError):
        backend.end_run(MISSING_RUN)


@pytest.mark.parametrize("status", ["FINISHED", "FAILED", "KILLED"])
def test_ending_a_run_records_status_and_end_time(
    backend: TrackingBackend, unique: str, status: str
) -> None:
    _, run_id = _run(backend, unique)
    backend.end_run(run_id, status=status)  # type: ignore[arg-type]
    run = backend.get_run(run_id)
    assert run.status == status
    assert run.end_time is not None


@pytest.mark.parametrize("status", ["RUNNING", "finished", "DONE"])
def test_ending_with_a_non_terminal_status_is_refused(
    backend: TrackingBackend, unique: str, status: str
) -> None:
    _, run_id = _run(backend, unique)
    with pytest.raises(ValidationError):
        backend.end_run(run_id, status=status)  # type: ignore[arg-type]


BAD_BATCHES = {
    "1001 metrics": {"metrics": [Metric(f"m{i}", 1.0) for i in range(1001)]},
    "101 params": {"params": {f"p{i}": "v" for i in range(101)}},
    "101 tags": {"tags": {f"t{i}": "v" for i in range(101)}},
    "1001 entities": {
        "metrics": [Metric(f"m{i}", 1.0) for i in range(901)],
        "params": {f"p{i}": "v" for i in range(100)},
    },
    "param of 6001 chars": {"params": {"p": "x" * 6001}},
    "tag of 8001 chars": {"tags": {"t": "x" * 8001}},
    "NaN metric": {"metrics": [Metric("m", math.nan)]},
    "infinite metric": {"metrics": [Metric("m", math.inf)]},
    "bool metric": {"metrics": [Metric("m", True)]},
    "negative step": {"metrics": [Metric("m", 1.0, step=-1)]},
    "non-string param": {"params": {"p": 1}},
    "not a Metric": {"metrics": [("m", 1.0)]},
}


@pytest.mark.parametrize("batch", BAD_BATCHES.values(), ids=BAD_BATCHES.keys())
def test_batches_beyond_the_server_limits_are_refused_before_sending(
    backend: TrackingBackend, unique: str, batch: dict[str, object]
) -> None:
    _, run_id = _run(backend, unique)
    with pytest.raises(ValidationError):
        backend.log_batch(run_id, **batch)  # type: ignore[arg-type]
    run = backend.get_run(run_id)
    assert run.metrics == {}
    assert run.params == {}


def test_a_batch_at_the_limits_is_accepted(backend: TrackingBackend, unique: str) -> None:
    _, run_id = _run(backend, unique)
    backend.log_batch(
        run_id,
        metrics=[Metric(f"m{i}", float(i)) for i in range(800)],
        params={f"p{i}": "x" * 6000 for i in range(100)},
        tags={f"t{i}": "y" * 10 for i in range(100)},
    )
    run = backend.get_run(run_id)
    assert len(run.metrics) == 800
    assert len(run.params) == 100
    assert run.params["p0"] == "x" * 6000


BAD_KEYS = [
    "",
    " lead",
    "trail ",
    "a//b",
    "./a",
    "a/",
    "/abs",
    "../up",
    "semi;colon",
    "pipe|x",
    "dollar$",
    "tick`",
    "new\nline",
    "nul\x00",
    "\u0410lpha",  # Cyrillic A
    "\uff11",  # fullwidth 1
    "x" * 251,
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_invalid_keys_are_refused_for_metrics_params_and_tags(
    backend: TrackingBackend, unique: str, key: str
) -> None:
    _, run_id = _run(backend, unique)
    for batch in ({"metrics": [Metric(key, 1.0)]}, {"params": {key: "v"}}, {"tags": {key: "v"}}):
        with pytest.raises(ValidationError):
            backend.log_batch(run_id, **batch)  # type: ignore[arg-type]


BAD_RUN_IDS = ["", "abc", "0" * 31, "0" * 33, "G" * 32, "A" * 32, " " + "0" * 31, "0" * 32 + "\n"]


@pytest.mark.parametrize("run_id", BAD_RUN_IDS)
def test_malformed_run_ids_are_refused_before_any_request(
    backend: TrackingBackend, run_id: str
) -> None:
    with pytest.raises(ValidationError):
        backend.get_run(run_id)


@pytest.mark.parametrize("name", ["", " padded", "padded ", "new\nline", "nul\x00x", "x" * 501])
def test_malformed_experiment_names_are_refused(backend: TrackingBackend, name: str) -> None:
    with pytest.raises(ValidationError):
        backend.create_experiment(name)
