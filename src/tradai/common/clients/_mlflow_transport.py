"""HTTP side of the MLflow REST client: two ``HttpClient`` behind one breaker, one error table.

* JSON calls go to ``<tracking URI>/api/2.0/mlflow/<endpoint>``; artifact bytes to
  ``<tracking URI>/api/2.0/mlflow-artifacts/artifacts/<path>`` (the server's proxied
  artifact store). Both clients share the same :class:`CircuitBreaker`, so one outage
  opens it for every kind of call.
* Errors are translated with MLflow's own table
  (:mod:`tradai.common.mlflow.errors`): the server's ``error_code`` when it sent one,
  else the HTTP status (:func:`~tradai.common.mlflow.errors.kind_for_status`); a request
  that got no answer is ``TransientError`` with ``error_code="CONNECTION_ERROR"``. A
  :class:`~tradai.common.resilience.circuit_breaker.CircuitOpenError` (an
  ``ExternalServiceError``) and a response over the size limit pass through unchanged.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, Final

from tradai.common.clients._mlflow_config import SERVICE, MLflowRestConfig, http_configs
from tradai.common.clients._mlflow_wire import invalid_response
from tradai.common.exceptions import ExternalServiceError, TradAIError, TransientError
from tradai.common.http_client.client import HttpClient, HttpResponse
from tradai.common.http_client.errors import ResponseTooLargeError
from tradai.common.mlflow.errors import (
    CONNECTION_ERROR,
    ERROR_CODE_MAP,
    kind_for_status,
    make_error,
)
from tradai.common.resilience.circuit_breaker import CircuitBreaker, CircuitOpenError
from tradai.common.settings_mixins import MLflowSettingsMixin

__all__ = [
    "API_PREFIX",
    "ARTIFACTS_PREFIX",
    "RestTransport",
    "server_error_code",
    "translate_rest_error",
]

#: Path of the tracking and registry API under the tracking URI.
API_PREFIX: Final = "api/2.0/mlflow"
#: Path of the proxied artifact store under the tracking URI.
ARTIFACTS_PREFIX: Final = "api/2.0/mlflow-artifacts/artifacts"


def translate_rest_error(
    exc: TradAIError, *, operation: str, resource: str | None = None
) -> TradAIError:
    """Translate an ``HttpClient`` error with MLflow's error table.

    Args:
        exc: What the HTTP client raised.
        operation: The MLflow operation (``get_run``...).
        resource: The run id, model name... concerned.

    Returns:
        The exception to raise (``exc`` itself for an open breaker, an oversized
        response, or a request refused before sending).
    """
    if isinstance(exc, CircuitOpenError | ResponseTooLargeError):
        return exc
    status = exc.context.get("status_code")
    if isinstance(status, int) and status >= 400:
        code = exc.context.get("error_code")
        if code not in ERROR_CODE_MAP:
            code = kind_for_status(status)
        detail = exc.context.get("detail")
        message = detail if isinstance(detail, str) and detail else f"HTTP {status}"
        error = make_error(
            str(code), message, operation=operation, resource=resource, status_code=status
        )
    elif isinstance(exc, TransientError):
        error = make_error(CONNECTION_ERROR, exc.message, operation=operation, resource=resource)
    elif isinstance(exc, ExternalServiceError):
        code = exc.error_code or "INTERNAL_ERROR"
        error = make_error(code, exc.message, operation=operation, resource=resource)
    else:
        return exc
    if isinstance(error, TransientError) and isinstance(exc, TransientError):
        error.retry_after = exc.retry_after
    return error


def server_error_code(exc: BaseException) -> str | None:
    """The ``error_code`` the server itself sent for a translated error, if any.

    A 404 without an MLflow body (a proxy's page, a wrong URL prefix) is translated to
    ``NotFoundError`` from its status alone; this tells it apart from MLflow's own
    ``RESOURCE_DOES_NOT_EXIST``.

    Args:
        exc: An error raised by :class:`RestTransport`.

    Returns:
        The server's code, or ``None`` when the response had none.
    """
    cause = exc.__cause__
    code = cause.context.get("error_code") if isinstance(cause, TradAIError) else None
    return code if isinstance(code, str) else None


def _quote_path(path: str) -> str:
    return "/".join(urllib.parse.quote(part, safe="") for part in path.split("/"))


class RestTransport:
    """Send MLflow requests and translate their failures (see the module docs).

    Args:
        settings: Tracking URI, credentials and TLS verification.
        config: Timeouts, retries, breaker thresholds and limits.
        breaker: The breaker to share (default: a private one from ``config``).
        sleep: Sleeps between retries (default: ``time.sleep``).

    Raises:
        ConfigurationError: If the tracking URI or the credentials are unusable.
    """

    def __init__(
        self,
        settings: MLflowSettingsMixin,
        config: MLflowRestConfig,
        *,
        breaker: CircuitBreaker | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        api_config, files_config = http_configs(settings, config)
        self.config = config
        self.breaker = breaker or CircuitBreaker(
            SERVICE,
            failure_threshold=config.failure_threshold,
            recovery_timeout=config.recovery_timeout,
        )
        extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        self._api = HttpClient(api_config, breaker=self.breaker, **extra)
        self._files = HttpClient(files_config, breaker=self.breaker, **extra)

    @property
    def base_url(self) -> str:
        """The tracking URI (no trailing ``/``)."""
        return self._api.config.base_url

    def close(self) -> None:
        """Close both HTTP sessions."""
        self._api.close()
        self._files.close()

    def call(
        self,
        method: str,
        endpoint: str,
        *,
        operation: str,
        resource: str | None = None,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> dict[str, Any]:
        """Call one JSON endpoint.

        Args:
            method: ``GET``, ``POST`` or ``DELETE``.
            endpoint: The path under ``api/2.0/mlflow/`` (``runs/get``).
            operation: The operation's name for errors.
            resource: The run id, model name... concerned.
            params: Query parameters.
            body: JSON body.
            idempotent: Whether retrying is safe (default: by method).

        Returns:
            The decoded JSON object (``{}`` for an empty body).

        Raises:
            TradAIError: The translated failure.
        """
        response = self._send(
            self._api,
            method,
            f"{API_PREFIX}/{endpoint}",
            operation=operation,
            resource=resource,
            params=params,
            json=None if body is None else dict(body),
            idempotent=idempotent,
        )
        return self._decode(response, operation)

    def list_artifacts(self, path: str, *, operation: str, resource: str) -> list[Any]:
        """List a directory of the proxied artifact store.

        Args:
            path: Path under the store's root (``<exp>/<run>/artifacts/<dir>``).
            operation: The operation's name for errors.
            resource: What is listed, for errors.

        Returns:
            The ``files`` entries (empty for a file or a missing directory).
        """
        response = self._send(
            self._api,
            "GET",
            ARTIFACTS_PREFIX,
            operation=operation,
            resource=resource,
            params={"path": path},
        )
        files = self._decode(response, operation).get("files") or []
        if not isinstance(files, list):
            raise invalid_response(operation, "'files' is not a list")
        return files

    def upload(self, path: str, data: bytes, *, operation: str, resource: str) -> None:
        """Upload one file to the proxied artifact store (``PUT``: retried, idempotent).

        Args:
            path: Path under the store's root, file name included.
            data: The file's bytes.
            operation: The operation's name for errors.
            resource: What is uploaded, for errors.
        """
        self._send(
            self._files,
            "PUT",
            f"{ARTIFACTS_PREFIX}/{_quote_path(path)}",
            operation=operation,
            resource=resource,
            data=data,
            headers={"Content-Type": "application/octet-stream"},
        )

    def download(self, path: str, *, operation: str, resource: str) -> bytes:
        """Download one file from the proxied artifact store.

        Args:
            path: Path under the store's root.
            operation: The operation's name for errors.
            resource: What is downloaded, for errors.

        Returns:
            The file's bytes.
        """
        response = self._send(
            self._files,
            "GET",
            f"{ARTIFACTS_PREFIX}/{_quote_path(path)}",
            operation=operation,
            resource=resource,
        )
        return response.body

    @staticmethod
    def _send(
        client: HttpClient,
        method: str,
        path: str,
        *,
        operation: str,
        resource: str | None,
        **kwargs: Any,
    ) -> HttpResponse:
        try:
            return client.request(method, path, **kwargs)
        except TradAIError as exc:
            error = translate_rest_error(exc, operation=operation, resource=resource)
            if error is exc:
                raise
            raise error from exc

    @staticmethod
    def _decode(response: HttpResponse, operation: str) -> dict[str, Any]:
        if not response.body.strip():
            return {}
        try:
            payload = json.loads(response.body)
        except ValueError:
            raise invalid_response(operation, "the body is not JSON") from None
        if not isinstance(payload, dict):
            raise invalid_response(operation, "the body is not a JSON object")
        return payload
