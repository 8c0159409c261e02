"""One model-registry contract (versions, aliases, legacy stages), twin and SDK alike."""

from __future__ import annotations

import pytest

from tradai.common.entities.mlflow import ModelStage
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError
from tradai.common.mlflow.adapter import TrackingBackend


@pytest.fixture
def model(backend: TrackingBackend, unique: str) -> tuple[TrackingBackend, str, str]:
    """A registered model with three versions from one run."""
    experiment_id = backend.create_experiment(f"registry/{unique}")
    run_id = backend.create_run(experiment_id).run_id
    name = f"Strategy-{unique}"
    backend.create_registered_model(name, tags={"owner": "quant"}, description="demo")
    for _ in range(3):
        backend.create_model_version(name, source=f"runs:/{run_id}/model", run_id=run_id)
    return backend, name, run_id


def test_versions_are_numbered_from_one(model: tuple[TrackingBackend, str, str]) -> None:
    backend, name, run_id = model
    version = backend.get_model_version(name, "2")
    assert version.version == "2"
    assert version.name == name
    assert version.run_id == run_id
    assert version.source == f"runs:/{run_id}/model"
    assert version.current_stage == "None"
    assert version.status == "READY"
    registered = backend.get_registered_model(name)
    assert registered.tags == {"owner": "quant"}
    assert registered.description == "demo"


def test_registering_an_existing_model_is_a_conflict(
    model: tuple[TrackingBackend, str, str],
) -> None:
    backend, name, _ = model
    with pytest.raises(ConflictError):
        backend.create_registered_model(name)


def test_unknown_models_and_versions_are_not_found(
    model: tuple[TrackingBackend, str, str], unique: str
) -> None:
    backend, name, run_id = model
    with pytest.raises(NotFoundError):
        backend.get_registered_model(f"missing-{unique}")
    with pytest.raises(NotFoundError):
        backend.create_model_version(f"missing-{unique}", source=f"runs:/{run_id}/m", run_id=run_id)
    with pytest.raises(NotFoundError):
        backend.get_model_version(name, "99")


def test_an_alias_points_at_one_version_and_moves(model: tuple[TrackingBackend, str, str]) -> None:
    backend, name, _ = model
    backend.set_alias(name, "champion", "1")
    assert backend.get_version_by_alias(name, "champion").version == "1"
    backend.set_alias(name, "champion", "3")
    champion = backend.get_version_by_alias(name, "champion")
    assert champion.version == "3"
    assert champion.aliases == ["champion"]
    assert backend.get_model_version(name, "1").aliases == []
    assert backend.get_registered_model(name).aliases == {"champion": "3"}


def test_deleting_an_alias_unsets_it_and_is_idempotent(
    model: tuple[TrackingBackend, str, str],
) -> None:
    backend, name, _ = model
    backend.set_alias(name, "challenger", "2")
    backend.delete_alias(name, "challenger")
    backend.delete_alias(name, "challenger")
    with pytest.raises(NotFoundError):
        backend.get_version_by_alias(name, "challenger")


def test_aliases_on_unknown_models_or_versions_are_not_found(
    model: tuple[TrackingBackend, str, str], unique: str
) -> None:
    backend, name, _ = model
    with pytest.raises(NotFoundError):
        backend.set_alias(name, "champion", "42")
    with pytest.raises(NotFoundError):
        backend.set_alias(f"missing-{unique}", "champion", "1")
    with pytest.raises(NotFoundError):
        backend.delete_alias(f"missing-{unique}", "champion")


@pytest.mark.parametrize(
    "alias", ["latest", "LATEST", "v1", "V12", "", "with space", "semi;", "\u0410", "a" * 256]
)
def test_reserved_or_malformed_aliases_are_refused(
    model: tuple[TrackingBackend, str, str], alias: str
) -> None:
    backend, name, _ = model
    with pytest.raises(ValidationError):
        backend.set_alias(name, alias, "1")


@pytest.mark.parametrize("name", ["a/b", "a:b", ".", "..", " padded", "nul\x00", "new\nline", ""])
def test_malformed_model_names_are_refused(backend: TrackingBackend, name: str) -> None:
    with pytest.raises(ValidationError):
        backend.create_registered_model(name)


@pytest.mark.parametrize("version", ["0", "-1", "1.0", "one", " 1", "\uff11"])
def test_malformed_versions_are_refused(
    model: tuple[TrackingBackend, str, str], version: str
) -> None:
    backend, name, _ = model
    with pytest.raises(ValidationError):
        backend.get_model_version(name, version)


def test_stage_transitions_and_latest_versions_per_stage(
    model: tuple[TrackingBackend, str, str],
) -> None:
    backend, name, _ = model
    moved = backend.transition_stage(name, "1", ModelStage.PRODUCTION)
    assert moved.current_stage == "Production"
    backend.transition_stage(name, "2", ModelStage.STAGING)
    latest = backend.get_latest_versions(name)
    assert [(v.version, v.current_stage) for v in latest] == [
        ("1", "Production"),
        ("2", "Staging"),
        ("3", "None"),
    ]
    production = backend.get_latest_versions(name, [ModelStage.PRODUCTION])
    assert [v.version for v in production] == ["1"]
    stages = {
        v.current_stage: v.version for v in backend.get_registered_model(name).latest_versions
    }
    assert stages == {"Production": "1", "Staging": "2", "None": "3"}


def test_archive_existing_moves_the_previous_holder_to_archived(
    model: tuple[TrackingBackend, str, str],
) -> None:
    backend, name, _ = model
    backend.transition_stage(name, "1", ModelStage.PRODUCTION)
    backend.transition_stage(name, "2", ModelStage.PRODUCTION, archive_existing=True)
    assert backend.get_model_version(name, "1").current_stage == "Archived"
    assert backend.get_model_version(name, "2").current_stage == "Production"


def test_a_runs_source_must_name_the_given_run(
    model: tuple[TrackingBackend, str, str],
) -> None:
    backend, name, run_id = model
    with pytest.raises(ValidationError):
        backend.create_model_version(name, source=f"runs:/{run_id}/model")
    with pytest.raises(ValidationError):
        backend.create_model_version(name, source=f"runs:/{'a' * 32}/model", run_id=run_id)
    assert len(backend.get_latest_versions(name)) == 1


def test_unknown_stages_are_refused(model: tuple[TrackingBackend, str, str]) -> None:
    backend, name, _ = model
    with pytest.raises(ValidationError):
        backend.transition_stage(name, "1", "Live")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        backend.get_latest_versions(name, ["production"])  # type: ignore[list-item]
