"""Settings of the data-collection client (re-exported by ``data_collection_client``).

:class:`DataCollectionClientSettingsMixin` holds the fields; compose it into a service's
settings (``class BacktestSettings(DataCollectionClientSettingsMixin, Settings)``) or use
:class:`DataCollectionClientSettings`, which reads them on its own. Environment variables
are the upper-case field names: ``DATA_COLLECTION_URL``, ``DATA_COLLECTION_TOKEN``...

Decisions where the specification is silent:

* ``data_collection_url`` defaults to ``""`` ("not configured") so that composing the
  mixin never points a service at a default host; the client refuses to start without it.
  It must be an absolute ``http(s)://`` URL without credentials, query or fragment.
* ``data_collection_token`` is a :class:`~pydantic.SecretStr`, sent as
  ``Authorization: Bearer <token>``; it never shows in a repr, a dump, a log line or an
  error.
* Timeouts, attempts and breaker thresholds default to the HTTP client's defaults, bounded
  by the same limits.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from tradai.common.http_client.client import HttpClientConfig
from tradai.common.settings import Settings

__all__ = ["DataCollectionClientSettings", "DataCollectionClientSettingsMixin"]


class DataCollectionClientSettingsMixin(BaseModel):
    """Where the data-collection service is and how to talk to it.

    Attributes:
        data_collection_url: Base URL of the service (``""``: not configured).
        data_collection_token: Bearer token, if the service requires one.
        data_collection_connect_timeout: Seconds to connect.
        data_collection_read_timeout: Seconds to wait for the next byte of a response.
        data_collection_total_timeout: Seconds one attempt may take in all.
        data_collection_max_attempts: Attempts per idempotent request (1-10).
        data_collection_breaker_failures: Consecutive failures that open the breaker.
        data_collection_breaker_recovery: Seconds the breaker stays open before a probe.
        data_collection_verify_ssl: Whether to verify the service's TLS certificate.

    Example:
        >>> settings = DataCollectionClientSettingsMixin(
        ...     data_collection_url="https://data.internal/", data_collection_token="t0ken"
        ... )
        >>> settings.data_collection_url, settings.data_collection_token
        ('https://data.internal', SecretStr('**********'))
    """

    model_config = ConfigDict(
        strict=True, frozen=True, extra="forbid", hide_input_in_errors=True, validate_default=True
    )

    data_collection_url: str = Field(default="", description="Data-collection service URL")
    data_collection_token: SecretStr | None = Field(default=None, description="Bearer token")
    data_collection_connect_timeout: float = Field(default=3.05, gt=0, le=120)
    data_collection_read_timeout: float = Field(default=30.0, gt=0, le=3600)
    data_collection_total_timeout: float = Field(default=120.0, gt=0, le=7200)
    data_collection_max_attempts: int = Field(default=3, ge=1, le=10)
    data_collection_breaker_failures: int = Field(default=5, ge=1, le=1000)
    data_collection_breaker_recovery: float = Field(default=30.0, gt=0, le=3600)
    data_collection_verify_ssl: bool = True

    @field_validator("data_collection_url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        if value == "":
            return value
        try:
            return HttpClientConfig(base_url=value).base_url
        except ValueError:  # pydantic's ValidationError is a ValueError
            raise ValueError(
                "data_collection_url must be an absolute http(s):// URL without "
                "credentials, spaces, query or fragment"
            ) from None

    @field_validator("data_collection_token")
    @classmethod
    def _check_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        text = value.get_secret_value()
        if not text or not text.isascii() or not text.isprintable() or " " in text:
            raise ValueError("the token must be non-empty printable ASCII without spaces")
        return value


class DataCollectionClientSettings(DataCollectionClientSettingsMixin, Settings):  # type: ignore[misc]  # the mixin's ConfigDict and Settings' SettingsConfigDict merge at runtime
    """The client settings on their own (environment: ``DATA_COLLECTION_URL``...).

    Example:
        >>> DataCollectionClientSettings.load(
        ...     data_collection_url="http://localhost:8080"
        ... ).data_collection_max_attempts
        3
    """
