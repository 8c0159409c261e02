"""MLflow REST client with a circuit breaker: a :class:`TrackingBackend` over plain HTTP.

:class:`MLflowRestClient` implements every method of
:class:`~tradai.common.mlflow.adapter.TrackingBackend` against MLflow's REST API
(``<tracking URI>/api/2.0/mlflow/...``; artifacts through the server's proxied store,
``/api/2.0/mlflow-artifacts/artifacts/...``). It runs on
:class:`~tradai.common.http_client.client.HttpClient` (timeouts, bounded retries,
credential-free logs) guarded by one
:class:`~tradai.common.resilience.circuit_breaker.CircuitBreaker`: after
``failure_threshold`` consecutive failed calls (5xx, 429, no answer) every call fails
fast with ``CircuitOpenError`` (an ``ExternalServiceError``) until ``recovery_timeout``
has passed; then one probe call decides whether it closes again. Use it where MLflow
must not hold a service up: a live strategy, an API handler. Plug it into the facade
with ``MLflowAdapter(rest_backend(settings))``.

Errors go through MLflow's one table (:mod:`tradai.common.mlflow.errors`), exactly as
for the SDK backend (``NotFoundError``, ``ConflictError``, ``ValidationError``,
``AuthenticationError``, ``TransientError`` with ``CONNECTION_ERROR``...). Every name,
id, alias, key, path and URI is validated with the shared rules
(:mod:`tradai.common.mlflow._checks`) before any request.

Retries (inside the breaker; a retried call counts once in it):

* GET calls, ``PUT`` uploads, the ``DELETE`` of an alias, and the POSTs that are
  idempotent by nature: ``runs/search`` (read-only), ``runs/update`` (end a run),
  ``experiments/set-experiment-tag``, ``registered-models/alias`` (set),
  ``model-versions/transition-stage``.
* ``runs/log-batch``: params may be logged again with the same value and tags are
  overwritten; metric points are stored once per (run, key, timestamp, step, value) by
  MLflow's SQL store, which drops an identical point instead of adding it (verified
  against the 3.17 server: tests/integration/clients/test_mlflow_client_server.py). The
  client stamps points that have no timestamp *once*, before the first attempt, so a
  retry after a read timeout re-sends identical points and cannot duplicate history.
  MLflow's deprecated file store appends instead: set
  ``MLflowRestConfig(retry_log_batch=False)`` for such a server.
* Never: ``experiments/create``, ``runs/create``, ``registered-models/create``,
  ``model-versions/create`` (a retry after a lost answer would create twice).

Decisions where the design is silent:

* The tracking URI must be ``http(s)`` (``ConfigurationError`` otherwise); credentials
  come from ``mlflow_username``/``mlflow_password`` as HTTP basic auth (the password is
  a ``SecretStr``, sent only in an ``Authorization`` header that is never logged).
* One client may be shared by threads: the breaker is thread-safe and requests' pooled
  connections are used one request at a time. Close it (or use ``with``) to release them.
* The breaker is private unless one is passed (``breaker=``: share it with a health
  check, or across processes with a Redis store).
* :meth:`MLflowRestClient.get_metric_history` (``metrics/get-history``) is offered in
  addition to the port's methods.
* ``get_experiment_by_name`` returns ``None`` only when MLflow itself answers
  ``RESOURCE_DOES_NOT_EXIST``; a bare 404 (a wrong URL prefix, a proxy) stays a
  ``NotFoundError``, so a misconfigured URI is not mistaken for "no such experiment".

Example:
    >>> client = MLflowRestClient.from_uri("http://127.0.0.1:5000")
    >>> client
    MLflowRestClient(tracking_uri='http://127.0.0.1:5000', breaker='closed')
    >>> client.close()
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from tradai.common.clients._mlflow_artifacts import RestArtifactOps
from tradai.common.clients._mlflow_config import MLflowRestConfig
from tradai.common.clients._mlflow_registry import RestRegistryOps
from tradai.common.clients._mlflow_tracking import RestTrackingOps
from tradai.common.clients._mlflow_transport import RestTransport
from tradai.common.exceptions import ValidationError
from tradai.common.protocols import Clock, SystemClock
from tradai.common.settings_mixins import MLflowSettingsMixin

if TYPE_CHECKING:
    from tradai.common.resilience.circuit_breaker import CircuitBreaker

__all__ = ["MLflowRestClient", "MLflowRestConfig", "rest_backend"]


class MLflowRestClient(RestTrackingOps, RestRegistryOps, RestArtifactOps):
    """:class:`~tradai.common.mlflow.adapter.TrackingBackend` over MLflow's REST API.

    Args:
        settings: Tracking URI, credentials and TLS verification (``MLflowSettingsMixin``).
        config: Timeouts, retries, breaker thresholds and limits.
        breaker: A breaker to share (default: a private one built from ``config``).
        clock: Source of run and metric timestamps (default: the system clock).
        sleep: Sleeps between retries and registration polls (default: ``time.sleep``).
        monotonic: Monotonic seconds for the registration wait.

    Raises:
        ValidationError: If ``settings`` lacks the MLflow fields.
        ConfigurationError: If the tracking URI is empty, not ``http(s)``, or malformed.
    """

    def __init__(
        self,
        settings: MLflowSettingsMixin,
        *,
        config: MLflowRestConfig | None = None,
        breaker: CircuitBreaker | None = None,
        clock: Clock | None = None,
        sleep: Callable[[float], object] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(settings, MLflowSettingsMixin):
            raise ValidationError("settings must hold the MLflow fields", field="settings")
        self._transport = RestTransport(
            settings, config or MLflowRestConfig(), breaker=breaker, sleep=sleep
        )
        self._clock: Clock = clock or SystemClock()
        self._sleep = sleep
        self._monotonic = monotonic
        self._roots: collections.OrderedDict[str, str] = collections.OrderedDict()
        self._roots_lock = threading.Lock()

    @classmethod
    def from_uri(
        cls,
        tracking_uri: str,
        *,
        config: MLflowRestConfig | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> MLflowRestClient:
        """Build a client for a server without credentials.

        Args:
            tracking_uri: The tracking server's ``http(s)`` URI.
            config: Timeouts, retries, breaker thresholds and limits.
            breaker: A breaker to share.

        Returns:
            The client.

        Raises:
            pydantic.ValidationError: If the URI is malformed or embeds credentials.
            ConfigurationError: If it is not ``http(s)``.
        """
        settings = MLflowSettingsMixin(mlflow_tracking_uri=tracking_uri)
        return cls(settings, config=config, breaker=breaker)

    def __repr__(self) -> str:
        state = self.breaker.state.value
        return f"MLflowRestClient(tracking_uri={self.tracking_uri!r}, breaker={state!r})"

    def __enter__(self) -> MLflowRestClient:
        """Use the client in a ``with`` block; it is closed on exit.

        Returns:
            The client.
        """
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the client."""
        self.close()

    def close(self) -> None:
        """Close the HTTP sessions (the breaker stays usable by whoever shares it)."""
        self._transport.close()

    @property
    def tracking_uri(self) -> str:
        """The tracking server URI.

        Returns:
            The URI, without a trailing ``/``.
        """
        return self._transport.base_url

    @property
    def breaker(self) -> CircuitBreaker:
        """The circuit breaker guarding every request.

        Returns:
            The breaker.
        """
        return self._transport.breaker


def rest_backend(
    settings: MLflowSettingsMixin,
    *,
    config: MLflowRestConfig | None = None,
    breaker: CircuitBreaker | None = None,
) -> MLflowRestClient:
    """Build the REST backend of :class:`~tradai.common.mlflow.adapter.MLflowAdapter`.

    Use it as ``MLflowAdapter(rest_backend(settings))``: the adapter's experiments,
    registry, artifacts and backtest logging then run over REST behind the breaker.

    Args:
        settings: Tracking URI and credentials (``MLflowSettingsMixin`` fields).
        config: Timeouts, retries, breaker thresholds and limits.
        breaker: A breaker to share.

    Returns:
        The backend.

    Raises:
        ConfigurationError: If the tracking URI is empty, not ``http(s)``, or malformed.

    Example:
        >>> from tradai.common.mlflow.adapter import MLflowAdapter, TrackingBackend
        >>> settings = MLflowSettingsMixin(mlflow_tracking_uri="http://127.0.0.1:5000")
        >>> backend = rest_backend(settings)
        >>> isinstance(backend, TrackingBackend)
        True
        >>> MLflowAdapter(backend).backend is backend
        True
    """
    return MLflowRestClient(settings, config=config, breaker=breaker)
