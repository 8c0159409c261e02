"""Payload helpers shared by the S3 object stores: JSON, YAML and atomic local files."""

from __future__ import annotations

import json
from typing import Any, Final

from tradai.common._lazy import require
from tradai.common.entities.aws import S3Path
from tradai.common.exceptions import ValidationError

__all__ = [
    "JSON_CONTENT_TYPE",
    "YAML_CONTENT_TYPE",
    "dump_json",
    "dump_yaml",
    "load_json",
    "load_yaml",
]

JSON_CONTENT_TYPE: Final = "application/json"
YAML_CONTENT_TYPE: Final = "application/yaml"


def dump_json(value: Any) -> bytes:
    """Encode ``value`` as compact UTF-8 JSON.

    Args:
        value: JSON-serialisable data (no NaN or infinity).

    Returns:
        The encoded bytes.

    Raises:
        ValidationError: If ``value`` cannot be encoded.
    """
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"value is not JSON-serialisable: {exc}", field="value") from exc
    return text.encode("utf-8")


def load_json(data: bytes, path: S3Path) -> Any:
    """Decode JSON read from ``path``.

    Args:
        data: The object's bytes.
        path: Where they came from (for the error).

    Returns:
        The decoded value.

    Raises:
        ValidationError: If the object is not UTF-8 JSON.
    """
    try:
        return json.loads(data.decode("utf-8"))
    except ValueError as exc:
        raise ValidationError(f"{path.uri} does not hold valid JSON: {exc}") from exc


def dump_yaml(value: Any) -> bytes:
    """Encode ``value`` as YAML (``safe_dump``, key order kept).

    Args:
        value: Data made of plain types.

    Returns:
        The encoded bytes.

    Raises:
        ValidationError: If ``value`` cannot be represented safely.
        MissingDependencyError: If PyYAML is not installed (extra ``yaml``).
    """
    yaml = require("yaml", extra="yaml")
    try:
        text: str = yaml.safe_dump(value, sort_keys=False, allow_unicode=True)
    except yaml.YAMLError as exc:
        raise ValidationError(f"value is not YAML-serialisable: {exc}", field="value") from exc
    return text.encode("utf-8")


def load_yaml(data: bytes, path: S3Path) -> Any:
    """Decode YAML read from ``path`` (``safe_load``).

    Args:
        data: The object's bytes.
        path: Where they came from (for the error).

    Returns:
        The decoded value.

    Raises:
        ValidationError: If the object is not UTF-8 YAML.
        MissingDependencyError: If PyYAML is not installed (extra ``yaml``).
    """
    yaml = require("yaml", extra="yaml")
    try:
        return yaml.safe_load(data.decode("utf-8"))
    except (ValueError, yaml.YAMLError) as exc:
        raise ValidationError(f"{path.uri} does not hold valid YAML: {exc}") from exc
