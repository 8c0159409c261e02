"""One artifact contract (upload, list, download), twin and SDK alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradai.common.exceptions import NotFoundError, ValidationError
from tradai.common.mlflow.adapter import ArtifactInfo, TrackingBackend

MISSING_RUN = "f" * 32


@pytest.fixture
def run_id(backend: TrackingBackend, unique: str) -> str:
    experiment_id = backend.create_experiment(f"artifacts/{unique}")
    return backend.create_run(experiment_id).run_id


def _file(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "src" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_files_are_listed_and_downloaded_where_they_were_logged(
    backend: TrackingBackend, run_id: str, tmp_path: Path
) -> None:
    backend.log_artifact(run_id, _file(tmp_path, "config.json", b'{"a": 1}'), artifact_path="bt")
    backend.log_artifact(run_id, _file(tmp_path, "notes.txt", b"hello"))
    assert backend.list_artifacts(run_id) == [
        ArtifactInfo("bt", is_dir=True),
        ArtifactInfo("notes.txt", is_dir=False, file_size=5),
    ]
    assert backend.list_artifacts(run_id, "bt") == [ArtifactInfo("bt/config.json", False, 8)]
    dst = tmp_path / "dst"
    dst.mkdir()
    local = backend.download_artifact(run_id, "bt/config.json", dst)
    assert local == dst / "config.json"
    assert local.read_bytes() == b'{"a": 1}'


def test_a_directory_downloads_as_a_tree(
    backend: TrackingBackend, run_id: str, tmp_path: Path
) -> None:
    backend.log_artifact(run_id, _file(tmp_path, "a.json", b"1"), artifact_path="d/x")
    backend.log_artifact(run_id, _file(tmp_path, "b.json", b"2"), artifact_path="d")
    dst = tmp_path / "dst"
    dst.mkdir()
    local = backend.download_artifact(run_id, "d", dst)
    assert local == dst / "d"
    assert (local / "x" / "a.json").read_bytes() == b"1"
    assert (local / "b.json").read_bytes() == b"2"
    nested = tmp_path / "nested"
    nested.mkdir()
    assert backend.download_artifact(run_id, "d/x", nested) == nested / "x"
    assert (nested / "x" / "a.json").read_bytes() == b"1"


def test_missing_artifacts_and_runs_are_not_found(
    backend: TrackingBackend, run_id: str, tmp_path: Path
) -> None:
    with pytest.raises(NotFoundError):
        backend.download_artifact(run_id, "nope.json", tmp_path)
    with pytest.raises(NotFoundError):
        backend.log_artifact(MISSING_RUN, _file(tmp_path, "x.txt", b"x"))
    assert backend.list_artifacts(run_id, "empty") == []


@pytest.mark.parametrize("path", ["/abs", "../up", "a/../b", "a//b", "-rf", "sp ace", "a;b"])
def test_malformed_artifact_paths_are_refused(
    backend: TrackingBackend, run_id: str, tmp_path: Path, path: str
) -> None:
    source = _file(tmp_path, "x.txt", b"x")
    with pytest.raises(ValidationError):
        backend.log_artifact(run_id, source, artifact_path=path)
    with pytest.raises(ValidationError):
        backend.download_artifact(run_id, path, tmp_path)


def test_missing_local_files_and_directories_are_refused(
    backend: TrackingBackend, run_id: str, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError):
        backend.log_artifact(run_id, tmp_path / "absent.txt")
    with pytest.raises(ValidationError):
        backend.log_artifact(run_id, tmp_path)
    with pytest.raises(ValidationError):
        backend.download_artifact(run_id, "x.txt", tmp_path / "absent")
