"""Bad input is refused before any request: the SDK backend here points at a closed port.

A request would surface as ``TransientError`` (connection refused); getting
``ValidationError`` instead proves nothing was sent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from support.services import free_port
from tradai.common.exceptions import ConflictError, TradAIError, ValidationError
from tradai.common.mlflow.adapter import Metric, SDKTrackingBackend, TrackingBackend
from tradai.common.mlflow.artifacts import ArtifactManager
from tradai.common.mlflow.client import MLflowClientConfig
from tradai.common.mlflow.experiments import ExperimentManager
from tradai.common.mlflow.memory import InMemoryTrackingBackend
from tradai.common.mlflow.registry import ModelRegistry

RUN = "a" * 32


@pytest.fixture(params=["twin", "sdk-offline"])
def backend(request: pytest.FixtureRequest) -> TrackingBackend:
    if request.param == "twin":
        return InMemoryTrackingBackend()
    config = MLflowClientConfig(max_retries=0, backoff_factor=0, timeout_s=1)
    return SDKTrackingBackend.from_uri(f"http://127.0.0.1:{free_port()}", config=config)


CALLS = {
    "source not a URI": lambda b: b.create_model_version("M", source="not a uri"),
    "source with space": lambda b: b.create_model_version("M", source="s3://b/k y"),
    "filter too long": lambda b: b.search_runs(["0"], filter_string="x" * 4001),
    "blank order_by": lambda b: b.search_runs(["0"], order_by=[" "]),
    "order_by with NUL": lambda b: b.search_runs(["0"], order_by=["metrics.x\x00"]),
    "bool max_results": lambda b: b.search_runs(["0"], max_results=True),
    "non-string key": lambda b: b.log_batch(RUN, params={1: "v"}),
    "negative timestamp": lambda b: b.log_batch(RUN, metrics=[Metric("m", 1.0, 0, -5)]),
    "bool timestamp": lambda b: b.log_batch(RUN, metrics=[Metric("m", 1.0, 0, True)]),
    "bad experiment id": lambda b: b.get_experiment("one"),
    "bad run name": lambda b: b.create_run("0", run_name=" padded"),
    "bad experiment tag": lambda b: b.set_experiment_tag("0", "bad key;", "v"),
    "bad tag on create": lambda b: b.create_experiment("fine", tags={"x" * 251: "v"}),
    "bad model tag": lambda b: b.create_registered_model("M", tags={"k": 5}),
    "bad alias lookup": lambda b: b.get_version_by_alias("M", "v3"),
    "bad alias delete": lambda b: b.delete_alias("M", "latest"),
    "bad list path": lambda b: b.list_artifacts(RUN, "../x"),
    "bad end status": lambda b: b.end_run(RUN, status="DONE"),
    "bad stage list": lambda b: b.get_latest_versions("M", ["Live"]),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_bad_input_is_a_validation_error_without_a_request(
    backend: TrackingBackend, call: object
) -> None:
    with pytest.raises(ValidationError):
        call(backend)  # type: ignore[operator]


def test_an_empty_batch_sends_nothing(backend: TrackingBackend) -> None:
    backend.log_batch(RUN)


def test_the_offline_sdk_backend_really_is_offline() -> None:
    config = MLflowClientConfig(max_retries=0, backoff_factor=0, timeout_s=1)
    backend = SDKTrackingBackend.from_uri(f"http://127.0.0.1:{free_port()}", config=config)
    with pytest.raises(TradAIError) as info:
        backend.get_run(RUN)
    assert info.value.retryable
    assert backend.client.tracking_uri.startswith("http://127.0.0.1:")


def test_managers_validate_before_calling_the_backend(tmp_path: Path) -> None:
    backend = InMemoryTrackingBackend()
    with pytest.raises(ValidationError):
        ArtifactManager(backend).log_file(RUN, tmp_path / "absent.txt")
    with pytest.raises(ValidationError):
        ArtifactManager(backend).log_dir(RUN, tmp_path / "absent")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "bad name;.txt").write_text("x")
    with pytest.raises(ValidationError):
        ArtifactManager(backend).log_dir(RUN, tmp_path / "d")
    with pytest.raises(ValidationError):
        ArtifactManager(backend).log_text(RUN, "x", "../escape.txt")
    with pytest.raises(ValidationError):
        ExperimentManager(backend).set_tags("0", {"bad key;": "v"})
    with pytest.raises(ValidationError):
        ModelRegistry(backend).register_version("M", run_id=RUN, tags={"k;": "v"})
    with pytest.raises(ValidationError):
        ModelRegistry(backend).transition_stage("M", 1, "Live")


class _LosesTheRace(InMemoryTrackingBackend):
    """Another writer creates the experiment/model between our read and our create."""

    def __init__(self, *, winner_visible: bool) -> None:
        super().__init__()
        self._winner_visible = winner_visible
        self.reads = 0

    def get_experiment_by_name(self, name: str):  # type: ignore[no-untyped-def]
        self.reads += 1
        if self.reads == 1 or not self._winner_visible:
            return None
        return super().get_experiment_by_name(name)

    def create_experiment(self, name: str, *, tags=None, artifact_location=None) -> str:  # type: ignore[no-untyped-def]
        super().create_experiment(name, tags=tags, artifact_location=artifact_location)
        raise ConflictError("lost the race")

    def get_registered_model(self, name: str):  # type: ignore[no-untyped-def]
        self.reads += 1
        if self.reads == 1:
            from tradai.common.exceptions import NotFoundError

            raise NotFoundError("not yet")
        return super().get_registered_model(name)

    def create_registered_model(self, name: str, *, tags=None, description=None):  # type: ignore[no-untyped-def]
        super().create_registered_model(name, tags=tags, description=description)
        raise ConflictError("lost the race")


def test_get_or_create_reads_the_winner_after_losing_a_race() -> None:
    backend = _LosesTheRace(winner_visible=True)
    assert ExperimentManager(backend).get_or_create("raced") == "1"
    backend = _LosesTheRace(winner_visible=True)
    assert ModelRegistry(backend).get_or_create_model("Raced").name == "Raced"


def test_get_or_create_re_raises_when_the_winner_is_invisible() -> None:
    with pytest.raises(ConflictError):
        ExperimentManager(_LosesTheRace(winner_visible=False)).get_or_create("raced")


def test_tradai_errors_raised_inside_a_call_are_not_rewrapped() -> None:
    backend = SDKTrackingBackend.from_uri("http://127.0.0.1:9")

    def fail(_: object) -> None:
        raise ConflictError("mine")

    with pytest.raises(ConflictError, match="mine"):
        backend.client.call("op", fail)


def test_get_or_create_returns_an_existing_experiment_without_creating() -> None:
    backend = InMemoryTrackingBackend()
    experiments = ExperimentManager(backend)
    first = experiments.get_or_create("once")
    assert experiments.get_or_create("once") == first
    assert backend.search_runs([first]).items == []
