"""In-memory twin of the MLflow tracking server (:class:`TrackingBackend`), for tests.

It keeps the contract of :mod:`tradai.common.mlflow._protocol` — same validation, same
errors, same registry semantics (versions numbered per model, aliases that move, latest
version per stage, ``archive_existing``) — and behaves like an MLflow 3.17 server:

* the ``Default`` experiment exists with id ``"0"``; new ids count up from ``"1"``;
* run ids are 32 hex digits; a run name is stored as the ``mlflow.runName`` tag (runs
  created without one get ``run-<first 8 hex digits>``);
* artifact URIs look like the proxied ones (``mlflow-artifacts:/<exp>/<run>/artifacts``);
* ``search_runs`` understands the subset of the filter language described in
  :mod:`tradai.common.mlflow._search`.

Thread-safe (one lock); time comes from an injected :class:`~tradai.common.protocols.Clock`.

Example:
    >>> backend = InMemoryTrackingBackend()
    >>> experiment_id = backend.create_experiment("backtests/PascalStrategy")
    >>> run = backend.create_run(experiment_id, run_name="smoke")
    >>> backend.log_batch(run.run_id, params={"timeframe": "1h"})
    >>> backend.get_run(run.run_id).params
    {'timeframe': '1h'}
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradai.common.entities.mlflow import ExperimentRun, ModelStage
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow._memory_artifacts import ArtifactStore
from tradai.common.mlflow._memory_registry import RegistryTwin
from tradai.common.mlflow._search import matches, parse_filter, sort_runs
from tradai.common.mlflow._types import ArtifactInfo, ExperimentInfo, Metric
from tradai.common.protocols import Clock, SystemClock

if TYPE_CHECKING:
    from tradai.common.mlflow._protocol import RunEndStatus

__all__ = ["InMemoryTrackingBackend"]

_RUN_NAME_TAG = "mlflow.runName"
_STAGE_ORDER = [stage.value for stage in ModelStage]


def _missing(resource: str, key: str, message: str) -> NotFoundError:
    return NotFoundError(message, resource=resource, key=key)


class InMemoryTrackingBackend(RegistryTwin):
    """An MLflow tracking server in a dict (see the module docstring).

    Args:
        clock: Source of timestamps (default: the system clock).
    """

    def __init__(self, *, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self._lock = threading.RLock()
        self._experiments: dict[str, ExperimentInfo] = {}
        self._runs: dict[str, dict[str, Any]] = {}
        self._models: dict[str, dict[str, Any]] = {}
        self._artifacts = ArtifactStore()
        self._next_experiment = 1
        self._experiments["0"] = ExperimentInfo("0", "Default", "mlflow-artifacts:/0")

    def _now_ms(self) -> int:
        return int(self._clock.now().timestamp() * 1000)

    # ------------------------------------------------------------------ experiments

    def create_experiment(
        self,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        artifact_location: str | None = None,
    ) -> str:
        """Implements :meth:`TrackingBackend.create_experiment`."""
        checks.experiment_name(name)
        tag_map = checks.tags(tags)
        location = checks.artifact_location(artifact_location)
        with self._lock:
            if any(e.name == name for e in self._experiments.values()):
                raise ConflictError(f"experiment {name!r} already exists", context={"name": name})
            experiment_id = str(self._next_experiment)
            self._next_experiment += 1
            self._experiments[experiment_id] = ExperimentInfo(
                experiment_id,
                name,
                location or f"mlflow-artifacts:/{experiment_id}",
                tags=tag_map,
            )
            return experiment_id

    def get_experiment(self, experiment_id: str) -> ExperimentInfo:
        """Implements :meth:`TrackingBackend.get_experiment`."""
        checks.experiment_id(experiment_id)
        with self._lock:
            return _copy(self._experiment(experiment_id))

    def _experiment(self, experiment_id: str) -> ExperimentInfo:
        experiment = self._experiments.get(experiment_id)
        if experiment is None:
            raise _missing("experiment", experiment_id, f"no experiment {experiment_id}")
        return experiment

    def get_experiment_by_name(self, name: str) -> ExperimentInfo | None:
        """Implements :meth:`TrackingBackend.get_experiment_by_name`."""
        checks.experiment_name(name)
        with self._lock:
            found = next((e for e in self._experiments.values() if e.name == name), None)
            return None if found is None else _copy(found)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        """Implements :meth:`TrackingBackend.set_experiment_tag`."""
        checks.experiment_id(experiment_id)
        checks.tags({key: value})
        with self._lock:
            experiment = self._experiment(experiment_id)
            tags = {**experiment.tags, key: value}
            self._experiments[experiment_id] = dataclasses.replace(experiment, tags=tags)

    # ------------------------------------------------------------------ runs

    def create_run(
        self,
        experiment_id: str,
        *,
        run_name: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> ExperimentRun:
        """Implements :meth:`TrackingBackend.create_run`."""
        checks.experiment_id(experiment_id)
        checks.run_name(run_name)
        tag_map = checks.tags(tags)
        run_id = uuid.uuid4().hex
        name = run_name or tag_map.get(_RUN_NAME_TAG) or f"run-{run_id[:8]}"
        with self._lock:
            self._experiment(experiment_id)
            self._runs[run_id] = {
                "run_id": run_id,
                "experiment_id": experiment_id,
                "status": "RUNNING",
                "run_name": name,
                "start_time": self._now_ms(),
                "artifact_uri": f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts",
                "params": {},
                "metrics": [],
                "tags": {**tag_map, _RUN_NAME_TAG: name},
            }
            return self._snapshot(run_id)

    def _run(self, run_id: str) -> dict[str, Any]:
        run = self._runs.get(run_id)
        if run is None:
            raise _missing("run", run_id, f"run {run_id} not found")
        return run

    def _snapshot(self, run_id: str) -> ExperimentRun:
        return ExperimentRun.model_validate(self._run(run_id))

    def log_batch(
        self,
        run_id: str,
        *,
        metrics: Sequence[Metric] = (),
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """Implements :meth:`TrackingBackend.log_batch`."""
        checks.run_id(run_id)
        param_map, tag_map = dict(params or {}), dict(tags or {})
        checks.batch(metrics, param_map, tag_map)
        if not (metrics or param_map or tag_map):
            return
        with self._lock:
            run = self._run(run_id)
            changed = {k for k, v in param_map.items() if run["params"].get(k, v) != v}
            if changed:
                raise ValidationError(
                    f"changing param values is not allowed: {sorted(changed)[:5]}",
                    field="params",
                    context={"run_id": run_id},
                )
            now = self._now_ms()
            run["params"].update(param_map)
            run["tags"].update(tag_map)
            run["metrics"].extend(
                {
                    "key": m.key,
                    "value": float(m.value),
                    "step": m.step,
                    "timestamp": now if m.timestamp_ms is None else m.timestamp_ms,
                }
                for m in metrics
            )

    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        """Implements :meth:`TrackingBackend.set_tags`."""
        self.log_batch(run_id, tags=tags)

    def end_run(self, run_id: str, *, status: RunEndStatus = "FINISHED") -> None:
        """Implements :meth:`TrackingBackend.end_run`."""
        checks.run_id(run_id)
        checks.end_status(status)
        with self._lock:
            run = self._run(run_id)
            run["status"] = status
            run["end_time"] = self._now_ms()

    def get_run(self, run_id: str) -> ExperimentRun:
        """Implements :meth:`TrackingBackend.get_run`."""
        checks.run_id(run_id)
        with self._lock:
            return self._snapshot(run_id)

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        *,
        filter_string: str = "",
        order_by: Sequence[str] | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> PaginatedResponse[ExperimentRun]:
        """Implements :meth:`TrackingBackend.search_runs`."""
        ids = set(checks.search_args(experiment_ids, filter_string, order_by, max_results, None))
        clauses = parse_filter(filter_string)
        offset = _offset(page_token)
        with self._lock:
            runs = [self._snapshot(r) for r, v in self._runs.items() if v["experiment_id"] in ids]
        found = sort_runs([r for r in runs if matches(r, clauses)], order_by)
        page = found[offset : offset + max_results]
        more = offset + max_results < len(found)
        return PaginatedResponse[ExperimentRun](
            items=page,
            limit=max_results,
            next_cursor=f"offset-{offset + max_results}" if more else None,
        )

    # ------------------------------------------------------------------ artifacts

    def log_artifact(
        self, run_id: str, local_path: str | Path, *, artifact_path: str | None = None
    ) -> None:
        """Implements :meth:`TrackingBackend.log_artifact`."""
        checks.run_id(run_id)
        source = checks.local_file(local_path)
        if artifact_path is not None:
            checks.artifact_path(artifact_path)
        data = source.read_bytes()
        with self._lock:
            self._run(run_id)
            self._artifacts.put(run_id, artifact_path, source.name, data)

    def download_artifact(self, run_id: str, path: str, dst_dir: str | Path) -> Path:
        """Implements :meth:`TrackingBackend.download_artifact`."""
        checks.run_id(run_id)
        checks.artifact_path(path)
        target = checks.local_dir(dst_dir)
        with self._lock:
            self._run(run_id)
            return self._artifacts.download(run_id, path, target)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """Implements :meth:`TrackingBackend.list_artifacts`."""
        checks.run_id(run_id)
        if path is not None:
            checks.artifact_path(path)
        with self._lock:
            self._run(run_id)
            return self._artifacts.listing(run_id, path)


def _copy(experiment: ExperimentInfo) -> ExperimentInfo:
    return dataclasses.replace(experiment, tags=dict(experiment.tags))


def _offset(page_token: str | None) -> int:
    if page_token is None:
        return 0
    prefix, _, number = page_token.partition("-")
    if prefix != "offset" or not number.isdigit():
        raise ValidationError("page_token is malformed", field="page_token")
    return int(number)
