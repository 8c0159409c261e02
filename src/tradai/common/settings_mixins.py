"""Reusable settings mixins: the fields every service shares, declared once.

Compose them with :class:`~tradai.common.settings.Settings` (mixins first), exactly as the
design document shows; a service may override a field, for example to make it required::

    class DataCollectionSettings(ArcticSettingsMixin, Settings):
        arctic_s3_bucket: str = Field(..., description="Required for data-collection")

    class StrategyServiceSettings(ArcticSettingsMixin, MLflowSettingsMixin, Settings):
        pass

Decisions where the specification is silent:

* The mixins are pydantic models (not plain classes), so fields, validators and the mypy
  plugin compose cleanly; their validators are bound to the field *names*, so they still run
  when a service overrides a field's default.
* ``arctic_s3_bucket`` empty means "no S3": :meth:`ArcticSettingsMixin.arctic_uri` then
  points at a local LMDB store. A non-empty bucket must be a valid S3 bucket name.
* ``arctic_s3_endpoint`` is ``host[:port]`` (HTTPS) or ``http(s)://host[:port]`` (the
  ``http://`` form is for local emulators); ``arctic_region`` must look like an AWS region.
* ``mlflow_tracking_uri`` defaults to ``""`` ("not configured") rather than
  ``http://localhost:5000``, so a deployed service never talks to a local server by accident;
  the MLflow adapters refuse to start without it. It must not embed credentials
  (``user:pass@host``): use ``mlflow_username`` and ``mlflow_password`` (a ``SecretStr``),
  which must be set together.
* ``mlflow_verify_ssl`` defaults to ``True``.

Example:
    >>> from tradai.common.settings import Settings
    >>> class StrategyServiceSettings(ArcticSettingsMixin, MLflowSettingsMixin, Settings):
    ...     pass
    >>> s = StrategyServiceSettings.load(arctic_s3_bucket="tradai-data")
    >>> s.arctic_library, s.mlflow_verify_ssl
    ('futures', True)
    >>> s.arctic_uri()
    's3s://s3.us-east-1.amazonaws.com:tradai-data?region=us-east-1&aws_auth=true'
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from tradai.common.validators import validate_identifier, validate_s3_bucket_name

__all__ = ["ArcticSettingsMixin", "MLflowSettingsMixin", "validate_aws_region"]

_REGION_RE = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]{1,2}")
_HOST_RE = re.compile(
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)
_ENDPOINT_RE = re.compile(rf"(?:(https?)://)?({_HOST_RE.pattern})(?::([0-9]{{1,5}}))?")
_SCHEME_RE = re.compile(r"[a-z][a-z0-9+.-]*")
_UNSAFE_TEXT_RE = re.compile(r"[\x00-\x20\x7f]")

_MIXIN_CONFIG = ConfigDict(
    strict=True, frozen=True, extra="forbid", hide_input_in_errors=True, validate_default=True
)


def validate_aws_region(value: str) -> str:
    """Validate an AWS region name such as ``us-east-1`` or ``us-gov-west-1``.

    Args:
        value: The region name.

    Returns:
        The name unchanged.

    Raises:
        ValueError: If it does not look like an AWS region.

    Example:
        >>> validate_aws_region("eu-central-1")
        'eu-central-1'
    """
    if not isinstance(value, str) or not value.isascii() or not _REGION_RE.fullmatch(value):
        raise ValueError(f"{value!r:.80} is not an AWS region name (e.g. us-east-1)")
    return value


def _split_endpoint(value: str) -> tuple[str | None, str, int | None]:
    match = _ENDPOINT_RE.fullmatch(value) if value.isascii() else None
    if match is None:
        raise ValueError(
            f"{value!r:.80} is not an S3 endpoint: use host[:port] or http(s)://host[:port]"
        )
    scheme, host, port = match.groups()
    port_number = int(port) if port else None
    if port_number is not None and not 1 <= port_number <= 65535:
        raise ValueError(f"port {port_number} is out of range")
    return scheme, host, port_number


class ArcticSettingsMixin(BaseModel):
    """ArcticDB storage settings (env: ``ARCTIC_S3_BUCKET``, ``ARCTIC_LIBRARY``, ...).

    Attributes:
        arctic_s3_bucket: S3 bucket for ArcticDB; ``""`` means a local LMDB store.
        arctic_library: ArcticDB library name.
        arctic_s3_endpoint: S3 endpoint, ``host[:port]`` or ``http(s)://host[:port]``.
        arctic_region: AWS region of the bucket.
    """

    model_config = _MIXIN_CONFIG

    arctic_s3_bucket: str = Field(default="", description="S3 bucket for ArcticDB")
    arctic_library: str = Field(default="futures", description="ArcticDB library name")
    arctic_s3_endpoint: str = Field(default="s3.us-east-1.amazonaws.com")
    arctic_region: str = Field(default="us-east-1")

    @field_validator("arctic_s3_bucket")
    @classmethod
    def _check_bucket(cls, value: str) -> str:
        return validate_s3_bucket_name(value) if value else value

    @field_validator("arctic_library")
    @classmethod
    def _check_library(cls, value: str) -> str:
        return validate_identifier(value)

    @field_validator("arctic_s3_endpoint")
    @classmethod
    def _check_endpoint(cls, value: str) -> str:
        _split_endpoint(value)
        return value

    @field_validator("arctic_region")
    @classmethod
    def _check_region(cls, value: str) -> str:
        return validate_aws_region(value)

    def arctic_uri(self, *, lmdb_path: str | Path = "arcticdb") -> str:
        """Return the ArcticDB connection URI for these settings.

        Credentials are never put in the URI: S3 access uses ``aws_auth=true`` (the AWS
        default credential chain).

        Args:
            lmdb_path: Directory of the local LMDB store used when no bucket is set.

        Returns:
            ``s3s://endpoint:bucket?...`` (``s3://`` for an ``http://`` endpoint) or
            ``lmdb://<path>``.

        Example:
            >>> from tradai.common.settings import Settings
            >>> class Local(ArcticSettingsMixin, Settings):
            ...     pass
            >>> Local.load().arctic_uri(lmdb_path="/data/arctic")
            'lmdb:///data/arctic'
        """
        if not self.arctic_s3_bucket:
            return f"lmdb://{Path(lmdb_path).as_posix()}"
        scheme, host, port = _split_endpoint(self.arctic_s3_endpoint)
        protocol = "s3" if scheme == "http" else "s3s"
        options = f"region={self.arctic_region}&aws_auth=true"
        if port is not None:
            options = f"port={port}&{options}"
        return f"{protocol}://{host}:{self.arctic_s3_bucket}?{options}"


class MLflowSettingsMixin(BaseModel):
    """MLflow tracking server settings (env: ``MLFLOW_TRACKING_URI``, ``MLFLOW_USERNAME``...).

    Attributes:
        mlflow_tracking_uri: Tracking server URI; ``""`` means not configured.
        mlflow_username: Basic-auth user name, if the server needs one.
        mlflow_password: Basic-auth password (never shown in repr, dumps or errors).
        mlflow_verify_ssl: Whether to verify the server's TLS certificate.
    """

    model_config = _MIXIN_CONFIG

    mlflow_tracking_uri: str = Field(default="", description="MLflow tracking server URI")
    mlflow_username: str | None = Field(default=None, description="MLflow basic-auth user")
    mlflow_password: SecretStr | None = Field(default=None, description="MLflow password")
    mlflow_verify_ssl: bool = Field(default=True, description="Verify the server's TLS cert")

    @field_validator("mlflow_tracking_uri")
    @classmethod
    def _check_tracking_uri(cls, value: str) -> str:
        if value in {"", "databricks"}:  # MLflow's bare "databricks" URI has no scheme
            return value
        if not value.isascii() or _UNSAFE_TEXT_RE.search(value):
            raise ValueError("tracking URI must be ASCII without spaces or control characters")
        parts = urlsplit(value)
        if not _SCHEME_RE.fullmatch(parts.scheme):
            raise ValueError("tracking URI must start with a scheme (e.g. https://)")
        if parts.scheme in {"http", "https"} and not parts.hostname:
            raise ValueError("an http(s) tracking URI must name a host")
        if parts.username is not None or parts.password is not None:
            raise ValueError(
                "tracking URI must not embed credentials: use mlflow_username/mlflow_password"
            )
        return value

    @field_validator("mlflow_username")
    @classmethod
    def _check_username(cls, value: str | None) -> str | None:
        if value is not None and (not value or _UNSAFE_TEXT_RE.search(value)):
            raise ValueError("user name must be non-empty without spaces or control characters")
        return value

    @model_validator(mode="after")
    def _check_credentials_pair(self) -> Self:
        if (self.mlflow_username is None) != (self.mlflow_password is None):
            raise ValueError("mlflow_username and mlflow_password must be set together")
        return self
