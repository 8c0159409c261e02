"""Cached boto3 clients and resources, created under a lock.

boto3's default session is not thread-safe, and creating a client costs milliseconds, so
every AWS adapter in tradai-common asks this factory instead. Clients are cached per
``(kind, service, region, endpoint, profile, config)``; the first request for a key builds
the client under a lock (one private :class:`boto3.session.Session` per region/profile),
later requests are a dictionary lookup.

Defaults are safe and bounded — the ``standard`` retry mode with at most 5 total attempts,
a 5 s connect timeout and a 30 s read timeout — and each is overridable by argument, by a
:class:`ClientConfig`, or by environment variable:

=============================  ==========================  =========
variable                       meaning                     default
=============================  ==========================  =========
``AWS_MAX_ATTEMPTS``           total attempts per call     5
``AWS_RETRY_MODE``             ``standard``/``adaptive``   standard
``TRADAI_AWS_CONNECT_TIMEOUT`` connect timeout (s)         5
``TRADAI_AWS_READ_TIMEOUT``    read timeout (s)            30
``TRADAI_AWS_MAX_POOL``        connections per client      10
``AWS_REGION`` / ``AWS_DEFAULT_REGION``  region            (boto3's)
``AWS_PROFILE``                profile                     none
=============================  ==========================  =========

Endpoints follow boto3's own variables — ``AWS_ENDPOINT_URL_<SERVICE>`` (for example
``AWS_ENDPOINT_URL_DYNAMODB``) then ``AWS_ENDPOINT_URL`` — so the same code runs against AWS
and a local emulator. They are read on every call (cheaply), so changing them yields a new
client rather than a stale one.

Example:
    >>> from tradai.common.aws import get_client  # doctest: +SKIP
    >>> s3 = get_client("s3")  # doctest: +SKIP
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from tradai.common._lazy import require
from tradai.common.aws.constants import ENDPOINT_ENV_NAMES
from tradai.common.exceptions import ConfigurationError

__all__ = [
    "CacheKey",
    "ClientConfig",
    "ClientFactory",
    "cache_key",
    "default_factory",
    "get_client",
    "get_cloudwatch_client",
    "get_dynamodb_client",
    "get_dynamodb_resource",
    "get_ecs_client",
    "get_logs_client",
    "get_resource",
    "get_s3_client",
    "get_s3_resource",
    "get_secrets_client",
    "get_sfn_client",
    "get_sns_client",
    "get_sqs_client",
    "reset_clients",
    "resolve_endpoint_url",
]

_RETRY_MODES = frozenset({"standard", "adaptive", "legacy"})
_DEFAULT_ATTEMPTS = 5
_DEFAULT_MODE = "standard"
_DEFAULT_CONNECT_TIMEOUT = 5.0
_DEFAULT_READ_TIMEOUT = 30.0
_DEFAULT_POOL = 10


def _env_number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number", setting=name) from None
    if value <= 0:
        raise ConfigurationError(f"{name} must be positive", setting=name)
    return value


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """Retry, timeout and pool settings applied to every client the factory builds.

    Attributes:
        max_attempts: Total attempts per call, the first included (1-20).
        retry_mode: botocore retry mode: ``standard`` (default), ``adaptive`` or ``legacy``.
        connect_timeout: Seconds to wait for a connection.
        read_timeout: Seconds to wait for a response.
        max_pool_connections: Connections kept per client.
    """

    max_attempts: int = _DEFAULT_ATTEMPTS
    retry_mode: str = _DEFAULT_MODE
    connect_timeout: float = _DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = _DEFAULT_READ_TIMEOUT
    max_pool_connections: int = _DEFAULT_POOL

    def __post_init__(self) -> None:
        if not 1 <= self.max_attempts <= 20:
            raise ConfigurationError(
                "max_attempts must be between 1 and 20", setting="max_attempts"
            )
        if self.retry_mode not in _RETRY_MODES:
            raise ConfigurationError(
                f"retry_mode must be one of {sorted(_RETRY_MODES)}", setting="retry_mode"
            )
        for name in ("connect_timeout", "read_timeout", "max_pool_connections"):
            if getattr(self, name) <= 0:
                raise ConfigurationError(f"{name} must be positive", setting=name)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClientConfig:
        """Build the configuration from environment variables (see the module table).

        Args:
            environ: The environment to read; ``os.environ`` when omitted.

        Returns:
            The configuration.

        Raises:
            ConfigurationError: If a variable is not a positive number or an unknown mode.
        """
        env = os.environ if environ is None else environ
        return cls(
            max_attempts=int(_env_number(env, "AWS_MAX_ATTEMPTS", _DEFAULT_ATTEMPTS)),
            retry_mode=env.get("AWS_RETRY_MODE") or _DEFAULT_MODE,
            connect_timeout=_env_number(
                env, "TRADAI_AWS_CONNECT_TIMEOUT", _DEFAULT_CONNECT_TIMEOUT
            ),
            read_timeout=_env_number(env, "TRADAI_AWS_READ_TIMEOUT", _DEFAULT_READ_TIMEOUT),
            max_pool_connections=int(_env_number(env, "TRADAI_AWS_MAX_POOL", _DEFAULT_POOL)),
        )

    def with_overrides(self, **changes: Any) -> ClientConfig:
        """Return a copy with some fields changed (validated again).

        Args:
            **changes: Field names and their new values.

        Returns:
            The new configuration.
        """
        return replace(self, **changes)

    def to_botocore(self, region: str | None) -> Any:
        """Return the equivalent ``botocore.config.Config``.

        Args:
            region: Region to bake into the config (or ``None``).

        Returns:
            A ``botocore.config.Config``.
        """
        botocore_config = require("botocore.config", extra="aws")
        return botocore_config.Config(
            region_name=region,
            retries={"mode": self.retry_mode, "total_max_attempts": self.max_attempts},
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            max_pool_connections=self.max_pool_connections,
            user_agent_extra="tradai-common",
        )


def resolve_endpoint_url(
    service: str, explicit: str | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """Resolve a service endpoint the way boto3 does: argument, service variable, global.

    Args:
        service: botocore client name (``"s3"``, ``"dynamodb"``...).
        explicit: An endpoint given by the caller; wins when set.
        environ: The environment to read; ``os.environ`` when omitted.

    Returns:
        The endpoint URL, or ``None`` for AWS's own endpoint.

    Example:
        >>> resolve_endpoint_url("dynamodb", environ={"AWS_ENDPOINT_URL": "http://x:1"})
        'http://x:1'
        >>> resolve_endpoint_url("secretsmanager", environ={
        ...     "AWS_ENDPOINT_URL": "http://x:1",
        ...     "AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://y:2"})
        'http://y:2'
    """
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    suffix = ENDPOINT_ENV_NAMES.get(service, service.upper().replace("-", "_"))
    return env.get(f"AWS_ENDPOINT_URL_{suffix}") or env.get("AWS_ENDPOINT_URL") or None


CacheKey = tuple[str, str, str | None, str | None, str | None, ClientConfig]
"""``(kind, service, region, endpoint, profile, config)``: what identifies a cached client."""


def cache_key(
    kind: str,
    service: str,
    *,
    region: str | None,
    endpoint_url: str | None,
    profile: str | None,
    config: ClientConfig,
) -> CacheKey:
    """Resolve region, endpoint and profile from the environment into a cache key.

    Args:
        kind: ``"client"`` or ``"resource"``.
        service: botocore service name.
        region: Explicit region, else ``AWS_REGION`` then ``AWS_DEFAULT_REGION``.
        endpoint_url: Explicit endpoint, else :func:`resolve_endpoint_url`.
        profile: Explicit profile, else ``AWS_PROFILE``.
        config: The resolved client configuration.

    Returns:
        The key; equal keys mean one shared client.
    """
    env = os.environ
    return (
        kind,
        service,
        region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"),
        resolve_endpoint_url(service, endpoint_url, env),
        profile or env.get("AWS_PROFILE") or None,
        config,
    )


_CONFIG_VARS = (
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
    "TRADAI_AWS_CONNECT_TIMEOUT",
    "TRADAI_AWS_READ_TIMEOUT",
    "TRADAI_AWS_MAX_POOL",
)


class ClientFactory:
    """A thread-safe cache of boto3 clients and resources.

    Args:
        config: Retry/timeout settings; read from the environment when omitted (at the
            first client creation, not at construction).

    Example:
        >>> factory = ClientFactory(config=ClientConfig(max_attempts=2))
        >>> factory.cached_count
        0
    """

    def __init__(self, *, config: ClientConfig | None = None) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._cache: dict[CacheKey, Any] = {}
        self._sessions: dict[tuple[str | None, str | None], Any] = {}
        self._env_configs: dict[tuple[str | None, ...], ClientConfig] = {}

    @property
    def cached_count(self) -> int:
        """How many clients and resources are cached."""
        return len(self._cache)

    def _key(
        self,
        kind: str,
        service: str,
        *,
        region: str | None,
        endpoint_url: str | None,
        profile: str | None,
        config: ClientConfig | None,
    ) -> CacheKey:
        return cache_key(
            kind,
            service,
            region=region,
            endpoint_url=endpoint_url,
            profile=profile,
            config=config or self._config or self._config_from_env(os.environ),
        )

    def _config_from_env(self, env: Mapping[str, str]) -> ClientConfig:
        raw = tuple(env.get(name) for name in _CONFIG_VARS)
        config = self._env_configs.get(raw)
        if config is None:
            config = ClientConfig.from_env(env)
            self._env_configs[raw] = config
        return config

    def _session(self, region: str | None, profile: str | None) -> Any:
        # Called with the lock held: sessions are not thread-safe either.
        session = self._sessions.get((region, profile))
        if session is None:
            boto3_session = require("boto3.session", extra="aws")
            session = boto3_session.Session(region_name=region, profile_name=profile)
            self._sessions[(region, profile)] = session
        return session

    def _get(self, key: CacheKey) -> Any:
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._cache.get(key)
            if cached is None:
                kind, service, region, endpoint, profile, config = key
                session = self._session(region, profile)
                make = session.client if kind == "client" else session.resource
                cached = make(service, endpoint_url=endpoint, config=config.to_botocore(region))
                self._cache[key] = cached
            return cached

    def client(
        self,
        service: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        profile: str | None = None,
        config: ClientConfig | None = None,
    ) -> Any:
        """Return the cached low-level client for ``service``, creating it once.

        Args:
            service: botocore client name (``"s3"``, ``"dynamodb"``, ``"sqs"``...).
            region: Region; ``AWS_REGION``/``AWS_DEFAULT_REGION`` when omitted.
            endpoint_url: Endpoint; the ``AWS_ENDPOINT_URL*`` variables when omitted.
            profile: Profile; ``AWS_PROFILE`` when omitted.
            config: Retry/timeout settings for this client.

        Returns:
            A boto3 client (thread-safe to share once created).

        Raises:
            MissingDependencyError: If boto3 is not installed (extra ``aws``).
        """
        return self._get(
            self._key(
                "client",
                service,
                region=region,
                endpoint_url=endpoint_url,
                profile=profile,
                config=config,
            )
        )

    def resource(
        self,
        service: str,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
        profile: str | None = None,
        config: ClientConfig | None = None,
    ) -> Any:
        """Return the cached boto3 resource for ``service`` (``"dynamodb"``, ``"s3"``).

        Args:
            service: The resource's service name.
            region: As for :meth:`client`.
            endpoint_url: As for :meth:`client`.
            profile: As for :meth:`client`.
            config: As for :meth:`client`.

        Returns:
            A boto3 service resource. Resources are not thread-safe: share one per thread,
            or use clients across threads.
        """
        return self._get(
            self._key(
                "resource",
                service,
                region=region,
                endpoint_url=endpoint_url,
                profile=profile,
                config=config,
            )
        )

    def reset(self) -> None:
        """Forget every cached client, resource and session."""
        with self._lock:
            self._cache.clear()
            self._sessions.clear()
            self._env_configs.clear()


_default = ClientFactory()


def default_factory() -> ClientFactory:
    """Return the process-wide factory used by the ``get_*`` helpers."""
    return _default


def reset_clients() -> None:
    """Forget every client cached by the process-wide factory (tests, credential changes)."""
    _default.reset()


def get_client(service: str, **kwargs: Any) -> Any:
    """Return the process-wide cached client for ``service`` (see :meth:`ClientFactory.client`).

    Args:
        service: botocore client name.
        **kwargs: ``region``, ``endpoint_url``, ``profile``, ``config``.

    Returns:
        The boto3 client.
    """
    return _default.client(service, **kwargs)


def get_resource(service: str, **kwargs: Any) -> Any:
    """Return the process-wide cached resource for ``service``.

    Args:
        service: The resource's service name.
        **kwargs: ``region``, ``endpoint_url``, ``profile``, ``config``.

    Returns:
        The boto3 resource.
    """
    return _default.resource(service, **kwargs)


def get_dynamodb_resource(**kwargs: Any) -> Any:
    """Return the cached DynamoDB resource. Args are those of :func:`get_resource`."""
    return _default.resource("dynamodb", **kwargs)


def get_dynamodb_client(**kwargs: Any) -> Any:
    """Return the cached DynamoDB client. Args are those of :func:`get_client`."""
    return _default.client("dynamodb", **kwargs)


def get_s3_client(**kwargs: Any) -> Any:
    """Return the cached S3 client. Args are those of :func:`get_client`."""
    return _default.client("s3", **kwargs)


def get_s3_resource(**kwargs: Any) -> Any:
    """Return the cached S3 resource. Args are those of :func:`get_resource`."""
    return _default.resource("s3", **kwargs)


def get_secrets_client(**kwargs: Any) -> Any:
    """Return the cached Secrets Manager client. Args are those of :func:`get_client`."""
    return _default.client("secretsmanager", **kwargs)


def get_sqs_client(**kwargs: Any) -> Any:
    """Return the cached SQS client. Args are those of :func:`get_client`."""
    return _default.client("sqs", **kwargs)


def get_sns_client(**kwargs: Any) -> Any:
    """Return the cached SNS client. Args are those of :func:`get_client`."""
    return _default.client("sns", **kwargs)


def get_sfn_client(**kwargs: Any) -> Any:
    """Return the cached Step Functions client. Args are those of :func:`get_client`."""
    return _default.client("stepfunctions", **kwargs)


def get_logs_client(**kwargs: Any) -> Any:
    """Return the cached CloudWatch Logs client. Args are those of :func:`get_client`."""
    return _default.client("logs", **kwargs)


def get_cloudwatch_client(**kwargs: Any) -> Any:
    """Return the cached CloudWatch (metrics) client. Args are those of :func:`get_client`."""
    return _default.client("cloudwatch", **kwargs)


def get_ecs_client(**kwargs: Any) -> Any:
    """Return the cached ECS client. Args are those of :func:`get_client`."""
    return _default.client("ecs", **kwargs)
