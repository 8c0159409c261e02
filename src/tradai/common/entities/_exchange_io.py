"""The credential handling behind :class:`~tradai.common.entities.exchange.ExchangeConfig`.

Private to :mod:`tradai.common.entities.exchange`:

* Checking credential text and wrapping raw input in :class:`~pydantic.SecretStr`.
* Reading credentials out of a Secrets Manager secret: a JSON object with ``api_key``,
  ``api_secret`` and optional ``passphrase`` for a CEX; ``private_key`` and optional
  ``wallet_address`` for a DEX; optional ``exchange_name`` for both. The secret is read
  through a secrets store (:mod:`tradai.common.aws.secrets_manager`): the one injected,
  the process-wide cached store when none is, or an uncached store over an injected boto3
  client. Store errors other than ``ExternalServiceError``, ``ValidationError`` and
  ``MissingDependencyError`` (a missing secret, denied access) are reported as
  ``ExternalServiceError`` carrying the AWS error code.
* Checking credentials with ccxt, whose errors are translated in :data:`CCXT_ERRORS`.

Nothing here ever puts a secret value into an error message, an exception attribute or an
exception chain. Only the standard library and pydantic are imported at module level; the
AWS layer is imported when a secret is first read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from tradai.common._lazy import require
from tradai.common.exceptions import (
    AuthenticationError,
    ConfigurationError,
    ExternalServiceError,
    MissingDependencyError,
    TradAIError,
    TransientError,
    ValidationError,
)

__all__ = [
    "CCXT_ERRORS",
    "CEX_FIELDS",
    "DEX_FIELDS",
    "check_secret_text",
    "check_with_ccxt",
    "credentials_from_payload",
    "load_secret_payload",
    "wrap_secret",
]

CEX_FIELDS = ("api_key", "api_secret", "passphrase")
DEX_FIELDS = ("private_key", "wallet_address")

#: ccxt exception class (by name) -> tradai error, most specific first.
CCXT_ERRORS: tuple[tuple[str, type[TradAIError]], ...] = (
    ("AuthenticationError", AuthenticationError),  # also PermissionDenied, AccountSuspended
    ("NetworkError", TransientError),  # timeouts, DDoS protection, exchange unavailable
    ("BaseError", ExternalServiceError),  # any other exchange error
)

_MASK = "**********"


def wrap_secret(value: object) -> object:
    """Wrap a raw ``str``/``bytes`` credential in :class:`SecretStr`; pass others through.

    Args:
        value: A credential as given to the model.

    Returns:
        The credential as a SecretStr, or ``value`` unchanged when it is not text.
    """
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("utf-8", errors="replace")
    return SecretStr(value) if isinstance(value, str) else value


def check_secret_text(text: str) -> None:
    """Refuse credentials that cannot be meant; the message never quotes the value.

    Args:
        text: The unwrapped credential.

    Raises:
        ValueError: If it is empty, not printable ASCII, has surrounding whitespace or is
            the mask (``**********``) a dumped secret turns into.
    """
    if not text:
        raise ValueError("must not be empty")
    if not (text.isascii() and text.isprintable()):
        raise ValueError("must hold printable ASCII characters only")
    if text != text.strip():
        raise ValueError("must not have surrounding whitespace")
    if text == _MASK:
        raise ValueError("is the mask of a dumped secret, not a secret")


def load_secret_payload(secret_name: object, client: Any) -> tuple[str, Mapping[str, Any]]:
    """Validate ``secret_name``, read the secret and parse it as a JSON object.

    Args:
        secret_name: A Secrets Manager secret name or ARN.
        client: A secrets store (any object with ``get_secret(name)``), a boto3 Secrets
            Manager client (read uncached), or ``None`` for the process-wide cached
            store (:func:`~tradai.common.aws.secrets_manager.default_store`, ``aws``
            extra).

    Returns:
        The checked secret name and the secret's JSON object.

    Raises:
        ValidationError: If the name is invalid or the secret is not a JSON object.
        ExternalServiceError: If reading fails (``TransientError`` when AWS throttles or
            fails internally).
        MissingDependencyError: If boto3 is needed and not installed.
        TypeError: If ``client`` has neither reading method.
    """
    name = _check_secret_name(secret_name)
    return name, _parse_payload(name, _fetch_secret(name, client))


def credentials_from_payload(secret_name: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """Pick the credentials out of a secret's JSON object and infer the auth type.

    Args:
        secret_name: The secret's name, for error messages.
        payload: The secret's JSON object.

    Returns:
        ``auth_type`` (its value) and the credential fields as :class:`SecretStr`.

    Raises:
        ValidationError: If CEX and DEX credentials are mixed or absent, a required one is
            missing or one is not a string.
    """
    is_cex = any(payload.get(f) is not None for f in CEX_FIELDS)
    is_dex = any(payload.get(f) is not None for f in DEX_FIELDS)
    if is_cex == is_dex:
        raise ValidationError(
            f"secret {secret_name!r} must hold either api_key/api_secret or private_key "
            "credentials, not both or neither",
            field="secret",
        )
    fields, required = (DEX_FIELDS, DEX_FIELDS[:1]) if is_dex else (CEX_FIELDS, CEX_FIELDS[:2])
    missing = [f for f in required if payload.get(f) is None]
    if missing:
        raise ValidationError(
            f"secret {secret_name!r} is missing {', '.join(missing)}", field=missing[0]
        )
    data: dict[str, Any] = {"auth_type": "private_key" if is_dex else "api_key"}
    for field in fields:
        value = payload.get(field)
        if value is not None and not isinstance(value, str):
            raise ValidationError(f"secret {secret_name!r}: {field} must be a string", field=field)
        if value is not None:
            data[field] = SecretStr(value)
    return data


def check_with_ccxt(
    exchange: str, ccxt_config: Mapping[str, str], *, sandbox: bool, timeout: float
) -> None:
    """Call ``fetch_balance()`` on a ccxt exchange built from ``ccxt_config``.

    Args:
        exchange: The ccxt exchange id.
        ccxt_config: Credentials in ccxt's form.
        sandbox: Whether to switch the exchange to its sandbox/testnet.
        timeout: Request timeout in seconds.

    Raises:
        MissingDependencyError: If ccxt is not installed.
        ConfigurationError: If ccxt has no such exchange.
        TradAIError: The :data:`CCXT_ERRORS` translation of a ccxt error.
    """
    ccxt = require("ccxt", extra="exchange")
    exchange_class = getattr(ccxt, exchange, None)
    if exchange_class is None:
        raise ConfigurationError(f"ccxt has no exchange {exchange!r}", setting="name")
    client = exchange_class(
        {**ccxt_config, "timeout": int(timeout * 1000), "enableRateLimit": True}
    )
    if sandbox:
        client.set_sandbox_mode(True)
    try:
        client.fetch_balance()
    except ccxt.BaseError as exc:
        raise _translate_ccxt_error(ccxt, exc, exchange) from exc


def _translate_ccxt_error(ccxt: Any, exc: Exception, exchange: str) -> TradAIError:
    error_cls = next(
        (cls for name, cls in CCXT_ERRORS if isinstance(exc, getattr(ccxt, name))),
        ExternalServiceError,
    )
    code = type(exc).__name__
    if issubclass(error_cls, ExternalServiceError):
        return error_cls(
            f"exchange {exchange!r} balance check failed",
            service=exchange,
            operation="fetch_balance",
            error_code=code,
        )
    return error_cls(
        f"exchange {exchange!r} rejected the credentials",
        context={"exchange": exchange, "error_code": code},
    )


def _check_secret_name(secret_name: object) -> str:
    # The one secret-name rule lives with the secrets store (imported here, lazily, so
    # importing the entities stays light).
    from tradai.common.aws._secret_values import validate_secret_name

    try:
        return validate_secret_name(secret_name)
    except ValueError:
        raise ValidationError(
            f"secret_name {secret_name!r:.80} is not a Secrets Manager secret name or ARN",
            field="secret_name",
        ) from None


def _secrets_store(client: Any) -> Any:
    if callable(getattr(client, "get_secret", None)):
        return client
    from tradai.common.aws import secrets_manager

    if client is None:
        return secrets_manager.default_store()
    if callable(getattr(client, "get_secret_value", None)):
        # An injected boto3 client: read through it, uncached, as callers expect.
        return secrets_manager.SecretsManagerCache(client=client, max_stale_seconds=0)
    raise TypeError("client must have get_secret(name) or get_secret_value(SecretId=...)")


def _fetch_secret(secret_name: str, client: Any) -> object:
    store = _secrets_store(client)
    try:
        return store.get_secret(secret_name)
    except (ExternalServiceError, ValidationError, MissingDependencyError):
        raise
    except Exception as exc:
        from tradai.common.aws.errors import translate_aws_error  # the one AWS error table

        translated = translate_aws_error(
            exc, service="secretsmanager", operation="GetSecretValue", resource=secret_name
        )
        error_cls: type[ExternalServiceError] = ExternalServiceError
        if isinstance(translated, TransientError):
            error_cls = TransientError
        raise error_cls(
            f"could not read secret {secret_name!r}",
            service="secretsmanager",
            operation="GetSecretValue",
            error_code=translated.context.get("error_code") or type(exc).__name__,
        ) from exc


def _parse_payload(secret_name: str, raw: object) -> Mapping[str, Any]:
    # The JSON and Unicode errors hold the secret text (``exc.doc``/``exc.object``), so
    # they are deliberately not chained (``from None``).
    if isinstance(raw, bytes | bytearray):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"secret {secret_name!r} is not UTF-8", field="secret") from None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ValidationError(f"secret {secret_name!r} is not JSON", field="secret") from None
    if not isinstance(raw, Mapping):
        raise ValidationError(f"secret {secret_name!r} must hold a JSON object", field="secret")
    return raw
