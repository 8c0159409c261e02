"""Experiment management: get-or-create by name, run search, tags.

Works over any :class:`~tradai.common.mlflow.adapter.TrackingBackend` (SDK, REST, twin).

Decisions where the design document is silent:

* :meth:`ExperimentManager.get_or_create` survives a concurrent creator: when the create
  call loses the race (``ConflictError``) it reads the experiment the winner created.
* Searching by experiment *names* skips names that do not exist (no experiment, no runs).
* :meth:`ExperimentManager.find_runs` builds the filter itself: tag keys are quoted with
  backticks and values may not contain quotes or backslashes (``ValidationError``), so a
  caller's value can never change the filter's meaning.
* :meth:`ExperimentManager.iter_runs` follows pages up to ``limit`` runs (default 10,000),
  so a broad search is bounded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from tradai.common.entities.mlflow import ExperimentRun
from tradai.common.entities.pagination import PaginatedResponse
from tradai.common.exceptions import ConflictError, NotFoundError, ValidationError
from tradai.common.mlflow import _checks as checks
from tradai.common.mlflow._convert import experiment_from_sdk, experiment_run_from_sdk
from tradai.common.mlflow._validation import MAX_TAGS_PER_BATCH

if TYPE_CHECKING:
    from tradai.common.mlflow._protocol import TrackingBackend
    from tradai.common.mlflow._types import ExperimentInfo

__all__ = ["ExperimentManager", "experiment_from_sdk", "experiment_run_from_sdk"]

_DEFAULT_ITER_LIMIT: Final = 10_000
_PAGE: Final = 1000


class ExperimentManager:
    """Experiments and runs by name.

    Args:
        backend: The tracking backend.

    Example:
        >>> from tradai.common.mlflow.memory import InMemoryTrackingBackend
        >>> experiments = ExperimentManager(InMemoryTrackingBackend())
        >>> first = experiments.get_or_create("backtests/PascalStrategy")
        >>> experiments.get_or_create("backtests/PascalStrategy") == first
        True
    """

    def __init__(self, backend: TrackingBackend) -> None:
        self._backend = backend

    def get(self, name: str) -> ExperimentInfo | None:
        """Get an experiment by name.

        Args:
            name: The experiment name.

        Returns:
            The experiment, or ``None``.

        Raises:
            ValidationError: If the name is invalid.
        """
        return self._backend.get_experiment_by_name(name)

    def get_or_create(
        self,
        name: str,
        *,
        tags: Mapping[str, str] | None = None,
        artifact_location: str | None = None,
    ) -> str:
        """Return the id of the experiment named ``name``, creating it if needed.

        Args:
            name: The experiment name (``ExperimentName`` rules).
            tags: Tags for a newly created experiment.
            artifact_location: Artifact root of a newly created experiment (an existing
                experiment keeps its own).

        Returns:
            The experiment id.

        Raises:
            ValidationError: If the name or tags are invalid.
        """
        existing = self._backend.get_experiment_by_name(name)
        if existing is not None:
            return existing.experiment_id
        try:
            return self._backend.create_experiment(
                name, tags=tags, artifact_location=artifact_location
            )
        except ConflictError:
            winner = self._backend.get_experiment_by_name(name)
            if winner is None:
                raise
            return winner.experiment_id

    def set_tags(self, experiment_id: str, tags: Mapping[str, str]) -> None:
        """Set experiment tags.

        Args:
            experiment_id: The experiment.
            tags: Tags to set.

        Raises:
            ValidationError: If a key or value is invalid.
            NotFoundError: If the experiment does not exist.
        """
        checks.tags(tags)
        for key, value in tags.items():
            self._backend.set_experiment_tag(experiment_id, key, value)

    def set_run_tags(self, run_id: str, tags: Mapping[str, str]) -> None:
        """Set any number of run tags (sent 100 per request).

        Args:
            run_id: The run.
            tags: Tags to set.

        Raises:
            ValidationError: If a key or value is invalid (nothing is sent).
            NotFoundError: If the run does not exist.
        """
        items = list(tags.items())
        chunks = [
            dict(items[i : i + MAX_TAGS_PER_BATCH])
            for i in range(0, len(items), MAX_TAGS_PER_BATCH)
        ]
        for chunk in chunks:
            checks.tags(chunk)
        for chunk in chunks:
            self._backend.set_tags(run_id, chunk)

    def _ids(self, experiment_names: Sequence[str]) -> list[str]:
        if isinstance(experiment_names, str):
            raise ValidationError("experiment_names must be a list", field="experiment_names")
        found = (self._backend.get_experiment_by_name(name) for name in experiment_names)
        return [e.experiment_id for e in found if e is not None]

    def search_runs(
        self,
        experiment_names: Sequence[str],
        *,
        filter_string: str = "",
        order_by: Sequence[str] | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> PaginatedResponse[ExperimentRun]:
        """Search the runs of experiments given by name.

        Args:
            experiment_names: Experiment names (unknown ones are skipped).
            filter_string: MLflow filter string.
            order_by: Sort keys (``metrics.sharpe_ratio DESC``).
            max_results: Page size (1-1000).
            page_token: Cursor from a previous page.

        Returns:
            One page of runs (empty when no experiment exists).

        Raises:
            ValidationError: If an argument is invalid.
        """
        ids = self._ids(experiment_names)
        if not ids:
            checks.search_args(["0"], filter_string, order_by, max_results, page_token)
            return PaginatedResponse[ExperimentRun].empty(limit=max_results)
        return self._backend.search_runs(
            ids,
            filter_string=filter_string,
            order_by=order_by,
            max_results=max_results,
            page_token=page_token,
        )

    def iter_runs(
        self,
        experiment_names: Sequence[str],
        *,
        filter_string: str = "",
        order_by: Sequence[str] | None = None,
        limit: int = _DEFAULT_ITER_LIMIT,
    ) -> Iterator[ExperimentRun]:
        """Yield matching runs across pages, at most ``limit``.

        Args:
            experiment_names: Experiment names (unknown ones are skipped).
            filter_string: MLflow filter string.
            order_by: Sort keys.
            limit: Most runs to yield.

        Yields:
            The runs, in order.
        """
        token: str | None = None
        remaining = limit
        while remaining > 0:
            page = self.search_runs(
                experiment_names,
                filter_string=filter_string,
                order_by=order_by,
                max_results=min(_PAGE, remaining),
                page_token=token,
            )
            yield from page.items
            remaining -= len(page.items)
            token = page.next_cursor
            if token is None or not page.items:
                return

    def find_runs(
        self,
        experiment_name: str,
        tags: Mapping[str, str],
        *,
        max_results: int = 100,
    ) -> list[ExperimentRun]:
        """Find the runs of one experiment whose tags all have the given values.

        Args:
            experiment_name: The experiment.
            tags: Tag key to required value.
            max_results: Most runs to return (1-1000).

        Returns:
            The runs, newest first.

        Raises:
            ValidationError: If a key is invalid or a value holds a quote or backslash.
        """
        checks.tags(tags)
        clauses = []
        for key, value in tags.items():
            if any(c in value for c in "'\"\\`"):
                raise ValidationError(
                    "tag values used in a search must not hold quotes or backslashes",
                    field=f"tags[{key!r:.40}]",
                )
            clauses.append(f"tags.`{key}` = '{value}'")
        page = self.search_runs(
            [experiment_name], filter_string=" AND ".join(clauses), max_results=max_results
        )
        return list(page.items)

    def get_run(self, run_id: str) -> ExperimentRun:
        """Get a run.

        Args:
            run_id: The run id.

        Returns:
            The run.

        Raises:
            NotFoundError: If it does not exist.
        """
        return self._backend.get_run(run_id)

    def require(self, name: str) -> ExperimentInfo:
        """Get an experiment that must exist.

        Args:
            name: The experiment name.

        Returns:
            The experiment.

        Raises:
            NotFoundError: If there is none of that name.
        """
        experiment = self.get(name)
        if experiment is None:
            raise NotFoundError(f"experiment {name!r} not found", resource="experiment", key=name)
        return experiment
