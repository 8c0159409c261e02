"""MLflow entities: the reference's examples and the REST shapes they are built from."""

from __future__ import annotations

import datetime as dt
import doctest
from typing import Any

import pydantic
import pytest

from tradai.common.entities.mlflow import ExperimentRun, ModelStage, ModelVersion, RegisteredModel

MODEL_VERSION_RESPONSE: dict[str, Any] = {
    "model_version": {
        "name": "PascalStrategy",
        "version": "3",
        "creation_timestamp": 1_700_000_000_123,
        "last_updated_timestamp": "1700000001000",
        "user_id": "ci",
        "current_stage": "Staging",
        "description": "retrained",
        "source": "s3://tradai-mlflow/1/abc/artifacts/model",
        "run_id": "0123456789abcdef0123456789abcdef",
        "status": "READY",
        "status_message": "",
        "tags": [{"key": "git_commit", "value": "abc1234"}, {"key": "empty"}],
        "run_link": "",
        "aliases": ["champion"],
    }
}


def test_model_stage_values_match_mlflow_and_map_to_lower_case_aliases() -> None:
    assert [s.value for s in ModelStage] == ["None", "Staging", "Production", "Archived"]
    assert ModelStage.PRODUCTION.alias == "production"
    assert ModelStage("None") is ModelStage.NONE


def test_documented_model_version_example() -> None:
    version = ModelVersion(
        name="PascalStrategy",
        version="1",
        source="s3://tradai/models/pascal/1",
        current_stage="Production",
    )
    assert version.current_stage == "Production"


def test_documented_from_api_response_example_matches_its_shown_repr() -> None:
    resp = {"name": "Strategy", "version": "1", "source": "s3://...", "current_stage": "Production"}
    shown = "ModelVersion(name='Strategy', version='1', current_stage='Production', ...)"
    checker = doctest.OutputChecker()
    got = repr(ModelVersion.from_api_response(resp))
    assert checker.check_output(shown + "\n", got + "\n", doctest.ELLIPSIS), got


def test_model_version_from_rest_response_converts_tags_aliases_and_timestamps() -> None:
    version = ModelVersion.from_api_response(MODEL_VERSION_RESPONSE)
    assert version.tags == {"git_commit": "abc1234", "empty": ""}
    assert version.aliases == ["champion"]
    assert version.creation_timestamp == dt.datetime(
        2023, 11, 14, 22, 13, 20, 123000, tzinfo=dt.UTC
    )
    assert version.last_updated_timestamp == dt.datetime(2023, 11, 14, 22, 13, 21, tzinfo=dt.UTC)
    assert (version.current_stage, version.status, version.description) == (
        "Staging",
        "READY",
        "retrained",
    )


def test_model_version_defaults() -> None:
    version = ModelVersion(name="S", version="1")
    assert (version.current_stage, version.status, version.tags, version.aliases) == (
        None,
        "READY",
        {},
        [],
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"version": "0"},
        {"version": "v1"},
        {"version": "1\n"},
        {"current_stage": "production"},
        {"status": "DONE"},
        {"name": " S"},
        {"source": "s3://a b"},
        {"aliases": ["bad alias"]},
        {"tags": [{"value": "no key"}]},
        {"tags": ["not an object"]},
        {"creation_timestamp": 10**20},
        {"creation_timestamp": dt.datetime(2024, 1, 1)},
    ],
)
def test_model_version_rejects_invalid_values(changes: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        ModelVersion.model_validate({"name": "S", "version": "1", **changes})


def test_registered_model_from_rest_response() -> None:
    model = RegisteredModel.from_api_response(
        {
            "registered_model": {
                "name": "PascalStrategy",
                "creation_timestamp": 0,
                "description": "trend follower",
                "latest_versions": [MODEL_VERSION_RESPONSE["model_version"]],
                "tags": [{"key": "owner", "value": "quant"}],
                "aliases": [{"alias": "champion", "version": "3"}],
            }
        }
    )
    assert model.aliases == {"champion": "3"}
    assert model.tags == {"owner": "quant"}
    assert model.latest_versions[0].version == "3"
    assert model.creation_timestamp == dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def test_version_for_stage_prefers_the_alias_then_the_legacy_stage() -> None:
    staged = [
        ModelVersion(name="S", version="2", current_stage="Production"),
        ModelVersion(name="S", version="5", current_stage="Production"),
        ModelVersion(name="S", version="6", current_stage="Staging"),
    ]
    by_stage = RegisteredModel(name="S", latest_versions=staged)
    assert by_stage.version_for_stage(ModelStage.PRODUCTION) == "5"
    assert by_stage.version_for_stage(ModelStage.ARCHIVED) is None
    by_alias = RegisteredModel(name="S", latest_versions=staged, aliases={"production": "9"})
    assert by_alias.version_for_stage(ModelStage.PRODUCTION) == "9"
    assert by_alias.version_for_stage("Staging") == "6"  # type: ignore[arg-type]  # str value accepted


def test_registered_model_accepts_the_inner_object_and_dict_aliases() -> None:
    model = RegisteredModel.from_api_response({"name": "S", "aliases": {"prod": "1"}})
    assert model.aliases == {"prod": "1"}
    assert model.latest_versions == []


@pytest.mark.parametrize(
    "aliases", [[{"alias": "a"}], {"a b": "1"}, {"a": "0"}, [{"alias": "a", "version": "x"}]]
)
def test_registered_model_rejects_malformed_aliases(aliases: Any) -> None:
    with pytest.raises(pydantic.ValidationError, match="aliases"):
        RegisteredModel.from_api_response({"name": "S", "aliases": aliases})


RUN_RESPONSE: dict[str, Any] = {
    "run": {
        "info": {
            "run_uuid": "0123456789abcdef0123456789abcdef",
            "experiment_id": "12",
            "run_name": "pascal-bt",
            "user_id": "ci",
            "status": "FINISHED",
            "start_time": "1700000000000",
            "end_time": 1_700_000_060_000,
            "artifact_uri": "s3://tradai-mlflow/12/0123/artifacts",
            "lifecycle_stage": "active",
        },
        "data": {
            "metrics": [
                {"key": "sharpe_ratio", "value": 1.1, "timestamp": 5, "step": 0},
                {"key": "sharpe_ratio", "value": 1.7, "timestamp": 3, "step": 2},
                {"key": "sharpe_ratio", "value": 1.2, "timestamp": 9, "step": 1},
                {"key": "trades", "value": 12, "timestamp": "7", "step": "0"},
            ],
            "params": [{"key": "timeframe", "value": "1h"}],
            "tags": [{"key": "mlflow.runName", "value": "pascal-bt"}],
        },
    }
}


def test_experiment_run_from_rest_response_keeps_latest_metric_per_key() -> None:
    run = ExperimentRun.from_api_response(RUN_RESPONSE)
    assert run.run_id == "0123456789abcdef0123456789abcdef"
    assert (run.experiment_id, run.status, run.run_name) == ("12", "FINISHED", "pascal-bt")
    assert run.metrics == {"sharpe_ratio": 1.7, "trades": 12.0}
    assert run.params == {"timeframe": "1h"}
    assert run.tags == {"mlflow.runName": "pascal-bt"}
    assert run.end_time is not None
    assert run.start_time is not None
    assert run.end_time - run.start_time == dt.timedelta(minutes=1)
    assert run.artifact_uri == "s3://tradai-mlflow/12/0123/artifacts"


def test_experiment_run_prefers_run_id_and_accepts_plain_dicts() -> None:
    run = ExperimentRun.from_api_response(
        {
            "info": {"run_id": "r1", "run_uuid": "other", "experiment_id": "0"},
            "data": {"metrics": {"m": 1.0}, "params": {"p": "v"}},
        }
    )
    assert (run.run_id, run.metrics, run.params, run.status) == (
        "r1",
        {"m": 1.0},
        {"p": "v"},
        "RUNNING",
    )


@pytest.mark.parametrize(
    "response",
    [
        {},
        {"run": {"info": "not a mapping"}},
        {"info": {"run_id": "r1"}},
        {"info": {"run_id": "r1", "experiment_id": "0", "status": "DONE"}},
        {"info": {"run_id": "-r1", "experiment_id": "0"}},
        {
            "info": {"run_id": "r1", "experiment_id": "0"},
            "data": {"metrics": [{"key": "m", "value": 1.0, "step": "x"}]},
        },
        {"info": {"run_id": "r1", "experiment_id": "0"}, "data": {"metrics": [{"key": "m"}]}},
    ],
)
def test_malformed_run_responses_raise_pydantic_validation_error(response: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError):
        ExperimentRun.from_api_response(response)


def test_entities_are_frozen() -> None:
    version = ModelVersion(name="S", version="1")
    with pytest.raises(pydantic.ValidationError):
        version.version = "2"  # type: ignore[misc]  # proving the model is frozen
