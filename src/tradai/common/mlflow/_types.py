"""Small value objects the tracking backends exchange (frozen dataclasses, stdlib only).

The registry and run entities (:class:`~tradai.common.entities.mlflow.ModelVersion`,
``RegisteredModel``, ``ExperimentRun``) come from :mod:`tradai.common.entities.mlflow`;
these cover what that module does not model: a metric point, an experiment and an
artifact listing entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ArtifactInfo", "ExperimentInfo", "Metric"]


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric point to log.

    Attributes:
        key: Metric name (``sharpe_ratio``).
        value: A finite number.
        step: Step index (0 for a single value).
        timestamp_ms: Epoch milliseconds; ``None`` means "now" at logging time.

    Example:
        >>> Metric("sharpe_ratio", 1.5)
        Metric(key='sharpe_ratio', value=1.5, step=0, timestamp_ms=None)
    """

    key: str
    value: float
    step: int = 0
    timestamp_ms: int | None = None


@dataclass(frozen=True, slots=True)
class ExperimentInfo:
    """An MLflow experiment.

    Attributes:
        experiment_id: The experiment's id (a decimal string).
        name: Its unique name.
        artifact_location: Root URI of its runs' artifacts.
        lifecycle_stage: ``active`` or ``deleted``.
        tags: Experiment tags (MLflow's own ``mlflow.*`` tags included).
    """

    experiment_id: str
    name: str
    artifact_location: str | None = None
    lifecycle_stage: str = "active"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ArtifactInfo:
    """One entry of a run's artifact listing.

    Attributes:
        path: Path relative to the run's artifact root (``backtest/config.json``).
        is_dir: Whether it is a directory.
        file_size: Size in bytes (``None`` for directories).
    """

    path: str
    is_dir: bool
    file_size: int | None = None
