"""ModelRegistry on a real server: strategy_version resolution, aliases first, stages second."""

from __future__ import annotations

import warnings

import pytest

from tradai.common.entities.mlflow import ModelStage
from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.mlflow.adapter import SDKTrackingBackend
from tradai.common.mlflow.registry import ALIAS_CHALLENGER, ALIAS_CHAMPION, ModelRegistry

pytestmark = pytest.mark.integration


@pytest.fixture
def strategy(sdk: SDKTrackingBackend, unique: str) -> tuple[ModelRegistry, str]:
    """A strategy model with versions 1..3 registered from real runs."""
    experiment_id = sdk.create_experiment(f"registry-it/{unique}")
    registry = ModelRegistry(sdk)
    name = f"Pascal-{unique}"
    for _ in range(3):
        run_id = sdk.create_run(experiment_id).run_id
        registry.register_version(name, run_id=run_id, tags={"tradai.model.type": "lgbm"})
    return registry, name


def test_register_version_creates_the_model_once_and_numbers_versions(
    strategy: tuple[ModelRegistry, str],
) -> None:
    registry, name = strategy
    version = registry.get_version(name, 3)
    assert version.version == "3"
    assert version.source == f"runs:/{version.run_id}/model"
    assert version.tags == {"tradai.model.type": "lgbm"}
    assert registry.get_or_create_model(name).name == name


@pytest.mark.parametrize(("spec", "expected"), [("1", "1"), ("2", "2"), ("latest", "3")])
def test_numbers_and_latest_resolve_directly(
    strategy: tuple[ModelRegistry, str], spec: str, expected: str
) -> None:
    registry, name = strategy
    assert registry.resolve_version(name, spec).version == expected


def test_a_stage_resolves_through_its_lower_case_alias_first(
    strategy: tuple[ModelRegistry, str],
) -> None:
    registry, name = strategy
    registry.transition_stage(name, 1, ModelStage.PRODUCTION)
    registry.set_alias(name, "production", 2)
    resolved = registry.resolve_version(name, "Production")
    assert resolved.version == "2"
    assert resolved.aliases == ["production"]


def test_a_stage_falls_back_to_the_legacy_stage_without_an_alias(
    strategy: tuple[ModelRegistry, str],
) -> None:
    registry, name = strategy
    registry.transition_stage(name, 1, ModelStage.STAGING)
    registry.transition_stage(name, 2, ModelStage.ARCHIVED)
    assert registry.resolve_version(name, "Staging").version == "1"
    assert registry.resolve_version(name, "Archived").version == "2"
    assert registry.resolve_version(name, "None").version == "3"
    with pytest.raises(NotFoundError):
        registry.resolve_version(name, "Production")


def test_resolution_and_transitions_emit_no_future_warning(
    strategy: tuple[ModelRegistry, str],
) -> None:
    registry, name = strategy
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        registry.transition_stage(name, 1, "Production", archive_existing=True)
        assert registry.resolve_version(name, "Production").version == "1"
        assert len(registry._backend.get_latest_versions(name)) == 2


def test_champion_and_challenger_aliases_move_between_versions(
    strategy: tuple[ModelRegistry, str],
) -> None:
    registry, name = strategy
    assert registry.promote(name, 1).aliases == [ALIAS_CHAMPION]
    registry.promote(name, 2, alias=ALIAS_CHALLENGER)
    registry.promote(name, 2)
    assert registry.get_by_alias(name, ALIAS_CHAMPION).version == "2"
    assert sorted(registry.get_version(name, 2).aliases) == [ALIAS_CHALLENGER, ALIAS_CHAMPION]
    registry.delete_alias(name, ALIAS_CHALLENGER)
    with pytest.raises(NotFoundError):
        registry.get_by_alias(name, ALIAS_CHALLENGER)


@pytest.mark.parametrize("spec", ["production", "LATEST", "0", "v1", "1.0", " 1", "Live", ""])
def test_invalid_strategy_versions_are_refused_before_any_request(
    strategy: tuple[ModelRegistry, str], spec: str
) -> None:
    registry, name = strategy
    with pytest.raises(ValidationError):
        registry.resolve_version(name, spec)


def test_unknown_models_and_versions_are_not_found(
    strategy: tuple[ModelRegistry, str], unique: str
) -> None:
    registry, name = strategy
    with pytest.raises(NotFoundError):
        registry.resolve_version(f"missing-{unique}", "latest")
    with pytest.raises(NotFoundError):
        registry.resolve_version(name, "9")


def test_a_model_without_versions_has_no_latest(sdk: SDKTrackingBackend, unique: str) -> None:
    registry = ModelRegistry(sdk)
    registry.get_or_create_model(f"empty-{unique}")
    with pytest.raises(NotFoundError):
        registry.resolve_version(f"empty-{unique}", "latest")


def test_registering_from_an_unknown_run_creates_nothing(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    registry = ModelRegistry(sdk)
    with pytest.raises(NotFoundError):
        registry.register_version(f"ghost-{unique}", run_id="e" * 32)
    with pytest.raises(NotFoundError):
        sdk.get_registered_model(f"ghost-{unique}")
