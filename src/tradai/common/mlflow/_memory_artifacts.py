"""Artifact storage of the in-memory twin: bytes per ``(run_id, relative path)``.

Mirrors the MLflow artifact semantics the contract relies on: a file logged with
``artifact_path="a"`` lands at ``a/<file name>``; downloading ``a/x.json`` writes
``<dst>/x.json`` and downloading directory ``a/b`` writes ``<dst>/b/...`` (the last path
segment and what lies below it, as MLflow does); listing returns the
direct children (full relative paths), an unknown directory lists as empty.
"""

from __future__ import annotations

from pathlib import Path

from tradai.common.exceptions import NotFoundError
from tradai.common.mlflow._types import ArtifactInfo

__all__ = ["ArtifactStore"]


class ArtifactStore:
    """Artifact bytes of every run (not thread-safe: the twin holds its lock)."""

    def __init__(self) -> None:
        self._files: dict[str, dict[str, bytes]] = {}

    def put(self, run_id: str, directory: str | None, name: str, data: bytes) -> None:
        """Store one file.

        Args:
            run_id: The run.
            directory: Directory inside the run's artifacts (root when ``None``).
            name: File name.
            data: Content.
        """
        path = f"{directory}/{name}" if directory else name
        self._files.setdefault(run_id, {})[path] = data

    def _under(self, run_id: str, path: str) -> dict[str, bytes]:
        files = self._files.get(run_id, {})
        return {p: d for p, d in files.items() if p == path or p.startswith(f"{path}/")}

    def download(self, run_id: str, path: str, target: Path) -> Path:
        """Write a file or directory tree under ``target``.

        Args:
            run_id: The run.
            path: Artifact path.
            target: Local directory.

        Returns:
            ``target / <last segment of path>``.

        Raises:
            NotFoundError: If nothing is stored at ``path``.
        """
        found = self._under(run_id, path)
        if not found:
            raise NotFoundError(
                f"artifact {path!r} of run {run_id} not found",
                resource="artifact",
                key=f"{run_id}/{path}",
            )
        parent = path.rpartition("/")[0]
        skip = len(parent) + 1 if parent else 0
        for relative, data in found.items():
            local = target / relative[skip:]
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(data)
        return target / path[skip:]

    def listing(self, run_id: str, path: str | None) -> list[ArtifactInfo]:
        """List the direct children of a directory.

        Args:
            run_id: The run.
            path: Directory (root when ``None``).

        Returns:
            The entries, sorted by path.
        """
        prefix = f"{path}/" if path else ""
        entries: dict[str, ArtifactInfo] = {}
        for relative, data in self._files.get(run_id, {}).items():
            if not relative.startswith(prefix):
                continue
            head, sep, _ = relative[len(prefix) :].partition("/")
            child = prefix + head
            entries[child] = (
                ArtifactInfo(child, is_dir=True) if sep else ArtifactInfo(child, False, len(data))
            )
        return [entries[key] for key in sorted(entries)]
