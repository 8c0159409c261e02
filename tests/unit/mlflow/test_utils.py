"""MLflowURIConverter: build, parse and convert MLflow URIs; refuse malformed ones."""

from __future__ import annotations

import pytest

from tradai.common.entities.mlflow import ModelStage
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.mlflow.utils import MLflowURIConverter, ModelURI, RunURI

RUN = "0123456789abcdef0123456789abcdef"
C = MLflowURIConverter


@pytest.mark.parametrize(
    ("kwargs", "uri"),
    [
        ({}, "models:/Pascal/latest"),
        ({"version": 3}, "models:/Pascal/3"),
        ({"version": "12"}, "models:/Pascal/12"),
        ({"stage": "production"}, "models:/Pascal/Production"),
        ({"stage": ModelStage.STAGING}, "models:/Pascal/Staging"),
        ({"alias": "champion"}, "models:/Pascal@champion"),
    ],
)
def test_model_uris_are_built_and_parse_back(kwargs: dict[str, object], uri: str) -> None:
    assert C.build_model_uri("Pascal", **kwargs) == uri  # type: ignore[arg-type]
    assert C.parse_model_uri(uri).uri == uri


def test_parsed_model_uris_expose_their_selector() -> None:
    assert C.parse_model_uri("models:/Pascal/latest") == ModelURI("Pascal", latest=True)
    assert C.parse_model_uri("models:/Pascal/none").stage == "None"
    assert C.parse_model_uri("models:/Pascal/7").version == "7"
    logged = C.parse_model_uri(f"models:/m-{RUN}")
    assert logged.model_id == f"m-{RUN}"
    assert logged.uri == f"models:/m-{RUN}"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"version": 0},
        {"version": True},
        {"version": "1.0"},
        {"stage": "Live"},
        {"alias": "latest"},
        {"alias": "v2"},
        {"alias": "bad alias"},
        {"version": 1, "alias": "champion"},
    ],
)
def test_invalid_model_uri_parts_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        C.build_model_uri("Pascal", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "uri",
    [
        "models:/",
        "models:/Pascal",
        "models:/Pascal/",
        "models:/Pascal/v1",
        "models:/Pascal@",
        "models:/Pascal@latest",
        "models:/a/b/c",
        "models:/ Pascal/1",
        "model:/Pascal/1",
        "runs:/abc",
        "models:/Pascal/1\n",
        "models:/Pascal/\uff11",
    ],
)
def test_malformed_model_uris_are_refused(uri: str) -> None:
    with pytest.raises(ValidationError):
        C.parse_model_uri(uri)


def test_non_string_uris_are_refused() -> None:
    for parse in (C.parse_model_uri, C.parse_run_uri, C.artifact_path):
        with pytest.raises(ValidationError):
            parse(None)  # type: ignore[arg-type]


def test_run_uris_are_built_and_parsed() -> None:
    assert C.build_run_uri(RUN) == f"runs:/{RUN}"
    assert C.build_run_uri(RUN, "model/data") == f"runs:/{RUN}/model/data"
    assert C.parse_run_uri(f"runs:/{RUN}/model/") == RunURI(RUN, "model")
    assert C.parse_run_uri(f"runs:/{RUN}").uri == f"runs:/{RUN}"


@pytest.mark.parametrize(
    "uri", [f"runs:/{RUN[:-1]}", f"runs:/{RUN.upper()}", f"runs:/{RUN}/../x", "runs:/", "s3://b/k"]
)
def test_malformed_run_uris_are_refused(uri: str) -> None:
    with pytest.raises(ValidationError):
        C.parse_run_uri(uri)
    if uri.startswith("runs:/") and len(uri) > 6:
        with pytest.raises(ValidationError):
            C.build_run_uri(uri[6:38], uri[39:] or "../x")


@pytest.mark.parametrize(
    ("uri", "path"),
    [
        ("mlflow-artifacts:/1/abc/artifacts", "1/abc/artifacts"),
        ("mlflow-artifacts://mlflow.internal:5000/1/abc/", "1/abc"),
        ("mlflow-artifacts://host/0/x.json", "0/x.json"),
    ],
)
def test_artifact_paths_are_extracted(uri: str, path: str) -> None:
    assert C.artifact_path(uri) == path


@pytest.mark.parametrize(
    "uri",
    [
        "mlflow-artifacts:1/abc",
        "mlflow-artifacts://bad host/1",
        "mlflow-artifacts://host",
        "mlflow-artifacts:/../etc",
        "mlflow-artifacts:/a;b",
        "s3://bucket/key",
    ],
)
def test_malformed_artifact_uris_are_refused(uri: str) -> None:
    with pytest.raises(ValidationError):
        C.artifact_path(uri)


def test_s3_conversion_both_ways_under_the_destination() -> None:
    conv = MLflowURIConverter(artifacts_destination="s3://tradai-mlflow/artifacts/")
    uri = f"mlflow-artifacts:/1/{RUN}/artifacts/config.json"
    s3 = conv.to_s3(uri)
    assert s3 == f"s3://tradai-mlflow/artifacts/1/{RUN}/artifacts/config.json"
    assert conv.from_s3(s3) == uri
    assert conv.to_s3("s3://other-bucket/key") == "s3://other-bucket/key"


def test_s3_conversion_with_a_bucket_root_destination() -> None:
    conv = MLflowURIConverter(artifacts_destination="s3://tradai-mlflow")
    assert conv.to_s3("mlflow-artifacts:/1/x") == "s3://tradai-mlflow/1/x"
    assert conv.from_s3("s3://tradai-mlflow/1/x") == "mlflow-artifacts:/1/x"


@pytest.mark.parametrize(
    "uri", ["s3://other-bucket/artifacts/1", "s3://tradai-mlflow/elsewhere/1", "s3://Bad_Bucket/x"]
)
def test_s3_uris_outside_the_destination_are_refused(uri: str) -> None:
    conv = MLflowURIConverter(artifacts_destination="s3://tradai-mlflow/artifacts")
    with pytest.raises(ValidationError):
        conv.from_s3(uri)


def test_conversion_without_a_destination_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        MLflowURIConverter().to_s3("mlflow-artifacts:/1/x")
    with pytest.raises(ConfigurationError):
        MLflowURIConverter().from_s3("s3://tradai-mlflow/1/x")


@pytest.mark.parametrize("destination", ["http://x/y", "s3://", "s3://UPPER/x", "s3://b/\x00"])
def test_an_invalid_destination_is_refused(destination: str) -> None:
    with pytest.raises(ValidationError):
        MLflowURIConverter(artifacts_destination=destination)
