"""Tracking half of :class:`~tradai.common.clients.mlflow_client.MLflowRestClient`.

Experiments, runs, ``log_batch``, search and metric history over
``api/2.0/mlflow/``; which calls are retried, and why retrying ``log_batch`` is safe,
is explained in :mod:`tradai.common.clients.mlflow_client`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Final

from tradai.common.clients._mlflow_transport import RestTransport, server_error_code
from tradai.common.clients._mlflow_wire import (
    experiment_from_json,
    invalid_response,
    key_values,
    metric_from_json,
    metric_to_json,
    run_from_json,
    section,
)
from tradai.common.entities.mlflow import ExperimentRun
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.exceptions import NotFoundError
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow import _validation as rules
from tradai.common.mlflow._types import ExperimentInfo, Metric
from tradai.common.protocols import Clock

if TYPE_CHECKING:
    from tradai.common.clients._mlflow_config import MLflowRestConfig
    from tradai.common.mlflow._protocol import RunEndStatus

__all__ = ["HISTORY_PAGE", "RestTrackingOps"]

#: Points asked for per ``metrics/get-history`` page.
HISTORY_PAGE: Final = 10_000


class RestTrackingOps:
    """Tracking operations of the REST client (needs ``_transport`` and ``_clock``)."""

    _transport: RestTransport
    _clock: Clock

    @property
    def config(self) -> MLflowRestConfig:
        """The client's configuration.

        Returns:
            The config.
        """
        return self._transport.config

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
        """See :meth:`TrackingBackend.create_experiment`."""
        checks.experiment_name(name)
        tag_map = checks.tags(tags)
        body: dict[str, object] = {"name": name, "tags": key_values(tag_map)}
        if checks.artifact_location(artifact_location) is not None:
            body["artifact_location"] = artifact_location
        op = "create_experiment"
        reply = self._transport.call(
            "POST",
            "experiments/create",
            operation=op,
            resource=name,
            body=body,
        )
        experiment_id = reply.get("experiment_id")
        if not isinstance(experiment_id, str | int) or isinstance(experiment_id, bool):
            raise invalid_response(op, "no experiment_id")
        return str(experiment_id)

    def get_experiment(self, experiment_id: str) -> ExperimentInfo:
        """See :meth:`TrackingBackend.get_experiment`."""
        checks.experiment_id(experiment_id)
        op = "get_experiment"
        reply = self._transport.call(
            "GET",
            "experiments/get",
            operation=op,
            resource=experiment_id,
            params={"experiment_id": experiment_id},
        )
        return experiment_from_json(section(reply, "experiment", op), op)

    def get_experiment_by_name(self, name: str) -> ExperimentInfo | None:
        """See :meth:`TrackingBackend.get_experiment_by_name`."""
        checks.experiment_name(name)
        op = "get_experiment_by_name"
        try:
            reply = self._transport.call(
                "GET",
                "experiments/get-by-name",
                operation=op,
                resource=name,
                params={"experiment_name": name},
            )
        except NotFoundError as exc:
            if server_error_code(exc) == "RESOURCE_DOES_NOT_EXIST":
                return None
            raise
        return experiment_from_json(section(reply, "experiment", op), op)

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        """See :meth:`TrackingBackend.set_experiment_tag`."""
        checks.experiment_id(experiment_id)
        checks.tags({key: value})
        self._transport.call(
            "POST",
            "experiments/set-experiment-tag",
            operation="set_experiment_tag",
            resource=experiment_id,
            body={"experiment_id": experiment_id, "key": key, "value": value},
            idempotent=True,
        )

    # ------------------------------------------------------------------ runs

    def create_run(
        self,
        experiment_id: str,
        *,
        run_name: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> ExperimentRun:
        """See :meth:`TrackingBackend.create_run`."""
        checks.experiment_id(experiment_id)
        checks.run_name(run_name)
        tag_map = checks.tags(tags)
        body: dict[str, object] = {
            "experiment_id": experiment_id,
            "start_time": self._now_ms(),
            "tags": key_values(tag_map),
        }
        if run_name is not None:
            body["run_name"] = run_name
        op = "create_run"
        reply = self._transport.call(
            "POST", "runs/create", operation=op, resource=experiment_id, body=body
        )
        return run_from_json(section(reply, "run", op), op)

    def log_batch(
        self,
        run_id: str,
        *,
        metrics: Sequence[Metric] = (),
        params: Mapping[str, str] | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        """See :meth:`TrackingBackend.log_batch` (retry safety: see the module docs)."""
        checks.run_id(run_id)
        param_map, tag_map = dict(params or {}), dict(tags or {})
        checks.batch(metrics, param_map, tag_map)
        if not (metrics or param_map or tag_map):
            return
        now = self._now_ms()  # stamped once: every attempt sends identical points
        self._transport.call(
            "POST",
            "runs/log-batch",
            operation="log_batch",
            resource=run_id,
            body={
                "run_id": run_id,
                "metrics": [metric_to_json(m, now) for m in metrics],
                "params": key_values(param_map),
                "tags": key_values(tag_map),
            },
            idempotent=self.config.retry_log_batch,
        )

    def set_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        """See :meth:`TrackingBackend.set_tags`."""
        self.log_batch(run_id, tags=tags)

    def end_run(self, run_id: str, *, status: RunEndStatus = "FINISHED") -> None:
        """See :meth:`TrackingBackend.end_run`."""
        checks.run_id(run_id)
        checks.end_status(status)
        self._transport.call(
            "POST",
            "runs/update",
            operation="end_run",
            resource=run_id,
            body={"run_id": run_id, "status": status, "end_time": self._now_ms()},
            idempotent=True,
        )

    def get_run(self, run_id: str) -> ExperimentRun:
        """See :meth:`TrackingBackend.get_run`."""
        checks.run_id(run_id)
        op = "get_run"
        reply = self._transport.call(
            "GET", "runs/get", operation=op, resource=run_id, params={"run_id": run_id}
        )
        return run_from_json(section(reply, "run", op), op)

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        *,
        filter_string: str = "",
        order_by: Sequence[str] | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> PaginatedResponse[ExperimentRun]:
        """See :meth:`TrackingBackend.search_runs`."""
        ids = checks.search_args(experiment_ids, filter_string, order_by, max_results, page_token)
        body: dict[str, object] = {
            "experiment_ids": ids,
            "filter": filter_string,
            "max_results": max_results,
            "order_by": list(order_by or ()),
            "run_view_type": "ACTIVE_ONLY",
        }
        if page_token is not None:
            body["page_token"] = page_token
        op = "search_runs"
        reply = self._transport.call(
            "POST", "runs/search", operation=op, body=body, idempotent=True
        )
        runs = reply.get("runs") or []
        token = reply.get("next_page_token")
        return PaginatedResponse[ExperimentRun](
            items=[run_from_json(run, op) for run in runs],
            limit=max_results,
            next_cursor=token if isinstance(token, str) and token else None,
        )

    def get_metric_history(self, run_id: str, key: str) -> list[Metric]:
        """Every logged point of one metric (``metrics/get-history``, all pages).

        Args:
            run_id: The run.
            key: The metric's key.

        Returns:
            The points as the server stores them (one per distinct
            ``(timestamp, step, value)``), ordered by step then timestamp; empty for a
            metric never logged (the 3.17 server answers the same for an unknown run).

        Raises:
            ValidationError: If the run id or key is malformed.
        """
        checks.run_id(run_id)
        rules.check(rules.validate_entity_key, key, field="key")
        op = "get_metric_history"
        points: list[Metric] = []
        token: str | None = None
        seen: set[str] = set()
        while True:
            reply = self._transport.call(
                "GET",
                "metrics/get-history",
                operation=op,
                resource=run_id,
                params={
                    "run_id": run_id,
                    "metric_key": key,
                    "max_results": HISTORY_PAGE,
                    "page_token": token,
                },
            )
            points += [metric_from_json(m, op) for m in reply.get("metrics") or []]
            next_token = reply.get("next_page_token")
            if not isinstance(next_token, str) or not next_token:
                break
            if next_token in seen:
                raise invalid_response(op, "a page token repeated")
            seen.add(next_token)
            token = next_token
        return sorted(points, key=lambda m: (m.step, m.timestamp_ms or 0))
