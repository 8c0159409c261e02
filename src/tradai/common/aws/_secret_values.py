"""Secret names, cache settings and value decoding, shared by the secrets store and its twin.

Public through :mod:`tradai.common.aws.secrets_manager`; private so the adapter module stays
small. Imports only the standard library, pydantic and light tradai-common modules.

Example:
    >>> validate_secret_name("tradai/prod/exchange/binance")
    'tradai/prod/exchange/binance'
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator, Field, SecretStr

from tradai.common.exceptions import ConfigurationError, ValidationError
from tradai.common.settings import Settings
from tradai.common.validators import validate_arn

__all__ = [
    "SecretName",
    "SecretsSettings",
    "checked_secret_name",
    "decode_secret_binary",
    "decode_secret_json",
    "secret_name_from_env",
    "validate_secret_name",
]

_NAME_RE = re.compile(r"[A-Za-z0-9/_+=.@][A-Za-z0-9/_+=.@-]{0,511}")
_ENV_VAR_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


def validate_secret_name(value: object) -> str:
    """Validate a Secrets Manager secret name or ARN.

    Args:
        value: 1-512 characters of ``A-Za-z0-9/_+=.@-`` not starting with ``-``, or an
            ``arn:<partition>:secretsmanager:...`` ARN.

    Returns:
        The name unchanged.

    Raises:
        ValueError: If it is neither (the message quotes at most 80 characters).

    Example:
        >>> validate_secret_name("arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbC")
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbC'
    """
    if isinstance(value, str) and value.isascii():
        if value.startswith("arn:"):
            return validate_arn(value, service="secretsmanager")
        if _NAME_RE.fullmatch(value):
            return value
    raise ValueError(f"{value!r:.80} is not a Secrets Manager secret name or ARN")


SecretName = Annotated[str, AfterValidator(validate_secret_name)]
"""A secret name or ARN, for settings fields that name a secret."""


def checked_secret_name(name: object, *, field: str = "name") -> str:
    """Validate a secret name or ARN for an adapter, before any call.

    Args:
        name: The name to check.
        field: The argument or setting it came from, for the error.

    Returns:
        The name unchanged.

    Raises:
        ValidationError: If it is not a secret name or ARN.
    """
    try:
        return validate_secret_name(name)
    except ValueError as exc:
        raise ValidationError(str(exc), field=field) from None


def secret_name_from_env(var: str, environ: Mapping[str, str] | None = None) -> str:
    """Read a secret's NAME (never its value) from an environment variable.

    Args:
        var: The variable's name (``EXCHANGE_SECRET_NAME``).
        environ: The environment to read; ``os.environ`` when omitted.

    Returns:
        The validated secret name or ARN.

    Raises:
        ValidationError: If ``var`` is not a variable name, or its value is not a secret
            name or ARN (``field`` is then ``var``).
        ConfigurationError: If the variable is unset or empty.

    Example:
        >>> secret_name_from_env("EXCHANGE_SECRET", {"EXCHANGE_SECRET": "tradai/binance"})
        'tradai/binance'
    """
    if not isinstance(var, str) or not _ENV_VAR_RE.fullmatch(var):
        raise ValidationError(f"{var!r:.80} is not an environment variable name", field="var")
    raw = (os.environ if environ is None else environ).get(var)
    if not raw:
        raise ConfigurationError(f"environment variable {var} is not set", setting=var)
    return checked_secret_name(raw, field=var)


class SecretsSettings(Settings):
    """Secrets cache settings, read from ``SECRETS_*`` environment variables.

    Attributes:
        secrets_ttl_seconds: How long a value is served before it is fetched again.
        secrets_ttl_jitter: Fraction (0 to 0.5) by which each TTL is randomly shortened.
        secrets_max_stale_seconds: How long past its TTL a value may still be served while
            Secrets Manager fails with a transient/external error (0 disables).
        secrets_retry_backoff_seconds: Minimum wait between refetches while serving stale.

    Example:
        >>> SecretsSettings.load(secrets_ttl_seconds=60).secrets_ttl_seconds
        60.0
    """

    secrets_ttl_seconds: float = Field(default=300.0, gt=0, le=86_400)
    secrets_ttl_jitter: float = Field(default=0.1, ge=0, le=0.5)
    secrets_max_stale_seconds: float = Field(default=900.0, ge=0, le=86_400)
    secrets_retry_backoff_seconds: float = Field(default=5.0, gt=0, le=3_600)


def decode_secret_binary(name: str, blob: bytes | bytearray) -> SecretStr:
    """Decode a ``SecretBinary`` value as UTF-8.

    Args:
        name: The secret's name, for the error message.
        blob: The raw bytes.

    Returns:
        The text, wrapped.

    Raises:
        ValidationError: If it is not UTF-8; nothing is chained (the decoding error holds
            the bytes).

    Example:
        >>> decode_secret_binary("tradai/key", b"abc")
        SecretStr('**********')
    """
    try:
        text: str | None = bytes(blob).decode("utf-8")
    except UnicodeDecodeError:
        text = None  # raised below, outside the handler, so no context holds the bytes
    if text is None:
        raise ValidationError(f"secret {name!r} is binary but not UTF-8 text", field="secret")
    return SecretStr(text)


def decode_secret_json(name: str, text: str) -> dict[str, Any]:
    """Parse a secret's value as a JSON object.

    Args:
        name: The secret's name, for the error message.
        text: The secret's value.

    Returns:
        A new dict each call.

    Raises:
        ValidationError: If it is not JSON or not an object; the message names the secret,
            never quotes the value, and nothing is chained (``JSONDecodeError`` holds the
            whole document).

    Example:
        >>> decode_secret_json("tradai/db", '{"user": "app"}')
        {'user': 'app'}
    """
    data: object = None
    try:
        data = json.loads(text)
    except ValueError:  # JSONDecodeError, or a number too long to convert
        problem = "is not valid JSON"
    else:
        problem = "must hold a JSON object"
    if not isinstance(data, dict):
        raise ValidationError(f"secret {name!r} {problem}", field="secret")
    return data
