"""CloudWatch metrics: a batching ``PutMetricData`` publisher and an EMF writer for Lambda.

* :class:`MetricsPublisher` buffers :class:`MetricDatum` values and sends them with
  ``PutMetricData`` in calls of at most 1,000 datums, when the buffer is full and on
  :meth:`~MetricsPublisher.flush` (also on leaving its ``with`` block).
* :class:`EMFWriter` builds `Embedded Metric Format
  <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html>`_
  documents (the ``_aws.CloudWatchMetrics`` directive plus root members) and writes one JSON
  line per flush to a stream (standard output by default), which Lambda ships to
  CloudWatch Logs and CloudWatch turns into metrics without any API call.

Decisions where the specification is silent:

* Everything is validated when a metric is recorded, before any call or write: names
  (namespace, metric, dimension) are 1-255 ASCII letters, digits and ``. _ / # : -``
  starting with a letter or digit (dimension names at most 250, EMF's limit); the namespace
  may not start with ``AWS/`` (reserved); dimension values are 1-1024 ASCII letters, digits
  and ``_ . / # : @ + = , -`` (no spaces or shell metacharacters), at most 30 dimensions a
  metric; units are :class:`MetricUnit` values; values are finite numbers within
  CloudWatch's range (0 or 8.515920e-109 to 1.174271e+108 in magnitude); timestamps aware;
  storage resolution 1 or 60. Failures raise :class:`~tradai.common.exceptions.ValidationError`.
* ``default_dimensions`` of a publisher are merged under each :meth:`MetricsPublisher.put`
  (a metric's own value wins). When a ``PutMetricData`` call fails, its datums go back to
  the front of the buffer, so a later :meth:`~MetricsPublisher.flush` retries them.
* An EMF document holds at most 100 metrics and 100 values a metric: recording one more
  flushes the current document first, so every written line is valid. A flush clears the
  metrics and keeps dimensions and properties; flushing with no metrics writes nothing.

Example:
    >>> import io, json
    >>> from datetime import datetime, timezone
    >>> out = io.StringIO()
    >>> emf = EMFWriter("TradAI/Backtest", dimensions={"service": "backtest"}, stream=out,
    ...                 clock=lambda: datetime(2024, 1, 1, tzinfo=timezone.utc))
    >>> emf.put("duration", 12.5, unit=MetricUnit.SECONDS)
    >>> _ = emf.flush()
    >>> json.loads(out.getvalue())["_aws"]["CloudWatchMetrics"][0]["Metrics"]
    [{'Name': 'duration', 'Unit': 'Seconds', 'StorageResolution': 60}]
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self, runtime_checkable

from tradai.common.aws._cw_metrics_validation import (
    MetricUnit,
    check_dimensions,
    check_resolution,
    check_unit,
    check_value,
    validate_dimension_value,
    validate_metric_name,
    validate_namespace,
)
from tradai.common.aws._emf import EMF_MAX_METRICS, EMF_MAX_VALUES, EMFWriter
from tradai.common.aws.constants import CW_METRICS_MAX_DATUMS_PER_CALL
from tradai.common.aws.errors import translate_aws_error
from tradai.common.exceptions import ValidationError
from tradai.common.utils.datetime import ensure_utc

if TYPE_CHECKING:
    from tradai.common.aws._client_factory import ClientFactory

__all__ = [
    "EMF_MAX_METRICS",
    "EMF_MAX_VALUES",
    "EMFWriter",
    "MetricDatum",
    "MetricUnit",
    "MetricsPublisher",
    "MetricsSink",
    "validate_dimension_value",
    "validate_metric_name",
    "validate_namespace",
]


@dataclass(frozen=True, slots=True)
class MetricDatum:
    """One validated metric value (everything is checked on construction).

    Attributes:
        name: The metric name.
        value: The value.
        unit: The unit (a :class:`MetricUnit` or its string value).
        dimensions: ``(name, value)`` pairs, stored sorted by name; a mapping is accepted.
        timestamp: When it was measured (aware); CloudWatch uses the receive time if unset.
        storage_resolution: 60 (standard) or 1 (high resolution).

    Example:
        >>> MetricDatum("trades", 3, unit="Count", dimensions={"pair": "BTC/USDT"}).to_api()
        {'MetricName': 'trades', 'Value': 3.0, 'Unit': 'Count', 'StorageResolution': 60,
         'Dimensions': [{'Name': 'pair', 'Value': 'BTC/USDT'}]}
    """

    name: str
    value: float
    unit: MetricUnit = MetricUnit.NONE
    dimensions: tuple[tuple[str, str], ...] = ()
    timestamp: datetime | None = None
    storage_resolution: int = 60

    def __post_init__(self) -> None:
        fields: dict[str, Any] = {
            "name": validate_metric_name(self.name),
            "value": check_value(self.value),
            "unit": check_unit(self.unit),
            "dimensions": check_dimensions(self.dimensions),
            "storage_resolution": check_resolution(self.storage_resolution),
        }
        if self.timestamp is not None:
            fields["timestamp"] = ensure_utc(self.timestamp, field="timestamp")
        for key, value in fields.items():
            object.__setattr__(self, key, value)

    def to_api(self) -> dict[str, Any]:
        """Return the datum as a ``PutMetricData`` ``MetricData`` item.

        Returns:
            The request item.
        """
        item: dict[str, Any] = {
            "MetricName": self.name,
            "Value": self.value,
            "Unit": self.unit.value,
            "StorageResolution": self.storage_resolution,
        }
        if self.dimensions:
            item["Dimensions"] = [{"Name": n, "Value": v} for n, v in self.dimensions]
        if self.timestamp is not None:
            item["Timestamp"] = self.timestamp
        return item


@runtime_checkable
class MetricsSink(Protocol):
    """The metrics port: record values, then flush them somewhere."""

    def put(self, name: str, value: float, *, unit: MetricUnit | str = ...) -> None:
        """Record one value."""
        ...

    def flush(self) -> object:
        """Send or write what was recorded."""
        ...


class MetricsPublisher:
    """Buffers metric data and sends it with ``PutMetricData`` (≤ 1,000 datums a call).

    Thread-safe. Use it as a context manager to flush on exit.

    Args:
        namespace: The CloudWatch namespace (from settings; validated).
        client: A boto3 ``cloudwatch`` client; taken from ``factory`` (or the library's
            cached clients) on first use when omitted.
        factory: The client factory to use when no client is given.
        default_dimensions: Dimensions merged into every :meth:`put`.
        batch_size: Flush when this many datums are buffered (1-1,000).

    Raises:
        ValidationError: If the namespace, default dimensions or batch size are invalid.

    Example:
        >>> publisher = MetricsPublisher("TradAI/Backtest", batch_size=10)
        >>> publisher.put("trades", 3, unit=MetricUnit.COUNT)
        >>> publisher.pending
        1
    """

    def __init__(
        self,
        namespace: str,
        *,
        client: Any = None,
        factory: ClientFactory | None = None,
        default_dimensions: Mapping[str, str] | None = None,
        batch_size: int = CW_METRICS_MAX_DATUMS_PER_CALL,
    ) -> None:
        self._namespace = validate_namespace(namespace)
        self._defaults = dict(check_dimensions(default_dimensions or {}))
        if isinstance(batch_size, bool) or not isinstance(batch_size, int):
            raise ValidationError("batch_size must be an int", field="batch_size")
        if not 1 <= batch_size <= CW_METRICS_MAX_DATUMS_PER_CALL:
            raise ValidationError("batch_size must be between 1 and 1000", field="batch_size")
        self._batch_size = batch_size
        self._client = client
        self._factory = factory
        self._buffer: list[MetricDatum] = []
        self._lock = threading.Lock()

    @property
    def namespace(self) -> str:
        """The namespace every datum is published to."""
        return self._namespace

    @property
    def pending(self) -> int:
        """How many datums are buffered."""
        with self._lock:
            return len(self._buffer)

    def put(
        self,
        name: str,
        value: float,
        *,
        unit: MetricUnit | str = MetricUnit.NONE,
        dimensions: Mapping[str, str] | None = None,
        timestamp: datetime | None = None,
        storage_resolution: int = 60,
    ) -> None:
        """Validate and buffer one value; flush if the buffer is full.

        Args:
            name: The metric name.
            value: The value.
            unit: The unit.
            dimensions: This metric's dimensions (merged over the default ones).
            timestamp: When it was measured (aware).
            storage_resolution: 60 or 1.

        Raises:
            ValidationError: If anything is invalid (nothing is buffered or sent).
            TradAIError: The translated AWS error of a flush this triggered.
        """
        merged = {**self._defaults, **(dimensions or {})}
        self.add(
            MetricDatum(
                name, value, check_unit(unit), tuple(merged.items()), timestamp, storage_resolution
            )
        )

    def add(self, datum: MetricDatum) -> None:
        """Buffer a ready datum (default dimensions are not merged); flush if full.

        Args:
            datum: The datum.

        Raises:
            TradAIError: The translated AWS error of a flush this triggered.
        """
        if not isinstance(datum, MetricDatum):
            raise ValidationError("datum must be a MetricDatum", field="datum")
        with self._lock:
            self._buffer.append(datum)
            full = len(self._buffer) >= self._batch_size
        if full:
            self.flush()

    def flush(self) -> int:
        """Send every buffered datum, at most ``batch_size`` a call.

        Returns:
            How many datums were sent.

        Raises:
            TradAIError: The translated AWS error; unsent datums stay buffered.
        """
        sent = 0
        while True:
            with self._lock:
                batch = self._buffer[: self._batch_size]
                del self._buffer[: self._batch_size]
            if not batch:
                return sent
            try:
                self._get_client().put_metric_data(
                    Namespace=self._namespace, MetricData=[d.to_api() for d in batch]
                )
            except Exception as exc:
                with self._lock:
                    self._buffer[:0] = batch
                raise translate_aws_error(
                    exc, service="cloudwatch", operation="PutMetricData", resource=self._namespace
                ) from exc
            sent += len(batch)

    def _get_client(self) -> Any:
        if self._client is None:
            if self._factory is not None:
                self._client = self._factory.client("cloudwatch")
            else:
                from tradai.common.aws._client_factory import get_cloudwatch_client

                self._client = get_cloudwatch_client()
        return self._client

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.flush()
