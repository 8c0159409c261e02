"""ArtifactManager on real servers: local-disk artifacts and artifacts on the moto S3."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from support.services import Service
from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.mlflow.adapter import SDKTrackingBackend
from tradai.common.mlflow.artifacts import ArtifactManager
from tradai.common.mlflow.utils import MLflowURIConverter

pytestmark = pytest.mark.integration

MLFLOW_S3_BUCKET = "tradai-mlflow-artifacts"


def _run(backend: SDKTrackingBackend, name: str) -> str:
    return backend.create_run(backend.create_experiment(name)).run_id


def test_json_and_text_round_trip(sdk: SDKTrackingBackend, unique: str) -> None:
    artifacts = ArtifactManager(sdk)
    run_id = _run(sdk, f"artifacts-it/{unique}")
    data = {"pairs": ["BTC/USDT", "ETH/USDT"], "stake": 1000.5, "name": "Pascal ü"}
    artifacts.log_json(run_id, data, "backtest/config.json")
    artifacts.log_text(run_id, "héllo\n", "notes.txt")
    assert artifacts.load_json(run_id, "backtest/config.json") == data
    assert artifacts.load_text(run_id, "notes.txt") == "héllo\n"
    assert [e.path for e in artifacts.list_artifacts(run_id)] == ["backtest", "notes.txt"]


def test_a_directory_is_uploaded_with_its_layout(
    sdk: SDKTrackingBackend, unique: str, tmp_path: Path
) -> None:
    artifacts = ArtifactManager(sdk)
    run_id = _run(sdk, f"artifacts-dir/{unique}")
    (tmp_path / "src" / "sub").mkdir(parents=True)
    (tmp_path / "src" / "a.txt").write_text("a")
    (tmp_path / "src" / "sub" / "b.txt").write_text("b")
    (tmp_path / "src" / "link.txt").symlink_to(tmp_path / "src" / "a.txt")
    assert artifacts.log_dir(run_id, tmp_path / "src", artifact_path="model") == 2
    dst = tmp_path / "dst"
    dst.mkdir()
    local = artifacts.download(run_id, "model", dst)
    assert (local / "sub" / "b.txt").read_text() == "b"
    assert not (local / "link.txt").exists()
    assert artifacts.log_dir(run_id, tmp_path / "src" / "sub") == 1
    assert artifacts.load_text(run_id, "b.txt") == "b"


def test_bad_json_and_missing_artifacts_are_typed_errors(
    sdk: SDKTrackingBackend, unique: str
) -> None:
    artifacts = ArtifactManager(sdk)
    run_id = _run(sdk, f"artifacts-bad/{unique}")
    with pytest.raises(ValidationError):
        artifacts.log_json(run_id, {"x": float("nan")}, "x.json")
    with pytest.raises(ValidationError):
        artifacts.log_json(run_id, {"x": object()}, "x.json")
    artifacts.log_text(run_id, "{not json", "broken.json")
    with pytest.raises(ValidationError):
        artifacts.load_json(run_id, "broken.json")
    with pytest.raises(NotFoundError):
        artifacts.load_text(run_id, "absent.txt")
    assert [e.path for e in artifacts.list_artifacts(run_id)] == ["broken.json"]


def test_artifacts_land_on_s3_where_the_uri_converter_says(
    mlflow_server_s3: Service, unique: str
) -> None:
    backend = SDKTrackingBackend.from_uri(mlflow_server_s3.url)
    artifacts = ArtifactManager(backend)
    run = backend.create_run(backend.create_experiment(f"s3/{unique}"))
    artifacts.log_json(run.run_id, {"sharpe": 1.5}, "backtest/result.json")
    assert run.artifact_uri is not None
    converter = MLflowURIConverter(artifacts_destination=f"s3://{MLFLOW_S3_BUCKET}/mlflow")
    location = converter.parse_s3(converter.to_s3(f"{run.artifact_uri}/backtest/result.json"))
    body = boto3.client("s3").get_object(Bucket=location.bucket, Key=location.key)["Body"].read()
    assert b'"sharpe": 1.5' in body
    assert converter.from_s3(location.uri) == f"{run.artifact_uri}/backtest/result.json"
    assert artifacts.load_json(run.run_id, "backtest/result.json") == {"sharpe": 1.5}
