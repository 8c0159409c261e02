"""ArcticDB connection URIs and error translation (private to the market-data repository).

URI decisions (the settings mixin is silent on emulators and prefixes):

* No ``arctic_s3_bucket`` → LMDB at ``lmdb_path`` (made absolute; ``path_prefix``, if given,
  is a sub-directory of it).
* A bucket → S3 through :meth:`ArcticSettingsMixin.arctic_uri
  <tradai.common.settings_mixins.ArcticSettingsMixin.arctic_uri>`
  (``s3s://`` for HTTPS, ``s3://`` for an ``http://`` endpoint; credentials from the AWS
  default chain via ``aws_auth=true``, never in the URI), plus ``&path_prefix=...``.
* When ``arctic_s3_endpoint`` was not set explicitly, ``AWS_ENDPOINT_URL_S3`` and then
  ``AWS_ENDPOINT_URL`` replace the default endpoint, as boto3 does (README point 5), so the
  same code runs against AWS and a local emulator such as moto.

Errors: ArcticDB raises its own exception tree; :data:`ARCTIC_ERRORS` maps it to the
library's errors (first match wins). Among storage errors, a missing bucket
(``NoSuchBucket``) becomes :class:`~tradai.common.exceptions.ConfigurationError` and one
that ArcticDB itself calls retryable (``E_S3_RETRYABLE``, network failures)
:class:`~tradai.common.exceptions.TransientError`.
"""

from __future__ import annotations

import re
from pathlib import Path

from tradai.common._paths import validate_safe_path
from tradai.common.exceptions import (
    AuthenticationError,
    ConfigurationError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    TransientError,
    ValidationError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from collections.abc import Mapping

    from tradai.common.settings_mixins import ArcticSettingsMixin

__all__ = ["ARCTIC_ERRORS", "arctic_uri", "translate_arctic_error"]

#: ArcticDB exception class name -> tradai error, most specific first.
ARCTIC_ERRORS: tuple[tuple[str, type[TradAIError]], ...] = (
    ("PermissionException", AuthenticationError),
    ("NoDataFoundException", NotFoundError),  # also NoSuchVersionException
    ("LibraryNotFound", NotFoundError),
    ("ArcticException", ExternalServiceError),
)
_RETRYABLE_MARKERS = ("E_S3_RETRYABLE", "Network error", "curlCode")
_PREFIX_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
_ENDPOINT_VARS = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")


def _checked_prefix(path_prefix: str | None) -> str | None:
    if path_prefix is None:
        return None
    if not isinstance(path_prefix, str) or not _PREFIX_RE.fullmatch(path_prefix):
        raise ValidationError(
            f"path_prefix {path_prefix!r:.60} must be 1-128 letters, digits, '_' or '-'",
            field="path_prefix",
        )
    return path_prefix


def _s3_settings(settings: ArcticSettingsMixin, environ: Mapping[str, str]) -> ArcticSettingsMixin:
    if "arctic_s3_endpoint" in settings.model_fields_set:
        return settings
    for var in _ENDPOINT_VARS:
        value = environ.get(var, "")
        if value:
            return settings.model_copy(update={"arctic_s3_endpoint": value.removesuffix("/")})
    return settings


def arctic_uri(
    settings: ArcticSettingsMixin,
    *,
    lmdb_path: str | os.PathLike[str],
    path_prefix: str | None,
    environ: Mapping[str, str],
) -> str:
    """Return the ArcticDB URI for ``settings`` (see the module docstring).

    Args:
        settings: ArcticDB settings.
        lmdb_path: Directory of the local LMDB store (used without a bucket).
        path_prefix: Optional prefix (S3 key prefix, or LMDB sub-directory).
        environ: Environment to read ``AWS_ENDPOINT_URL[_S3]`` from.

    Returns:
        ``lmdb:///abs/path`` or ``s3[s]://host:bucket?...``.

    Raises:
        ValidationError: If ``lmdb_path`` or ``path_prefix`` is unsafe.
        ConfigurationError: If an ``AWS_ENDPOINT_URL`` variable is not an endpoint, or
            ``lmdb_path`` exists and is not a directory.
    """
    prefix = _checked_prefix(path_prefix)
    if not settings.arctic_s3_bucket:
        try:
            root = validate_safe_path(lmdb_path)
        except ValueError as exc:
            raise ValidationError(f"invalid lmdb_path: {exc}", field="lmdb_path") from None
        if Path(root).exists() and not Path(root).is_dir():
            raise ConfigurationError(
                f"lmdb_path {str(root)!r} exists and is not a directory", setting="lmdb_path"
            )
        return settings.arctic_uri(lmdb_path=root / prefix if prefix else Path(root))
    try:
        uri = _s3_settings(settings, environ).arctic_uri()
    except ValueError as exc:
        raise ConfigurationError(
            f"the S3 endpoint from the environment is unusable: {exc}", setting="AWS_ENDPOINT_URL"
        ) from None
    return f"{uri}&path_prefix={prefix}" if prefix else uri


def translate_arctic_error(
    arcticdb_exceptions: object, exc: Exception, *, operation: str, key: str
) -> TradAIError:
    """Translate an ArcticDB exception with :data:`ARCTIC_ERRORS`.

    Args:
        arcticdb_exceptions: The ``arcticdb.exceptions`` module.
        exc: The exception ArcticDB raised.
        operation: What was being done (``"read"``, ``"write"``...).
        key: The library symbol concerned.

    Returns:
        The tradai error to raise ``from exc``.
    """
    detail = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
    code = type(exc).__name__
    error_cls = next(
        (cls for name, cls in ARCTIC_ERRORS if isinstance(exc, getattr(arcticdb_exceptions, name))),
        ExternalServiceError,
    )
    message = f"ArcticDB {operation} of {key!r} failed: {detail}"
    if error_cls is NotFoundError:
        return NotFoundError(message, resource="ohlcv_series", key=key)
    if error_cls is AuthenticationError:
        return AuthenticationError(message, context={"operation": operation, "key": key})
    if "NoSuchBucket" in detail:  # a deployment error, not a service failure
        return ConfigurationError(
            message, setting="arctic_s3_bucket", context={"operation": operation, "key": key}
        )
    retryable = any(marker in detail for marker in _RETRYABLE_MARKERS)
    service_error = TransientError if retryable else ExternalServiceError
    return service_error(
        message, service="arcticdb", operation=operation, error_code=code, context={"key": key}
    )
