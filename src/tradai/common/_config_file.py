"""Reading YAML/JSON config files, local or on S3 (used by :meth:`Settings.load`).

S3 errors are translated by the library's one AWS table
(:func:`tradai.common.aws.errors.translate_aws_error`), except that a missing bucket or key
becomes a ``ConfigurationError`` naming the file; parse errors report line and column, never
file content (which may hold secrets).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import Any, Final

from tradai.common._lazy import require
from tradai.common.exceptions import ConfigurationError, NotFoundError
from tradai.common.validators import validate_s3_bucket_name, validate_s3_key

__all__ = ["MAX_CONFIG_FILE_BYTES", "read_config_file"]

#: Largest config file read (1 MiB).
MAX_CONFIG_FILE_BYTES: Final = 1 << 20

_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_YAML_SUFFIXES = frozenset({".yaml", ".yml"})
_JSON_SUFFIXES = frozenset({".json"})


def _split_s3_uri(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    try:
        return validate_s3_bucket_name(bucket), validate_s3_key(key)
    except ValueError as exc:
        raise ConfigurationError(
            f"invalid S3 config file URI: {exc}", setting="config_file"
        ) from exc


def _read_s3(uri: str, s3_client: Any) -> bytes:
    bucket, key = _split_s3_uri(uri)
    botocore_exceptions = require("botocore.exceptions", extra="aws")
    try:
        if s3_client is None:
            from tradai.common.aws import get_s3_client

            s3_client = get_s3_client()
        response = s3_client.get_object(Bucket=bucket, Key=key)
        body = response["Body"]
        try:
            data: bytes = body.read(MAX_CONFIG_FILE_BYTES + 1)
        finally:
            body.close()
    except (botocore_exceptions.ClientError, botocore_exceptions.BotoCoreError) as exc:
        from tradai.common.aws.errors import translate_aws_error

        error = translate_aws_error(exc, service="s3", operation="GetObject", resource=uri)
        if isinstance(error, NotFoundError):
            raise ConfigurationError(
                f"config file not found: {uri}", setting="config_file", context=error.context
            ) from exc
        raise error from exc
    if len(data) > MAX_CONFIG_FILE_BYTES:
        raise ConfigurationError(
            f"config file {uri} is larger than {MAX_CONFIG_FILE_BYTES} bytes",
            setting="config_file",
        )
    return data


def _read_local(path: Path) -> bytes:
    try:
        if not path.is_file():
            what = "is not a regular file" if path.exists() else "not found"
            raise ConfigurationError(
                f"config file {what}: {path}", setting="config_file", context={"path": str(path)}
            )
        if path.stat().st_size > MAX_CONFIG_FILE_BYTES:
            raise ConfigurationError(
                f"config file {path} is larger than {MAX_CONFIG_FILE_BYTES} bytes",
                setting="config_file",
            )
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(
            f"cannot read config file {path}: {exc.strerror or type(exc).__name__}",
            setting="config_file",
        ) from exc


def _parse_yaml(text: str, name: str) -> Any:
    yaml = require("yaml", extra="yaml")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise ConfigurationError(
            f"config file {name} is not valid YAML{where}: {problem}", setting="config_file"
        ) from exc


def _parse_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(
            f"config file {name} is not valid JSON at line {exc.lineno}, "
            f"column {exc.colno}: {exc.msg}",
            setting="config_file",
        ) from exc


def read_config_file(source: str | os.PathLike[str], *, s3_client: Any = None) -> dict[str, Any]:
    """Read a YAML or JSON config file, local or on S3, into a dict.

    S3 errors are translated by :func:`tradai.common.aws.errors.translate_aws_error`, but a
    missing bucket or key raises ``ConfigurationError`` naming the file.

    Args:
        source: A local path or an ``s3://bucket/key`` URI ending in ``.yaml``, ``.yml``
            or ``.json``.
        s3_client: A boto3 S3 client to use; by default the library's cached client
            (:func:`tradai.common.aws.get_s3_client`, which honours ``AWS_ENDPOINT_URL``).

    Returns:
        The top-level mapping (empty for an empty YAML file).

    Raises:
        ConfigurationError: If the file is missing, unreadable, too large, of an
            unsupported type, not parsable, or not a mapping with string keys.
        AuthenticationError: If S3 refuses access.
        TransientError: If S3 failed in a way retrying may fix.
        TradAIError: Another translated S3 failure.
        MissingDependencyError: If boto3 (``aws`` extra) or PyYAML (``yaml`` extra) is
            needed and missing.
    """
    name = os.fspath(source)
    if not isinstance(name, str) or not name or _CONTROL_RE.search(name):
        raise ConfigurationError(
            "config file path must be a non-empty string without control characters",
            setting="config_file",
        )
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in _YAML_SUFFIXES | _JSON_SUFFIXES:
        raise ConfigurationError(
            f"config file {name} must end in .yaml, .yml or .json", setting="config_file"
        )
    raw = _read_s3(name, s3_client) if name.startswith("s3://") else _read_local(Path(name))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigurationError(
            f"config file {name} is not UTF-8 text", setting="config_file"
        ) from exc
    data = _parse_yaml(text, name) if suffix in _YAML_SUFFIXES else _parse_json(text, name)
    if data is None:
        return {}
    if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
        raise ConfigurationError(
            f"config file {name} must hold a mapping with string keys at the top level",
            setting="config_file",
        )
    return data
