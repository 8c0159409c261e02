"""Run artifacts: log files, directories, JSON and text; download and read them back.

Works over any :class:`~tradai.common.mlflow.adapter.TrackingBackend`. JSON and text are
written to a private temporary directory and uploaded as files, so every backend only
needs the file-level ``log_artifact``/``download_artifact`` operations.

Decisions where the design document is silent:

* JSON is written UTF-8, indented, with sorted keys and without NaN/Infinity (those are
  not JSON); anything ``json`` cannot encode raises ``ValidationError`` before upload.
* ``artifact_file`` names a file inside the run (``backtest/config.json``); its directory
  part becomes the artifact directory.
* :meth:`ArtifactManager.log_dir` uploads every regular file under a directory, keeping
  the relative layout; symbolic links are skipped (they could point outside the tree).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradai.common.exceptions import ValidationError
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow._convert import artifact_info_from_sdk

if TYPE_CHECKING:
    from tradai.common.mlflow._protocol import TrackingBackend
    from tradai.common.mlflow._types import ArtifactInfo

__all__ = ["ArtifactManager", "artifact_info_from_sdk", "dumps_json"]


def dumps_json(data: Any) -> str:
    """Serialise data as the canonical artifact JSON (sorted keys, 2-space indent).

    Args:
        data: JSON-compatible data (finite numbers only).

    Returns:
        The JSON text.

    Raises:
        ValidationError: If the data is not JSON-compatible.

    Example:
        >>> print(dumps_json({"b": 1, "a": [1.5]}))
        {
          "a": [
            1.5
          ],
          "b": 1
        }
    """
    try:
        return json.dumps(data, indent=2, sort_keys=True, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"artifact data is not JSON-compatible: {exc}", field="data") from exc


def _split(artifact_file: str) -> tuple[str | None, str]:
    checks.artifact_path(artifact_file)
    directory, _, name = artifact_file.rpartition("/")
    return (directory or None), name


class ArtifactManager:
    """Upload and download run artifacts.

    Args:
        backend: The tracking backend.

    Example:
        >>> from tradai.common.mlflow.memory import InMemoryTrackingBackend
        >>> backend = InMemoryTrackingBackend()
        >>> run_id = backend.create_run("0").run_id
        >>> artifacts = ArtifactManager(backend)
        >>> artifacts.log_json(run_id, {"pairs": ["BTC/USDT"]}, "backtest/config.json")
        >>> artifacts.load_json(run_id, "backtest/config.json")
        {'pairs': ['BTC/USDT']}
    """

    def __init__(self, backend: TrackingBackend) -> None:
        self._backend = backend

    def log_file(
        self, run_id: str, local_path: str | Path, *, artifact_path: str | None = None
    ) -> None:
        """Upload one local file.

        Args:
            run_id: The run.
            local_path: The file.
            artifact_path: Directory inside the run's artifacts (root when ``None``).

        Raises:
            ValidationError: If the file does not exist or the path is invalid.
            NotFoundError: If the run does not exist.
        """
        self._backend.log_artifact(run_id, local_path, artifact_path=artifact_path)

    def log_dir(
        self, run_id: str, local_dir: str | Path, *, artifact_path: str | None = None
    ) -> int:
        """Upload every regular file under a directory, keeping the layout.

        Args:
            run_id: The run.
            local_dir: The directory.
            artifact_path: Directory inside the run's artifacts (root when ``None``).

        Returns:
            The number of files uploaded.

        Raises:
            ValidationError: If the directory does not exist or a name is invalid
                (checked for every file before the first upload).
            NotFoundError: If the run does not exist.
        """
        root = checks.local_dir(local_dir)
        uploads: list[tuple[Path, str | None]] = []
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            parent = path.parent.relative_to(root).as_posix()
            parts = [p for p in (artifact_path, "" if parent == "." else parent) if p]
            target = "/".join(parts) or None
            checks.artifact_path(f"{target}/{path.name}" if target else path.name)
            uploads.append((path, target))
        for path, target in uploads:
            self._backend.log_artifact(run_id, path, artifact_path=target)
        return len(uploads)

    def log_text(self, run_id: str, text: str, artifact_file: str) -> None:
        """Upload text as a UTF-8 file.

        Args:
            run_id: The run.
            text: The content.
            artifact_file: Path of the file inside the run (``notes/summary.txt``).

        Raises:
            ValidationError: If the path is invalid.
            NotFoundError: If the run does not exist.
        """
        directory, name = _split(artifact_file)
        with tempfile.TemporaryDirectory(prefix="tradai-artifact-") as tmp:
            local = Path(tmp) / name
            local.write_text(text, encoding="utf-8")
            self._backend.log_artifact(run_id, local, artifact_path=directory)

    def log_json(self, run_id: str, data: Any, artifact_file: str) -> None:
        """Upload data as a JSON file (see :func:`dumps_json`).

        Args:
            run_id: The run.
            data: JSON-compatible data.
            artifact_file: Path of the file inside the run (``backtest/config.json``).

        Raises:
            ValidationError: If the data or path is invalid.
            NotFoundError: If the run does not exist.
        """
        self.log_text(run_id, dumps_json(data), artifact_file)

    def download(self, run_id: str, path: str, dst_dir: str | Path) -> Path:
        """Download a file or directory into an existing local directory.

        Args:
            run_id: The run.
            path: Artifact path.
            dst_dir: Local directory.

        Returns:
            The local path of the downloaded file or directory.

        Raises:
            NotFoundError: If the run or artifact does not exist.
        """
        return self._backend.download_artifact(run_id, path, dst_dir)

    def load_text(self, run_id: str, artifact_file: str) -> str:
        """Download a text artifact and return its content.

        Args:
            run_id: The run.
            artifact_file: Path of the file inside the run.

        Returns:
            The text (UTF-8).

        Raises:
            NotFoundError: If the run or artifact does not exist.
        """
        _split(artifact_file)
        with tempfile.TemporaryDirectory(prefix="tradai-artifact-") as tmp:
            local = self._backend.download_artifact(run_id, artifact_file, tmp)
            return local.read_text(encoding="utf-8")

    def load_json(self, run_id: str, artifact_file: str) -> Any:
        """Download a JSON artifact and parse it.

        Args:
            run_id: The run.
            artifact_file: Path of the file inside the run.

        Returns:
            The parsed data.

        Raises:
            NotFoundError: If the run or artifact does not exist.
            ValidationError: If the artifact is not valid JSON.
        """
        text = self.load_text(run_id, artifact_file)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationError(
                f"artifact {artifact_file!r} is not valid JSON", field="artifact_file"
            ) from exc

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """List the direct children of an artifact directory.

        Args:
            run_id: The run.
            path: Directory (root when ``None``).

        Returns:
            The entries, sorted by path.

        Raises:
            NotFoundError: If the run does not exist.
        """
        return self._backend.list_artifacts(run_id, path)
