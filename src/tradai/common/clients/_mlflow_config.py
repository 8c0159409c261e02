"""Configuration of :class:`~tradai.common.clients.mlflow_client.MLflowRestClient`.

* :class:`MLflowRestConfig` — timeouts, retries, breaker thresholds and size limits.
* :func:`http_configs` — the two :class:`~tradai.common.http_client.client.HttpClientConfig`
  the client runs on (one for the JSON API, one for artifact bytes), built from
  ``MLflowSettingsMixin`` fields: the tracking URI is validated (an ``http(s)`` URL
  without credentials, query or fragment) and the basic-auth credentials become a
  secret ``Authorization`` header (a ``SecretStr``: never in a repr, a log or an error).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

from pydantic import Field, SecretStr
from pydantic import ValidationError as PydanticValidationError

from tradai.common.entities._base import FrozenModel
from tradai.common.exceptions import ConfigurationError
from tradai.common.http_client.client import HttpClientConfig, HttpRetryConfig

if TYPE_CHECKING:
    from tradai.common.settings_mixins import MLflowSettingsMixin

__all__ = ["SERVICE", "MLflowRestConfig", "http_configs", "rest_base_url"]

#: The dependency's name in errors, logs and the default breaker.
SERVICE: Final = "mlflow"
_MiB: Final = 1024 * 1024


class MLflowRestConfig(FrozenModel):
    """How :class:`~tradai.common.clients.mlflow_client.MLflowRestClient` talks to MLflow.

    Args:
        connect_timeout: Seconds to establish a connection.
        read_timeout: Seconds to wait for the next byte of a response.
        total_timeout: Seconds one attempt may take from sending to the last byte.
        retry: Retries of idempotent calls (inside the breaker).
        retry_log_batch: Also retry ``log_batch`` (safe on SQL-backed servers, which
            de-duplicate identical metric points; turn off for a file-store server).
        failure_threshold: Consecutive failed calls that open the default breaker.
        recovery_timeout: Seconds the default breaker stays open before one probe.
        max_response_bytes: Largest JSON response accepted.
        max_artifact_bytes: Largest artifact file uploaded or downloaded.
        registration_timeout: Seconds to wait for a new model version to be ``READY``.

    Example:
        >>> config = MLflowRestConfig(read_timeout=5, failure_threshold=3)
        >>> config.retry.max_attempts, config.retry_log_batch, config.recovery_timeout
        (3, True, 30.0)
    """

    connect_timeout: float = Field(default=3.05, gt=0, le=120)
    read_timeout: float = Field(default=30.0, gt=0, le=3600)
    total_timeout: float = Field(default=120.0, gt=0, le=7200)
    retry: HttpRetryConfig = Field(default_factory=HttpRetryConfig)
    retry_log_batch: bool = True
    failure_threshold: int = Field(default=5, ge=1, le=1000)
    recovery_timeout: float = Field(default=30.0, gt=0, le=3600)
    max_response_bytes: int = Field(default=64 * _MiB, gt=0, le=2**31)
    max_artifact_bytes: int = Field(default=256 * _MiB, gt=0, le=2**31)
    registration_timeout: float = Field(default=30.0, ge=0, le=3600)


def rest_base_url(tracking_uri: str) -> str:
    """Validate a tracking URI for the REST client and return it as a base URL.

    Args:
        tracking_uri: ``MLflowSettingsMixin.mlflow_tracking_uri``.

    Returns:
        The URI without a trailing ``/``.

    Raises:
        ConfigurationError: If it is empty, not ``http(s)``, or malformed (credentials,
            query, fragment, bad port...).

    Example:
        >>> rest_base_url("https://mlflow.internal/")
        'https://mlflow.internal'
    """
    if not tracking_uri:
        raise ConfigurationError(
            "MLflow tracking URI is not configured", setting="mlflow_tracking_uri"
        )
    scheme = urlsplit(tracking_uri).scheme if isinstance(tracking_uri, str) else ""
    if scheme not in {"http", "https"}:
        raise ConfigurationError(
            f"the MLflow REST client needs an http(s) tracking URI, not {scheme or 'no'!r:.20}"
            " scheme",
            setting="mlflow_tracking_uri",
        )
    try:
        return HttpClientConfig(base_url=tracking_uri).base_url
    except PydanticValidationError as exc:
        reason = exc.errors()[0]["msg"] if exc.errors() else "malformed"
        raise ConfigurationError(
            f"invalid MLflow tracking URI: {reason}", setting="mlflow_tracking_uri"
        ) from None


def _auth_header(settings: MLflowSettingsMixin) -> dict[str, SecretStr]:
    username, password = settings.mlflow_username, settings.mlflow_password
    if username is None or password is None:
        return {}
    if ":" in username:
        raise ConfigurationError(
            "mlflow_username must not contain ':' (basic auth)", setting="mlflow_username"
        )
    token = base64.b64encode(f"{username}:{password.get_secret_value()}".encode()).decode()
    return {"Authorization": SecretStr(f"Basic {token}")}


def http_configs(
    settings: MLflowSettingsMixin, config: MLflowRestConfig
) -> tuple[HttpClientConfig, HttpClientConfig]:
    """Build the HTTP configurations of the JSON API and of artifact transfers.

    Args:
        settings: Tracking URI, credentials and TLS verification.
        config: Timeouts, retries and limits.

    Returns:
        ``(api, artifacts)``: same URL, credentials and retries; the artifact one has
        ``max_artifact_bytes`` as its response limit.

    Raises:
        ConfigurationError: If the URI or the credentials are unusable.
    """
    base_url = rest_base_url(settings.mlflow_tracking_uri)
    common = {
        "base_url": base_url,
        "connect_timeout": config.connect_timeout,
        "read_timeout": config.read_timeout,
        "total_timeout": config.total_timeout,
        "secret_headers": _auth_header(settings),
        "verify": settings.mlflow_verify_ssl,
        "service": SERVICE,
        "retry": config.retry,
    }
    api = HttpClientConfig.model_validate(
        {
            **common,
            "headers": {"Accept": "application/json"},
            "max_response_bytes": config.max_response_bytes,
        }
    )
    artifacts = HttpClientConfig.model_validate(
        {**common, "max_response_bytes": config.max_artifact_bytes}
    )
    return api, artifacts
