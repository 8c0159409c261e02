"""The Embedded Metric Format writer: :class:`EMFWriter`.

Private module; :mod:`tradai.common.aws.cloudwatch_metrics` re-exports :class:`EMFWriter`,
:data:`EMF_MAX_METRICS` and :data:`EMF_MAX_VALUES` (their public path; its docstring states
the document rules and has a worked example).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from tradai.common.aws._cw_metrics_validation import (
    MetricUnit,
    check_dimensions,
    check_name,
    check_resolution,
    check_unit,
    check_value,
    validate_metric_name,
    validate_namespace,
)
from tradai.common.aws.constants import CW_METRICS_MAX_DIMENSIONS
from tradai.common.exceptions import ValidationError
from tradai.common.utils.datetime import to_epoch_ms, utc_now
from tradai.common.validators import validate_json_data

__all__ = ["EMF_MAX_METRICS", "EMF_MAX_VALUES", "EMFWriter"]

#: Metrics per EMF document (``CloudWatchMetrics[].Metrics``).
EMF_MAX_METRICS = 100
#: Values per metric in one EMF document.
EMF_MAX_VALUES = 100


@dataclass(slots=True)
class _EmfMetric:
    unit: MetricUnit
    resolution: int
    values: list[float]


class EMFWriter:
    """Writes CloudWatch Embedded Metric Format documents, one JSON line per flush.

    Not thread-safe: use one writer per Lambda invocation (or per thread).

    Args:
        namespace: The CloudWatch namespace (validated).
        dimensions: Dimension names and values, written as root members.
        dimension_sets: Which dimension combinations to publish (each a subset of
            ``dimensions``' names, at most 30); one set of all names when omitted.
        stream: Where lines go; ``sys.stdout`` (looked up at each flush) when omitted.
        clock: Returns the aware datetime written as ``_aws.Timestamp``.

    Raises:
        ValidationError: If the namespace, dimensions or sets are invalid.
    """

    def __init__(
        self,
        namespace: str,
        *,
        dimensions: Mapping[str, str] | None = None,
        dimension_sets: Sequence[Sequence[str]] | None = None,
        stream: TextIO | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._namespace = validate_namespace(namespace)
        self._dimensions = dict(check_dimensions(dimensions or {}))
        sets = [list(s) for s in dimension_sets] if dimension_sets is not None else None
        if sets is None:
            sets = [sorted(self._dimensions)]
        for names in sets:
            if not set(names) <= set(self._dimensions) or len(names) > CW_METRICS_MAX_DIMENSIONS:
                raise ValidationError(
                    "each dimension set lists at most 30 declared dimension names",
                    field="dimension_sets",
                )
        self._sets = sets
        self._stream = stream
        self._clock = clock
        self._metrics: dict[str, _EmfMetric] = {}
        self._properties: dict[str, Any] = {}

    @property
    def pending(self) -> int:
        """How many distinct metrics the next document holds."""
        return len(self._metrics)

    def _check_key(self, key: str, *, metric: bool) -> None:
        taken = key == "_aws" or key in self._dimensions
        taken = taken or (key in self._properties if metric else key in self._metrics)
        if taken:
            raise ValidationError(f"{key!r:.80} is already a dimension or member", field="name")

    def put(
        self,
        name: str,
        value: float,
        *,
        unit: MetricUnit | str = MetricUnit.NONE,
        storage_resolution: int = 60,
    ) -> None:
        """Record a value (several values of one metric become an array).

        Args:
            name: The metric name (not a dimension or property name).
            value: The value.
            unit: The unit; the same for every value of the metric in one document.
            storage_resolution: 60 or 1; the same for every value of the metric.

        Raises:
            ValidationError: If anything is invalid or conflicts with earlier values.
        """
        validate_metric_name(name)
        number, unit_ = check_value(value), check_unit(unit)
        resolution = check_resolution(storage_resolution)
        self._check_key(name, metric=True)
        current = self._metrics.get(name)
        if current is not None and (current.unit, current.resolution) != (unit_, resolution):
            raise ValidationError(f"metric {name!r} changed unit or resolution", field="unit")
        if (current is None and len(self._metrics) >= EMF_MAX_METRICS) or (
            current is not None and len(current.values) >= EMF_MAX_VALUES
        ):
            self.flush()
            current = None
        if current is None:
            self._metrics[name] = _EmfMetric(unit_, resolution, [number])
        else:
            current.values.append(number)

    def set_property(self, key: str, value: Any) -> None:
        """Add a root member that is not a metric (request id, job id...).

        Args:
            key: The member name (not ``_aws``, a dimension or a metric name).
            value: Any JSON value.

        Raises:
            ValidationError: If the key is taken or the value is not JSON.
        """
        check_name(key, "property")
        self._check_key(key, metric=False)
        try:
            self._properties[key] = validate_json_data(value)
        except ValueError as exc:
            raise ValidationError(f"property {key!r} is not JSON: {exc}", field="value") from exc

    def document(self) -> dict[str, Any] | None:
        """Build the EMF document of what was recorded, without writing it.

        Returns:
            The document, or ``None`` when no metric was recorded.
        """
        if not self._metrics:
            return None
        directive = {
            "Namespace": self._namespace,
            "Dimensions": [list(names) for names in self._sets],
            "Metrics": [
                {"Name": name, "Unit": m.unit.value, "StorageResolution": m.resolution}
                for name, m in self._metrics.items()
            ],
        }
        stamp = to_epoch_ms(self._clock())
        document: dict[str, Any] = {"_aws": {"Timestamp": stamp, "CloudWatchMetrics": [directive]}}
        document.update(self._dimensions)
        document.update(self._properties)
        for name, metric in self._metrics.items():
            document[name] = metric.values[0] if len(metric.values) == 1 else list(metric.values)
        return document

    def flush(self) -> dict[str, Any] | None:
        """Write the document as one JSON line and start a new one.

        Dimensions and properties are kept for the next document; metrics are cleared.

        Returns:
            The document written, or ``None`` when there was nothing to write.
        """
        document = self.document()
        if document is None:
            return None
        stream = self._stream if self._stream is not None else sys.stdout
        stream.write(json.dumps(document, separators=(",", ":"), allow_nan=False) + "\n")
        stream.flush()
        self._metrics.clear()
        return document
