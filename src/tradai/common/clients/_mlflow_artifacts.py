"""Artifact half of :class:`~tradai.common.clients.mlflow_client.MLflowRestClient`.

Artifacts travel through the tracking server's proxied artifact store
(``mlflow server --serve-artifacts``, the default since MLflow 2): a run's
``artifact_uri`` is ``mlflow-artifacts:/<experiment>/<run>/artifacts`` and its files are
``PUT``/``GET`` at ``api/2.0/mlflow-artifacts/artifacts/<that path>/<file>``; a directory
is listed with ``GET api/2.0/mlflow-artifacts/artifacts?path=<that path>/<dir>``.

Decisions where the design is silent:

* A run whose artifacts are not proxied (``s3://...`` root: the server was started with
  ``--no-serve-artifacts``) cannot be reached over REST: ``ConfigurationError`` (use the
  SDK backend, which writes to the store directly). The host in a
  ``mlflow-artifacts://host/...`` URI is ignored: requests go to the tracking URI.
* A run's artifact root is read once (``runs/get``) and cached (it never changes;
  at most 1024 runs are remembered).
* ``log_artifact`` reads the file into memory: files over ``max_artifact_bytes`` are
  refused before any request. Uploads are ``PUT`` (idempotent: retried).
* ``download_artifact`` lists the path first: a non-empty listing is a directory,
  fetched recursively; otherwise the path is fetched as a file (``NotFoundError`` if
  absent). Each file is written to a temporary name and renamed into place, so a failed
  download leaves no half-written file. Names in a listing must be plain path segments
  (no ``/``, ``.`` or ``..``) and trees at most 64 levels deep: a listing can never steer
  a write outside the destination.
"""

from __future__ import annotations

import collections
import threading
import urllib.parse
from pathlib import Path
from typing import Final

from tradai.common._files import atomic_destination
from tradai.common.clients._mlflow_transport import RestTransport
from tradai.common.clients._mlflow_wire import artifact_from_json, invalid_response, section
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow._types import ArtifactInfo

__all__ = ["RestArtifactOps"]

_SCHEME: Final = "mlflow-artifacts"
_MAX_CACHED_ROOTS: Final = 1024
_MAX_DEPTH: Final = 64


class RestArtifactOps:
    """Artifact operations of the REST client (needs ``_transport``)."""

    _transport: RestTransport
    _roots: collections.OrderedDict[str, str]
    _roots_lock: threading.Lock

    def _artifact_root(self, run_id: str, operation: str) -> str:
        with self._roots_lock:
            cached = self._roots.get(run_id)
        if cached is not None:
            return cached
        reply = self._transport.call(
            "GET", "runs/get", operation=operation, resource=run_id, params={"run_id": run_id}
        )
        info = section(section(reply, "run", operation), "info", operation)
        root = _store_path(info.get("artifact_uri"), operation)
        with self._roots_lock:
            self._roots[run_id] = root
            while len(self._roots) > _MAX_CACHED_ROOTS:
                self._roots.popitem(last=False)
        return root

    def log_artifact(
        self, run_id: str, local_path: str | Path, *, artifact_path: str | None = None
    ) -> None:
        """See :meth:`TrackingBackend.log_artifact`."""
        checks.run_id(run_id)
        source = checks.local_file(local_path)
        if artifact_path is not None:
            checks.artifact_path(artifact_path)
        limit = self._transport.config.max_artifact_bytes
        if source.stat().st_size > limit:
            raise ValidationError(
                f"{source.name[:100]!r} is larger than max_artifact_bytes ({limit})",
                field="local_path",
            )
        data = source.read_bytes()
        op = "log_artifact"
        root = self._artifact_root(run_id, op)
        target = "/".join(p for p in (root, artifact_path, source.name) if p)
        self._transport.upload(target, data, operation=op, resource=run_id)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """See :meth:`TrackingBackend.list_artifacts`."""
        checks.run_id(run_id)
        if path is not None:
            checks.artifact_path(path)
        op = "list_artifacts"
        root = self._artifact_root(run_id, op)
        return self._listing(root, path, op, run_id)

    def _listing(self, root: str, path: str | None, op: str, run_id: str) -> list[ArtifactInfo]:
        store_path = f"{root}/{path}" if path else root
        files = self._transport.list_artifacts(store_path, operation=op, resource=run_id)
        return sorted((artifact_from_json(f, path, op) for f in files), key=lambda e: e.path)

    def download_artifact(self, run_id: str, path: str, dst_dir: str | Path) -> Path:
        """See :meth:`TrackingBackend.download_artifact`."""
        checks.run_id(run_id)
        checks.artifact_path(path)
        target = checks.local_dir(dst_dir)
        op = "download_artifact"
        root = self._artifact_root(run_id, op)
        local = target / path.rpartition("/")[2]
        entries = self._listing(root, path, op, run_id)
        if entries:
            self._download_tree(root, entries, local, op, run_id, depth=1)
        else:
            self._download_file(root, path, local, op, run_id)
        return local

    def _download_tree(
        self,
        root: str,
        entries: list[ArtifactInfo],
        local: Path,
        op: str,
        run_id: str,
        *,
        depth: int,
    ) -> None:
        if depth > _MAX_DEPTH:
            raise invalid_response(op, f"artifact tree deeper than {_MAX_DEPTH} levels")
        local.mkdir(parents=True, exist_ok=True)
        for entry in entries:
            child = local / entry.path.rpartition("/")[2]
            if entry.is_dir:
                children = self._listing(root, entry.path, op, run_id)
                self._download_tree(root, children, child, op, run_id, depth=depth + 1)
            else:
                self._download_file(root, entry.path, child, op, run_id)

    def _download_file(self, root: str, path: str, local: Path, op: str, run_id: str) -> None:
        data = self._transport.download(f"{root}/{path}", operation=op, resource=run_id)
        _write_atomically(local, data)


def _store_path(artifact_uri: object, operation: str) -> str:
    if not isinstance(artifact_uri, str) or not artifact_uri:
        raise invalid_response(operation, "the run has no artifact_uri")
    parts = urllib.parse.urlsplit(artifact_uri)
    if parts.scheme != _SCHEME:
        raise ConfigurationError(
            f"run artifacts are stored at a {parts.scheme or 'local'!r:.30} URI, not proxied "
            "by the tracking server; the REST client needs 'mlflow server --serve-artifacts' "
            "(or use the SDK backend)",
            setting="mlflow_tracking_uri",
        )
    path = parts.path[1:] if parts.path.startswith("/") else parts.path
    segments = path.rstrip("/").split("/")
    if any(s in {"", ".", ".."} for s in segments):
        raise invalid_response(operation, "malformed artifact_uri")
    return "/".join(segments)


def _write_atomically(local: Path, data: bytes) -> None:
    with atomic_destination(local) as temp:
        temp.write_bytes(data)
