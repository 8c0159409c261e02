"""The rules every CloudWatch metric follows: names, dimensions, values, units.

Private module, shared by :class:`~tradai.common.aws.cloudwatch_metrics.MetricsPublisher`
and :class:`~tradai.common.aws.cloudwatch_metrics.EMFWriter`, so both refuse the same input
with the same :class:`~tradai.common.exceptions.ValidationError` before any call or write.
:mod:`tradai.common.aws.cloudwatch_metrics` re-exports the public names (its docstring
states the rules).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping, Sequence

from tradai.common.aws.constants import CW_METRICS_MAX_DIMENSIONS
from tradai.common.exceptions import ValidationError

__all__ = [
    "MetricUnit",
    "check_dimensions",
    "check_name",
    "check_resolution",
    "check_unit",
    "check_value",
    "validate_dimension_value",
    "validate_metric_name",
    "validate_namespace",
]

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/#:-]{0,254}")
_VALUE_RE = re.compile(r"[A-Za-z0-9_./#:][A-Za-z0-9_./#:@+=,-]{0,1023}")
_MAX_DIMENSION_NAME = 250
_MIN_VALUE, _MAX_VALUE = 8.515920e-109, 1.174271e108


class MetricUnit(str, enum.Enum):
    """The units CloudWatch accepts (``StandardUnit``)."""

    SECONDS = "Seconds"
    MICROSECONDS = "Microseconds"
    MILLISECONDS = "Milliseconds"
    BYTES = "Bytes"
    KILOBYTES = "Kilobytes"
    MEGABYTES = "Megabytes"
    GIGABYTES = "Gigabytes"
    TERABYTES = "Terabytes"
    BITS = "Bits"
    KILOBITS = "Kilobits"
    MEGABITS = "Megabits"
    GIGABITS = "Gigabits"
    TERABITS = "Terabits"
    PERCENT = "Percent"
    COUNT = "Count"
    BYTES_PER_SECOND = "Bytes/Second"
    KILOBYTES_PER_SECOND = "Kilobytes/Second"
    MEGABYTES_PER_SECOND = "Megabytes/Second"
    GIGABYTES_PER_SECOND = "Gigabytes/Second"
    TERABYTES_PER_SECOND = "Terabytes/Second"
    BITS_PER_SECOND = "Bits/Second"
    KILOBITS_PER_SECOND = "Kilobits/Second"
    MEGABITS_PER_SECOND = "Megabits/Second"
    GIGABITS_PER_SECOND = "Gigabits/Second"
    TERABITS_PER_SECOND = "Terabits/Second"
    COUNT_PER_SECOND = "Count/Second"
    NONE = "None"


def check_name(value: str, what: str, max_length: int = 255) -> str:
    """Check a namespace, metric, dimension or property name.

    Args:
        value: The name.
        what: The field to name in the error.
        max_length: Longest accepted name.

    Returns:
        The name unchanged.

    Raises:
        ValidationError: If it is not 1-``max_length`` ASCII letters, digits and ``._/#:-``
            starting with a letter or digit.
    """
    if not isinstance(value, str) or not value.isascii() or not _NAME_RE.fullmatch(value):
        raise ValidationError(
            f"{what} {value!r:.80} must be 1-{max_length} ASCII letters, digits and . _ / # : -",
            field=what,
        )
    if len(value) > max_length:
        raise ValidationError(f"{what} must be at most {max_length} characters", field=what)
    return value


def validate_namespace(value: str) -> str:
    """Validate a CloudWatch namespace (not ``AWS/...``).

    Args:
        value: The namespace.

    Returns:
        The namespace unchanged.

    Raises:
        ValidationError: If it is malformed or reserved.

    Example:
        >>> validate_namespace("TradAI/Backtest")
        'TradAI/Backtest'
    """
    check_name(value, "namespace")
    if value.lower().startswith("aws/"):
        raise ValidationError("namespace must not start with 'AWS/'", field="namespace")
    return value


def validate_metric_name(value: str) -> str:
    """Validate a metric name.

    Args:
        value: The metric name.

    Returns:
        The name unchanged.

    Raises:
        ValidationError: If it is malformed.

    Example:
        >>> validate_metric_name("backtest.duration")
        'backtest.duration'
    """
    return check_name(value, "metric_name")


def validate_dimension_value(value: str) -> str:
    """Validate a dimension value.

    Args:
        value: The value.

    Returns:
        The value unchanged.

    Raises:
        ValidationError: If it is malformed.

    Example:
        >>> validate_dimension_value("BTC/USDT:USDT")
        'BTC/USDT:USDT'
    """
    if not isinstance(value, str) or not value.isascii() or not _VALUE_RE.fullmatch(value):
        raise ValidationError(
            f"dimension value {value!r:.80} must be 1-1024 ASCII letters, digits and "
            "_ . / # : @ + = , -",
            field="dimension_value",
        )
    return value


def check_dimensions(
    given: Mapping[str, str] | Sequence[tuple[str, str]],
) -> tuple[tuple[str, str], ...]:
    """Check dimensions: unique valid names, valid values, at most 30.

    Args:
        given: A mapping or ``(name, value)`` pairs.

    Returns:
        The pairs sorted by name.

    Raises:
        ValidationError: If a name or value is invalid, a name repeats or there are too many.
    """
    pairs = list(given.items()) if isinstance(given, Mapping) else list(given)
    names = [check_name(name, "dimension_name", _MAX_DIMENSION_NAME) for name, _ in pairs]
    if len(set(names)) != len(names):
        raise ValidationError("dimension names must be unique", field="dimensions")
    if len(pairs) > CW_METRICS_MAX_DIMENSIONS:
        raise ValidationError("a metric has at most 30 dimensions", field="dimensions")
    return tuple(sorted((name, validate_dimension_value(value)) for name, value in pairs))


def check_value(value: float) -> float:
    """Check a metric value: a finite number within CloudWatch's range.

    Args:
        value: The value (``bool`` is refused).

    Returns:
        The value as a float.

    Raises:
        ValidationError: If it is not a number, not finite or out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError("metric value must be a number", field="value")
    number = float(value)
    if not math.isfinite(number) or abs(number) > _MAX_VALUE or 0 < abs(number) < _MIN_VALUE:
        raise ValidationError("metric value is not finite or out of range", field="value")
    return number


def check_unit(value: MetricUnit | str) -> MetricUnit:
    """Check a unit.

    Args:
        value: A :class:`MetricUnit` or its string value.

    Returns:
        The unit.

    Raises:
        ValidationError: If it is not a CloudWatch unit.
    """
    try:
        return MetricUnit(value)
    except ValueError:
        raise ValidationError(f"unknown metric unit {value!r:.40}", field="unit") from None


def check_resolution(value: int) -> int:
    """Check a storage resolution.

    Args:
        value: 60 (standard) or 1 (high resolution).

    Returns:
        The value unchanged.

    Raises:
        ValidationError: If it is neither.
    """
    if isinstance(value, bool) or value not in (1, 60):
        raise ValidationError("storage_resolution must be 1 or 60", field="storage_resolution")
    return value
