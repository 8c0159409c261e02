"""Argument checks shared by the tracking backends; each raises the library's ValidationError.

Every public backend method calls these before any request, so every backend rejects the
same input the same way (the contract suite proves it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from tradai.common.entities.mlflow import ModelStage
from tradai.common.exceptions import ValidationError
from tradai.common.mlflow import _validation as rules
from tradai.common.mlflow._types import Metric

__all__ = [
    "MAX_SEARCH_RESULTS",
    "alias",
    "artifact_path",
    "batch",
    "end_status",
    "experiment_id",
    "experiment_name",
    "local_dir",
    "local_file",
    "metric_points",
    "model_name",
    "run_id",
    "run_name",
    "search_args",
    "source",
    "stage",
    "stages",
    "tags",
    "version",
]

#: Largest page ``search_runs`` returns.
MAX_SEARCH_RESULTS: Final = 1000

_END_STATUSES = frozenset({"FINISHED", "FAILED", "KILLED"})
_SOURCE_RE = re.compile(r"[a-z][a-z0-9+.-]*:[^\x00-\x20\x7f]{1,4000}")
_TOKEN_RE = re.compile(r"[\x21-\x7e]{1,4096}")
_MAX_FILTER = 4000


def experiment_name(value: str) -> str:
    """Check an experiment name (``field="name"``)."""
    return rules.check(rules.validate_experiment_name, value, field="name")


def experiment_id(value: str) -> str:
    """Check an experiment id."""
    return rules.check(rules.validate_experiment_id, value, field="experiment_id")


def run_id(value: str) -> str:
    """Check a run id (32 lower-case hex digits)."""
    return rules.check(rules.validate_run_id, value, field="run_id")


def run_name(value: str | None) -> str | None:
    """Check an optional run name (experiment-name rules)."""
    if value is None:
        return None
    return rules.check(rules.validate_experiment_name, value, field="run_name")


def model_name(value: str) -> str:
    """Check a registered-model name."""
    return rules.check(rules.validate_model_name, value, field="name")


def version(value: str | int) -> str:
    """Check a version number; return it as a string."""
    return str(rules.check(rules.validate_version, value, field="version"))


def alias(value: str) -> str:
    """Check an alias."""
    return rules.check(rules.validate_alias, value, field="alias")


def artifact_path(value: str) -> str:
    """Check a relative artifact path."""
    return rules.check(rules.validate_artifact_path, value, field="artifact_path")


def artifact_location(value: str | None) -> str | None:
    """Check an experiment's artifact root (a URI such as ``s3://b/p`` or ``file:///d``)."""
    if value is not None and (
        not isinstance(value, str) or len(value) > 2048 or _SOURCE_RE.fullmatch(value) is None
    ):
        raise ValidationError(
            "artifact_location must be a URI (scheme:...) without spaces or control characters",
            field="artifact_location",
        )
    return value


def tags(value: Mapping[str, str] | None) -> dict[str, str]:
    """Check a tag mapping (at most 100 tags); return it as a dict."""
    tag_map = dict(value or {})
    rules.check_batch((), {}, tag_map)
    return tag_map


def metric_points(points: Sequence[Metric]) -> list[Metric]:
    """Check that every item is a :class:`Metric`; return them as a list."""
    checked: list[Metric] = []
    for index, metric in enumerate(points):
        if not isinstance(metric, Metric):
            raise ValidationError(
                f"metrics[{index}] must be a Metric, got {type(metric).__name__}",
                field=f"metrics[{index}]",
            )
        checked.append(metric)
    return checked


def batch(metrics: Sequence[Metric], params: Mapping[str, str], tag_map: Mapping[str, str]) -> None:
    """Check one ``log_batch`` request."""
    rules.check_batch(metric_points(metrics), params, tag_map)


def end_status(value: str) -> str:
    """Check a terminal run status."""
    if value not in _END_STATUSES:
        raise ValidationError(
            f"status {value!r:.40} must be FINISHED, FAILED or KILLED", field="status"
        )
    return value


def stage(value: ModelStage | str) -> ModelStage:
    """Check a legacy stage; return the enum member."""
    try:
        return ModelStage(value)
    except ValueError:
        raise ValidationError(
            f"stage {value!r:.40} must be None, Staging, Production or Archived", field="stage"
        ) from None


def stages(values: Sequence[ModelStage | str] | None) -> list[str] | None:
    """Check an optional list of stages; return their names."""
    return None if values is None else [stage(v).value for v in values]


def source(value: str, run: str | None = None) -> str:
    """Check a model-version source URI (``runs:/...``, ``s3://...``, ``models:/...``).

    As the server does, a ``runs:/<id>/...`` source needs ``run_id`` and must name it.
    """
    if not isinstance(value, str) or not value.isascii() or not _SOURCE_RE.fullmatch(value):
        raise ValidationError(f"source {value!r:.80} must be a URI", field="source")
    if value.startswith("runs:/") and value[len("runs:/") :].partition("/")[0] != run:
        raise ValidationError("a runs:/ source must name the run given as run_id", field="source")
    return value


def local_file(value: str | Path) -> Path:
    """Check that a local path is an existing regular file."""
    path = Path(value)
    if not path.is_file():
        raise ValidationError(f"{str(path)[:200]!r} is not a readable file", field="local_path")
    return path


def local_dir(value: str | Path) -> Path:
    """Check that a local path is an existing directory."""
    path = Path(value)
    if not path.is_dir():
        raise ValidationError(f"{str(path)[:200]!r} is not a directory", field="dst_dir")
    return path


def search_args(
    experiment_ids: Sequence[str],
    filter_string: str,
    order_by: Sequence[str] | None,
    max_results: int,
    page_token: str | None,
) -> list[str]:
    """Check ``search_runs`` arguments; return the experiment ids as a list."""
    if isinstance(experiment_ids, str) or not experiment_ids:
        raise ValidationError("experiment_ids must be a non-empty list", field="experiment_ids")
    ids = [experiment_id(e) for e in experiment_ids]
    if not isinstance(filter_string, str) or len(filter_string) > _MAX_FILTER:
        raise ValidationError("filter_string must be a string of at most 4000", field="filter")
    if re.search(r"[\x00-\x1f\x7f]", filter_string):
        raise ValidationError("filter_string must not hold control characters", field="filter")
    for key in order_by or ():
        if not isinstance(key, str) or not key.strip() or re.search(r"[\x00-\x1f\x7f]", key):
            raise ValidationError(f"order_by entry {key!r:.40} is invalid", field="order_by")
    if isinstance(max_results, bool) or not 1 <= max_results <= MAX_SEARCH_RESULTS:
        raise ValidationError("max_results must be 1-1000", field="max_results")
    if page_token is not None and not _TOKEN_RE.fullmatch(page_token):
        raise ValidationError("page_token is malformed", field="page_token")
    return ids
