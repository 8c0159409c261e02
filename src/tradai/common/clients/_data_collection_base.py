"""The transport under ``DataCollectionClient``: settings → HTTP client, breaker, paging.

Private to :mod:`tradai.common.clients.data_collection_client`, which documents the API
contract and holds the API calls; this base holds what every call shares: building the
:class:`~tradai.common.http_client.client.HttpClient` (base URL, timeouts, bearer token as a
secret header, attempts) and the :class:`~tradai.common.resilience.circuit_breaker.
CircuitBreaker` from the settings, decoding JSON objects and response models, and walking
cursor pages.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Self, TypeVar

import pydantic
from pydantic import SecretStr

from tradai.common.clients._data_collection_settings import (
    DataCollectionClientSettings,
    DataCollectionClientSettingsMixin,
)
from tradai.common.clients._data_collection_wire import SERVICE, invalid_response, next_cursor
from tradai.common.data.ohlcv import DEFAULT_POLICY, ValidationPolicy
from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.http_client.client import HttpClient, HttpClientConfig, HttpRetryConfig
from tradai.common.resilience.circuit_breaker import CircuitBreaker

if TYPE_CHECKING:
    import requests

__all__ = ["ClientBase", "positive_seconds"]

_M = TypeVar("_M", bound=pydantic.BaseModel)


def _bounded_int(name: str, value: int, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(f"{name} must be an integer from {low} to {high}", field=name)
    return value


def positive_seconds(name: str, value: float) -> float:
    """Check a positive, finite number of seconds.

    Args:
        name: The argument's name (for the error).
        value: The value.

    Returns:
        The value as a float.

    Raises:
        ValidationError: If it is not a positive finite number.
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{name} must be a finite number of seconds", field=name)
    if value <= 0:
        raise ValidationError(f"{name} must be positive", field=name)
    return float(value)


def _http_config(settings: DataCollectionClientSettingsMixin) -> HttpClientConfig:
    token = settings.data_collection_token
    secret = (
        {} if token is None else {"Authorization": SecretStr(f"Bearer {token.get_secret_value()}")}
    )
    return HttpClientConfig(
        base_url=settings.data_collection_url,
        connect_timeout=settings.data_collection_connect_timeout,
        read_timeout=settings.data_collection_read_timeout,
        total_timeout=settings.data_collection_total_timeout,
        headers={"Accept": "application/json"},
        secret_headers=secret,
        verify=settings.data_collection_verify_ssl,
        service=SERVICE,
        retry=HttpRetryConfig(max_attempts=settings.data_collection_max_attempts),
    )


class ClientBase:
    """What every data-collection call shares (see the module docs)."""

    def __init__(
        self,
        settings: DataCollectionClientSettingsMixin | None = None,
        *,
        breaker: CircuitBreaker | None = None,
        session: requests.Session | None = None,
        policy: ValidationPolicy = DEFAULT_POLICY,
        page_limit: int = 5000,
        max_pages: int = 10_000,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        """Build the HTTP client and the breaker (see :class:`DataCollectionClient`)."""
        if settings is None:
            settings = DataCollectionClientSettings.load()
        if not isinstance(settings, DataCollectionClientSettingsMixin):
            raise ValidationError("settings must hold the data-collection fields", field="settings")
        if not settings.data_collection_url:
            raise ConfigurationError(
                "data_collection_url is not set", setting="data_collection_url"
            )
        if not isinstance(policy, ValidationPolicy):
            raise ValidationError("policy must be a ValidationPolicy", field="policy")
        self._page_limit = _bounded_int("page_limit", page_limit, 1, 100_000)
        self._max_pages = _bounded_int("max_pages", max_pages, 1, 1_000_000)
        self._policy = policy
        self._sleep, self._clock, self._rng = sleep, clock, rng
        self._breaker = breaker or CircuitBreaker(
            SERVICE,
            failure_threshold=settings.data_collection_breaker_failures,
            recovery_timeout=settings.data_collection_breaker_recovery,
            clock=clock,
        )
        self._http = HttpClient(
            _http_config(settings),
            breaker=self._breaker,
            session=session,
            sleep=sleep,
            clock=clock,
            rng=rng,
        )

    @property
    def base_url(self) -> str:
        """The service's base URL."""
        return self._http.config.base_url

    @property
    def breaker(self) -> CircuitBreaker:
        """The circuit breaker guarding every request."""
        return self._breaker

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_url!r})"

    def __enter__(self) -> Self:
        """Use the client in a ``with`` block; it is closed on exit.

        Returns:
            The client.
        """
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the client."""
        self.close()

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        self._http.close()

    def _get(self, path: str, params: dict[str, Any] | None) -> dict[str, Any]:
        body = self._http.get(path, params=params).json()
        if not isinstance(body, dict):
            raise invalid_response(f"GET {path}", "expected a JSON object")
        return body

    def _pages(self, path: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
        operation = f"GET {path}"
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(self._max_pages):
            body = self._get(path, {**params, "cursor": cursor})
            yield body
            cursor = next_cursor(body, operation)
            if cursor is None:
                return
            if cursor in seen:
                raise invalid_response(operation, "a cursor came back twice")
            seen.add(cursor)
        raise invalid_response(operation, f"more than {self._max_pages} pages")

    @staticmethod
    def _model(model: type[_M], data: Any, operation: str) -> _M:
        try:
            return model.model_validate(data)
        except pydantic.ValidationError as exc:
            fields = sorted({".".join(map(str, e["loc"])) for e in exc.errors()})
            raise invalid_response(operation, f"invalid {model.__name__} ({fields[:5]})") from None
