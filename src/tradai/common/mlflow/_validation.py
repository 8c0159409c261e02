"""Input rules shared by every MLflow backend (checked before any request is sent).

The rules follow the MLflow 3.17 server (``mlflow/utils/validation.py``) but are stricter
where the server is lax in ways that hurt: keys and names must be ASCII (the server's
``\\w`` accepts any Unicode letter, so Cyrillic look-alikes would pass) and may not start or
end with a space. Plain validators raise ``ValueError``; :func:`check` turns that into the
library's :class:`~tradai.common.exceptions.ValidationError` naming the argument.
"""

from __future__ import annotations

import functools
import math
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final, TypeVar

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from tradai.common.entities.identifiers import ExperimentName
from tradai.common.exceptions import ValidationError
from tradai.common.validators import ensure, validate_identifier

if TYPE_CHECKING:
    from tradai.common.mlflow._types import Metric

__all__ = [
    "MAX_ENTITIES_PER_BATCH",
    "MAX_ENTITY_KEY_LENGTH",
    "MAX_METRICS_PER_BATCH",
    "MAX_PARAMS_PER_BATCH",
    "MAX_PARAM_VALUE_LENGTH",
    "MAX_TAGS_PER_BATCH",
    "MAX_TAG_VALUE_LENGTH",
    "check",
    "check_batch",
    "validate_alias",
    "validate_artifact_path",
    "validate_entity_key",
    "validate_experiment_id",
    "validate_experiment_name",
    "validate_model_name",
    "validate_run_id",
    "validate_version",
]

_T = TypeVar("_T")

#: Server limits of ``log_batch`` (MLflow 3.17: ``MAX_METRICS_PER_BATCH`` etc.).
MAX_METRICS_PER_BATCH: Final = 1000
MAX_PARAMS_PER_BATCH: Final = 100
MAX_TAGS_PER_BATCH: Final = 100
MAX_ENTITIES_PER_BATCH: Final = 1000
#: Longest param value the server stores (longer ones are cut by the SDK silently).
MAX_PARAM_VALUE_LENGTH: Final = 6000
#: Longest run-tag value.
MAX_TAG_VALUE_LENGTH: Final = 8000
#: Longest metric/param/tag key.
MAX_ENTITY_KEY_LENGTH: Final = 250

_KEY_RE = re.compile(r"[A-Za-z0-9_./:-](?:[A-Za-z0-9_./: -]*[A-Za-z0-9_./:-])?")
_RUN_ID_RE = re.compile(r"[0-9a-f]{32}")
_EXPERIMENT_ID_RE = re.compile(r"[0-9]{1,19}")
_VERSION_RE = re.compile(r"[1-9][0-9]{0,18}")
_ALIAS_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")
_RESERVED_ALIAS_RE = re.compile(r"latest|[vV][0-9]+", re.IGNORECASE)
_SEGMENT_RE = re.compile(r"[A-Za-z0-9_.][A-Za-z0-9_.=+@-]*")
_MAX_ARTIFACT_PATH = 1024


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "...'"


def _string(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} must be a string, got {type(value).__name__}")
    return value


def _path_is_ambiguous(name: str) -> bool:
    norm = posixpath.normpath(name)
    return norm != name or norm == "." or norm.startswith(("..", "/"))


def validate_entity_key(value: str) -> str:
    """Validate a metric, param or tag key.

    1-250 ASCII characters of letters, digits, ``_ . / : -`` and inner spaces, that do
    not resolve to another name as a path (``a//b``, ``./a``, ``a/``).

    Args:
        value: The key.

    Returns:
        The key unchanged.

    Raises:
        ValueError: If it does not qualify.
    """
    _string(value, "key")
    if len(value) > MAX_ENTITY_KEY_LENGTH or not value.isascii() or not _KEY_RE.fullmatch(value):
        raise ValueError(
            f"key {_short(value)} must be 1-250 ASCII letters, digits, '_ . / : -' or inner spaces"
        )
    if _path_is_ambiguous(value):
        raise ValueError(f"key {_short(value)} would resolve to another name as a path")
    return value


def validate_run_id(value: str) -> str:
    """Validate an MLflow run id: 32 lower-case hex digits.

    Args:
        value: The run id.

    Returns:
        The run id unchanged.

    Raises:
        ValueError: If it is not 32 lower-case hex digits.
    """
    if not _RUN_ID_RE.fullmatch(_string(value, "run id")):
        raise ValueError(f"run id {_short(value)} must be 32 lower-case hex digits")
    return value


def validate_experiment_id(value: str) -> str:
    """Validate an experiment id: 1-19 ASCII digits.

    Args:
        value: The id.

    Returns:
        The id unchanged.

    Raises:
        ValueError: If it is not a decimal number.
    """
    if not _EXPERIMENT_ID_RE.fullmatch(_string(value, "experiment id")):
        raise ValueError(f"experiment id {_short(value)} must be a decimal number")
    return value


@functools.cache
def _experiment_name_adapter() -> TypeAdapter[str]:
    return TypeAdapter(ExperimentName)


def validate_experiment_name(value: str) -> str:
    """Validate an experiment name (the :data:`ExperimentName` rules).

    Args:
        value: 1-500 characters, no control characters, no leading/trailing whitespace.

    Returns:
        The name unchanged.

    Raises:
        ValueError: If it does not qualify.
    """
    _string(value, "experiment name")
    try:
        return _experiment_name_adapter().validate_python(value)
    except PydanticValidationError:
        raise ValueError(
            f"name {_short(value)} must be 1-500 characters without control characters "
            "or surrounding whitespace"
        ) from None


def validate_model_name(value: str) -> str:
    """Validate a registered-model name (in tradai: a strategy or model identifier).

    Stricter than MLflow (which only forbids ``/`` and ``:``): the identifier rules of
    :func:`~tradai.common.validators.validate_identifier` without ``/`` and ``:``, i.e.
    1-256 ASCII letters, digits and ``_ . -`` starting with a letter or digit, so a name
    is safe in ``models:/<name>@<alias>`` URIs, paths and shells.

    Args:
        value: The name.

    Returns:
        The name unchanged.

    Raises:
        ValueError: If it does not qualify.
    """
    validate_identifier(_string(value, "model name"))
    if "/" in value or ":" in value:
        raise ValueError(f"model name {_short(value)} must not hold '/' or ':'")
    return value


def validate_version(value: str | int) -> str:
    """Validate a model version number; return it as a string.

    Args:
        value: A positive integer or its decimal string.

    Returns:
        The version as a string.

    Raises:
        ValueError: If it is not a positive integer.
    """
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _VERSION_RE.fullmatch(text):
        raise ValueError(f"model version {_short(value)} must be a positive integer")
    return text


def validate_alias(value: str) -> str:
    """Validate a registered-model alias (``champion``, ``production``...).

    1-255 ASCII letters, digits, ``_`` and ``-``; ``latest`` and ``v<N>`` are reserved.

    Args:
        value: The alias.

    Returns:
        The alias unchanged.

    Raises:
        ValueError: If it does not qualify or is reserved.
    """
    if not _ALIAS_RE.fullmatch(_string(value, "alias")) or not value.isascii():
        raise ValueError(f"alias {_short(value)} must be 1-255 ASCII letters, digits, '_' or '-'")
    if _RESERVED_ALIAS_RE.fullmatch(value):
        raise ValueError(f"alias {_short(value)} is reserved by MLflow ('latest', 'v<N>')")
    return value


def validate_artifact_path(value: str) -> str:
    """Validate a relative artifact path such as ``backtest/config.json``.

    ``/``-separated segments of ASCII letters, digits and ``_ . = + @ -``; no empty,
    ``.`` or ``..`` segment, no leading ``/``; at most 1,024 characters.

    Args:
        value: The path.

    Returns:
        The path unchanged.

    Raises:
        ValueError: If it does not qualify.
    """
    _string(value, "artifact path")
    if not 1 <= len(value) <= _MAX_ARTIFACT_PATH or not value.isascii():
        raise ValueError(f"artifact path {_short(value)} must be 1-1024 ASCII characters")
    for segment in value.split("/"):
        if segment in {".", ".."} or not _SEGMENT_RE.fullmatch(segment):
            raise ValueError(
                f"artifact path {_short(value)} must be relative segments of letters, "
                "digits and '_ . = + @ -'"
            )
    return value


def check(validator: Callable[[_T], _T], value: _T, *, field: str) -> _T:
    """Run a validator and raise :class:`~tradai.common.exceptions.ValidationError`.

    Args:
        validator: One of this module's validators.
        value: The value to check.
        field: The argument name to report.

    Returns:
        The validator's result.

    Raises:
        ValidationError: If the validator rejects the value.
    """
    return ensure(validator, value, field=field)


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError(f"invalid {field}: {message}", field=field)


def _check_metric(metric: Metric, index: int) -> None:
    field = f"metrics[{index}]"
    check(validate_entity_key, metric.key, field=f"{field}.key")
    value = metric.value
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(f"{field}.value", f"{_short(value)} is not a finite number")
    step = metric.step
    if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < 2**63:
        raise _fail(f"{field}.step", f"{_short(step)} is not an integer in [0, 2**63)")
    stamp = metric.timestamp_ms
    if stamp is not None and (isinstance(stamp, bool) or not isinstance(stamp, int) or stamp < 0):
        raise _fail(f"{field}.timestamp_ms", f"{_short(stamp)} is not epoch milliseconds")


def _check_values(
    entries: Mapping[str, str], *, kind: str, max_count: int, max_length: int
) -> None:
    if len(entries) > max_count:
        raise _fail(kind, f"{len(entries)} in one batch; the server accepts at most {max_count}")
    for key, value in entries.items():
        field = f"{kind}[{key!r:.40}]"
        check(validate_entity_key, key, field=field)
        if not isinstance(value, str):
            raise _fail(field, f"value must be a string, got {type(value).__name__}")
        if len(value) > max_length:
            raise _fail(field, f"value of {len(value)} characters exceeds {max_length}")


def check_batch(
    metrics: Sequence[Metric], params: Mapping[str, str], tags: Mapping[str, str]
) -> None:
    """Check one ``log_batch`` request against the server's limits and key rules.

    Args:
        metrics: Metric points.
        params: Param key to value.
        tags: Tag key to value.

    Raises:
        ValidationError: If a key or value is invalid or a limit is exceeded.
    """
    if len(metrics) > MAX_METRICS_PER_BATCH:
        raise _fail("metrics", f"{len(metrics)} in one batch; at most {MAX_METRICS_PER_BATCH}")
    _check_values(
        params, kind="params", max_count=MAX_PARAMS_PER_BATCH, max_length=MAX_PARAM_VALUE_LENGTH
    )
    _check_values(tags, kind="tags", max_count=MAX_TAGS_PER_BATCH, max_length=MAX_TAG_VALUE_LENGTH)
    total = len(metrics) + len(params) + len(tags)
    if total > MAX_ENTITIES_PER_BATCH:
        raise _fail("batch", f"{total} entities in one batch; at most {MAX_ENTITIES_PER_BATCH}")
    for index, metric in enumerate(metrics):
        _check_metric(metric, index)
