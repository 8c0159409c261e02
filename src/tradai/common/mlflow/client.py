"""A thin typed wrapper over ``mlflow.MlflowClient`` (from mlflow-skinny).

:class:`MLflowSDKClient` runs each SDK call with:

* the tracking URI of the settings (``MLflowSettingsMixin.mlflow_tracking_uri``) — never
  MLflow's process-global ``set_tracking_uri``;
* the credentials of the settings: the SDK reads basic-auth credentials only from the
  environment, so ``MLFLOW_TRACKING_USERNAME``/``MLFLOW_TRACKING_PASSWORD`` (and
  ``MLFLOW_TRACKING_INSECURE_TLS`` for ``mlflow_verify_ssl=False``) are set for the call's
  scope and restored afterwards; the password is never logged or put in a message;
* bounded HTTP retries and timeouts (:class:`MLflowClientConfig`, through MLflow's
  ``MLFLOW_HTTP_REQUEST_*`` variables, also scoped) instead of MLflow's defaults (7
  retries with a backoff factor of 2: minutes against a dead server);
* errors translated by :func:`~tradai.common.mlflow.errors.translate_mlflow_error`.

Decisions where the design document is silent:

* The settings are the source of truth: during a call the ``MLFLOW_TRACKING_*`` variables
  are exactly what the settings say (removed when the settings have no credentials).
* The environment is process-wide, so calls made through any ``MLflowSDKClient`` hold one
  process-wide re-entrant lock while their variables are in place: calls are serialised.
  Tracking calls are short, and a batched logger makes few of them.
* The SDK's console output (run URLs, download progress bars) is switched off for the
  call: a library does not print.
* ``mlflow`` is imported on first use (``require("mlflow", extra="mlflow")``).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from tradai.common._lazy import require
from tradai.common.exceptions import ConfigurationError, TradAIError, ValidationError
from tradai.common.logger_mixin import LoggerMixin
from tradai.common.mlflow.errors import translate_mlflow_error
from tradai.common.settings_mixins import MLflowSettingsMixin

if TYPE_CHECKING:
    from mlflow import MlflowClient

__all__ = ["MLflowClientConfig", "MLflowSDKClient"]

_T = TypeVar("_T")

#: One lock for the one process-wide resource the SDK reads its options from.
_ENV_LOCK = threading.RLock()

_USERNAME = "MLFLOW_TRACKING_USERNAME"
_PASSWORD = "MLFLOW_TRACKING_PASSWORD"  # noqa: S105 - a variable name, not a secret
_INSECURE = "MLFLOW_TRACKING_INSECURE_TLS"


@dataclass(frozen=True, slots=True)
class MLflowClientConfig:
    """HTTP behaviour of SDK calls (bounded by attempts AND time).

    Attributes:
        max_retries: Retries after the first attempt (0-10).
        backoff_factor: Exponential backoff factor in whole seconds (0-10; MLflow reads
            an integer).
        timeout_s: Per-request timeout in whole seconds (1-600).

    Raises:
        ValidationError: If a value is out of range.

    Example:
        >>> MLflowClientConfig().max_retries
        2
    """

    max_retries: int = 2
    backoff_factor: int = 1
    timeout_s: int = 30

    def __post_init__(self) -> None:
        for name, low, high in (
            ("max_retries", 0, 10),
            ("backoff_factor", 0, 10),
            ("timeout_s", 1, 600),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValidationError(f"{name} must be an integer in [{low}, {high}]", field=name)


class MLflowSDKClient(LoggerMixin):
    """Run ``mlflow.MlflowClient`` calls with scoped settings and translated errors.

    Args:
        settings: Tracking URI and credentials (any model with the MLflow mixin's fields).
        config: Retry and timeout behaviour.

    Raises:
        ConfigurationError: If the settings have no tracking URI.

    Example:
        >>> client = MLflowSDKClient.from_uri("http://127.0.0.1:5000")
        >>> client.tracking_uri
        'http://127.0.0.1:5000'
    """

    def __init__(
        self, settings: MLflowSettingsMixin, *, config: MLflowClientConfig | None = None
    ) -> None:
        if not settings.mlflow_tracking_uri:
            raise ConfigurationError(
                "MLflow tracking URI is not configured", setting="mlflow_tracking_uri"
            )
        self._settings = settings
        self._config = config or MLflowClientConfig()
        self._sdk: MlflowClient | None = None

    @classmethod
    def from_uri(
        cls, tracking_uri: str, *, config: MLflowClientConfig | None = None
    ) -> MLflowSDKClient:
        """Build a client for a server without credentials.

        Args:
            tracking_uri: The tracking server URI.
            config: Retry and timeout behaviour.

        Returns:
            The client.

        Raises:
            pydantic.ValidationError: If the URI is malformed or embeds credentials.
        """
        return cls(MLflowSettingsMixin(mlflow_tracking_uri=tracking_uri), config=config)

    def __repr__(self) -> str:
        return f"MLflowSDKClient(tracking_uri={self.tracking_uri!r})"

    @property
    def tracking_uri(self) -> str:
        """The tracking server URI.

        Returns:
            The URI from the settings.
        """
        return self._settings.mlflow_tracking_uri

    @property
    def config(self) -> MLflowClientConfig:
        """The retry and timeout behaviour.

        Returns:
            The config.
        """
        return self._config

    def _client(self) -> MlflowClient:
        if self._sdk is None:
            mlflow = require("mlflow", extra="mlflow")
            uri = self.tracking_uri
            self._sdk = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
        return self._sdk

    def _scoped_values(self) -> dict[str, str | None]:
        settings, config = self._settings, self._config
        password = settings.mlflow_password
        return {
            "MLFLOW_HTTP_REQUEST_MAX_RETRIES": str(config.max_retries),
            "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": str(config.backoff_factor),
            "MLFLOW_HTTP_REQUEST_TIMEOUT": str(config.timeout_s),
            "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
            "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT": "true",
            _USERNAME: settings.mlflow_username,
            _PASSWORD: None if password is None else password.get_secret_value(),
            _INSECURE: None if settings.mlflow_verify_ssl else "true",
        }

    @contextlib.contextmanager
    def scope(self) -> Iterator[MlflowClient]:
        """Hold the environment lock with this client's variables in place.

        Use it for a sequence of SDK calls that must see the same settings; prefer
        :meth:`call`, which also translates errors.

        Yields:
            The underlying ``mlflow.MlflowClient``.
        """
        with _ENV_LOCK:
            values = self._scoped_values()
            saved = {key: os.environ.get(key) for key in values}
            try:
                for key, value in values.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
                yield self._client()
            finally:
                for key, old in saved.items():
                    if old is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = old

    def call(
        self,
        operation: str,
        fn: Callable[[MlflowClient], _T],
        *,
        resource: str | None = None,
    ) -> _T:
        """Run one SDK call in scope and translate its errors.

        Args:
            operation: Name of the operation, for errors and logs (``get_run``).
            fn: Receives the ``mlflow.MlflowClient`` and makes the call.
            resource: The run id, model name... concerned, for errors.

        Returns:
            What ``fn`` returns.

        Raises:
            TradAIError: The translated MLflow error (``NotFoundError``,
                ``ValidationError``, ``TransientError``...).
        """
        with self.scope() as sdk:
            try:
                return fn(sdk)
            except TradAIError:
                raise
            except Exception as exc:
                if not _is_mlflow_error(exc):
                    raise
                error = translate_mlflow_error(exc, operation=operation, resource=resource)
                self.logger.debug("mlflow %s failed: %s", operation, type(error).__name__)
                raise error from exc


def _is_mlflow_error(exc: BaseException) -> bool:
    module = type(exc).__module__.split(".")[0]
    return module in {"mlflow", "requests", "urllib3"} or isinstance(exc, ConnectionError)
