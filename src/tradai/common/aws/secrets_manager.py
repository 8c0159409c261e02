"""AWS Secrets Manager behind a thread-safe, single-flight TTL cache.

:class:`SecretsStore` is the port (a :class:`~tradai.common.protocols.SecretsProvider` that
also decodes JSON and forces a refresh); :class:`SecretsManagerCache` is the boto3 adapter
and :class:`~tradai.common.aws.memory.secrets.InMemorySecretsStore` its in-memory twin.
Secret *names* come from settings or the environment (:func:`secret_name_from_env`,
:data:`SecretName`, :class:`SecretsSettings`), never from literals; values are held as
:class:`~pydantic.SecretStr` and never reach a repr, a log record or an error message.

Decisions where the specification is silent:

* **Single flight.** Callers that find a secret missing or expired at the same time share
  one ``GetSecretValue`` call and its outcome (value or error). A forced ``refresh()``
  only accepts a call that started after it was asked, so a rotation made before it is
  always seen; concurrent refreshes still share calls.
* **TTL with jitter.** A value lives ``ttl * (1 - jitter * U[0, 1))`` seconds: never more
  than ``ttl``, and processes started together do not all refetch at once.
* **Stale-while-error** covers :class:`~tradai.common.exceptions.ExternalServiceError`
  (throttling, 5xx, unreachable endpoint: ``TransientError`` included) only, for at most
  ``max_stale_seconds`` after the value expired, refetching at most every
  ``retry_backoff_seconds`` meanwhile (a WARNING is logged, naming the secret only). Past
  that bound, and at once for any other error (secret deleted, access denied, decryption
  failure), the cache fails closed: it raises and drops the expired value. A forced
  :meth:`~SecretsManagerCache.refresh` never serves stale: it raises.
* **Refresh once on rejection.** :func:`call_with_refresh` calls ``fn(secret)``; if ``fn``
  raises :class:`~tradai.common.exceptions.AuthenticationError`, it refreshes the secret
  and, only if the value changed, calls ``fn`` once more; otherwise the error propagates.
* Every call asks for ``VersionStage="AWSCURRENT"`` explicitly. ``SecretBinary`` is decoded
  as UTF-8. A missing secret raises :class:`~tradai.common.exceptions.NotFoundError`; AWS
  errors are translated by :func:`~tradai.common.aws.errors.translate_aws_error`.
* The process-wide store (:func:`default_store`) reads :class:`SecretsSettings`
  (``SECRETS_TTL_SECONDS``, ``SECRETS_TTL_JITTER``, ``SECRETS_MAX_STALE_SECONDS``,
  ``SECRETS_RETRY_BACKOFF_SECONDS``) when first used, not at import.

Example:
    >>> from tradai.common.aws.memory.secrets import InMemorySecretsStore
    >>> store = InMemorySecretsStore({"tradai/db": '{"user": "app"}'})
    >>> isinstance(store, SecretsStore), store.get_secret_json("tradai/db")
    (True, {'user': 'app'})
    >>> call_with_refresh(store, "tradai/db", len)
    15
"""

from __future__ import annotations

import datetime as _dt
import random
import threading
from collections.abc import Callable
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import SecretStr

from tradai.common._lazy import require
from tradai.common.aws._client_factory import get_secrets_client
from tradai.common.aws._secret_cache import SingleFlightCache
from tradai.common.aws._secret_values import (
    SecretName,
    SecretsSettings,
    checked_secret_name,
    decode_secret_binary,
    decode_secret_json,
    secret_name_from_env,
    validate_secret_name,
)
from tradai.common.aws.errors import translate_aws_error
from tradai.common.exceptions import AuthenticationError, NotFoundError, ValidationError
from tradai.common.protocols import Clock, SecretsProvider, SystemClock

__all__ = [
    "SecretName",
    "SecretsManagerCache",
    "SecretsSettings",
    "SecretsStore",
    "call_with_refresh",
    "decode_secret_binary",
    "decode_secret_json",
    "default_store",
    "reset_default_store",
    "secret_name_from_env",
    "validate_secret_name",
]

_T = TypeVar("_T")
_SERVICE = "secretsmanager"
_OPERATION = "GetSecretValue"
_MAX_SECONDS = 31 * 86_400.0


@runtime_checkable
class SecretsStore(SecretsProvider, Protocol):
    """Where secret values come from: a :class:`~tradai.common.protocols.SecretsProvider`
    that also decodes JSON objects and can be told to read a secret again."""

    def get_secret(self, name: str) -> str:
        """Return the secret's current value.

        Args:
            name: The secret's name or ARN (from settings, never a literal).

        Returns:
            The value. Never log it.

        Raises:
            ValidationError: If ``name`` is not a secret name or ARN (before any call).
            NotFoundError: If there is no such secret.
        """
        ...

    def get_secret_json(self, name: str) -> dict[str, Any]:
        """Return the secret's value parsed as a JSON object.

        Args:
            name: The secret's name or ARN.

        Returns:
            The decoded object.

        Raises:
            ValidationError: If the name is invalid or the value is not a JSON object.
            NotFoundError: If there is no such secret.
        """
        ...

    def refresh(self, name: str) -> None:
        """Read the secret again now, replacing any cached value.

        Args:
            name: The secret's name or ARN.

        Raises:
            ValidationError: If the name is invalid.
            NotFoundError: If there is no such secret.
        """
        ...


def call_with_refresh(store: SecretsStore, name: str, fn: Callable[[str], _T]) -> _T:
    """Call ``fn(secret)``; if it rejects the secret, refresh it once and retry once.

    Wrap the authenticated calls made with a credential, so a rotation is picked up at
    the first rejection instead of at the end of the TTL.

    Args:
        store: Any secrets store.
        name: The secret's name or ARN.
        fn: Uses the secret; raises :class:`AuthenticationError` when it is rejected.

    Returns:
        What ``fn`` returned.

    Raises:
        AuthenticationError: If ``fn`` rejects the value and refreshing does not change it,
            or ``fn`` rejects the refreshed value too.
        TradAIError: What ``store`` raises while reading or refreshing.
    """
    value = store.get_secret(name)
    try:
        return fn(value)
    except AuthenticationError:
        store.refresh(name)
        fresh = store.get_secret(name)
        if fresh == value:
            raise
    return fn(fresh)


def _seconds(field: str, value: float, *, allow_zero: bool = False) -> _dt.timedelta:
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value <= _MAX_SECONDS):
        raise ValidationError(f"{field} must be a number of seconds up to 31 days", field=field)
    return _dt.timedelta(seconds=value)


class SecretsManagerCache:
    """A thread-safe, single-flight TTL cache over Secrets Manager's ``GetSecretValue``.

    Args:
        client: A boto3 ``secretsmanager`` client; when omitted, the library's cached
            client (:func:`~tradai.common.aws.get_secrets_client`) is looked up per fetch.
        ttl_seconds: How long a value is served before it is fetched again.
        jitter: Fraction (0 to 0.5) by which each TTL is randomly shortened.
        max_stale_seconds: How long past its TTL a value may be served while fetching
            fails with an ``ExternalServiceError`` (0 disables stale serving).
        retry_backoff_seconds: Minimum wait between refetches while serving stale.
        clock: Time source (a :class:`~tradai.common.protocols.ManualClock` in tests).
        rng: Returns floats in [0, 1) for the jitter (``random.random`` by default).

    Raises:
        ValidationError: If a duration is out of range (up to 31 days; only
            ``max_stale_seconds`` may be 0) or the jitter is not in [0, 0.5].

    Example:
        >>> SecretsManagerCache(ttl_seconds=60, jitter=0)
        SecretsManagerCache(ttl_seconds=60.0, cached=0)
    """

    def __init__(
        self,
        *,
        client: Any = None,
        ttl_seconds: float = 300.0,
        jitter: float = 0.1,
        max_stale_seconds: float = 900.0,
        retry_backoff_seconds: float = 5.0,
        clock: Clock | None = None,
        rng: Callable[[], float] | None = None,
    ) -> None:
        if not 0 <= jitter <= 0.5:
            raise ValidationError("jitter must be between 0 and 0.5", field="jitter")
        self._client = client
        self._ttl = float(ttl_seconds)
        self._cache = SingleFlightCache(
            self._fetch,
            ttl=_seconds("ttl_seconds", ttl_seconds),
            jitter=float(jitter),
            max_stale=_seconds("max_stale_seconds", max_stale_seconds, allow_zero=True),
            backoff=_seconds("retry_backoff_seconds", retry_backoff_seconds),
            clock=clock or SystemClock(),
            rng=rng or random.random,
        )

    @classmethod
    def from_settings(
        cls, settings: SecretsSettings, *, client: Any = None, clock: Clock | None = None
    ) -> SecretsManagerCache:
        """Build a cache from :class:`SecretsSettings`.

        Args:
            settings: The settings.
            client: As for the constructor.
            clock: As for the constructor.

        Returns:
            The cache.
        """
        return cls(
            client=client,
            ttl_seconds=settings.secrets_ttl_seconds,
            jitter=settings.secrets_ttl_jitter,
            max_stale_seconds=settings.secrets_max_stale_seconds,
            retry_backoff_seconds=settings.secrets_retry_backoff_seconds,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(ttl_seconds={self._ttl}, cached={len(self._cache)})"

    def get_secret(self, name: str) -> str:
        """Return the secret's value, from the cache while it is fresh.

        Args:
            name: The secret's name or ARN.

        Returns:
            The value (possibly stale, within ``max_stale_seconds``: see the module notes).

        Raises:
            ValidationError: If the name is invalid (before any call) or a binary value is
                not UTF-8.
            NotFoundError: If there is no such secret (or it has no current value).
            AuthenticationError: If access is denied or decryption fails.
            ExternalServiceError: If Secrets Manager fails and no stale value may be served
                (``TransientError`` when retrying may help).
        """
        return self._cache.get(checked_secret_name(name)).get_secret_value()

    def get_secret_json(self, name: str) -> dict[str, Any]:
        """Return the secret's value parsed as a JSON object.

        Args:
            name: The secret's name or ARN.

        Returns:
            A new dict each call.

        Raises:
            ValidationError: If the value is not a JSON object (never quoting the value).
            TradAIError: As for :meth:`get_secret`.
        """
        checked = checked_secret_name(name)
        return decode_secret_json(checked, self._cache.get(checked).get_secret_value())

    def refresh(self, name: str) -> None:
        """Fetch the secret now (sharing a call only with callers that asked no later).

        Args:
            name: The secret's name or ARN.

        Raises:
            TradAIError: As for :meth:`get_secret`. A failed refresh never serves stale;
                the cached value is then left to the TTL and stale rules.
        """
        self._cache.refresh(checked_secret_name(name))

    def invalidate(self, name: str | None = None) -> None:
        """Forget one cached secret, or all of them (the next read fetches).

        Args:
            name: The secret to forget; every secret when omitted.
        """
        self._cache.invalidate(name)

    def _fetch(self, name: str) -> SecretStr:
        client = self._client if self._client is not None else get_secrets_client()
        botocore = require("botocore.exceptions", extra="aws")
        try:
            response = client.get_secret_value(SecretId=name, VersionStage="AWSCURRENT")
        except (botocore.BotoCoreError, botocore.ClientError) as exc:
            raise translate_aws_error(
                exc, service=_SERVICE, operation=_OPERATION, resource=name
            ) from exc
        text = response.get("SecretString")
        if isinstance(text, str):
            return SecretStr(text)
        blob = response.get("SecretBinary")
        if isinstance(blob, bytes | bytearray):
            return decode_secret_binary(name, blob)
        raise NotFoundError(
            f"secret {name!r} has no current value",
            resource=name,
            context={"service": _SERVICE, "operation": _OPERATION},
        )


class _DefaultStore:
    """The process-wide cache, built from :class:`SecretsSettings` on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store: SecretsManagerCache | None = None

    def get(self) -> SecretsManagerCache:
        with self._lock:
            if self._store is None:
                self._store = SecretsManagerCache.from_settings(SecretsSettings())
            return self._store

    def reset(self) -> None:
        with self._lock:
            self._store = None


_DEFAULT = _DefaultStore()


def default_store() -> SecretsManagerCache:
    """Return the process-wide store (settings read from the environment on first use).

    Returns:
        The shared :class:`SecretsManagerCache`, using the library's cached client.

    Raises:
        pydantic.ValidationError: If a ``SECRETS_*`` variable is invalid.
    """
    return _DEFAULT.get()


def reset_default_store() -> None:
    """Forget the process-wide store and everything it cached (tests, settings changes)."""
    _DEFAULT.reset()
