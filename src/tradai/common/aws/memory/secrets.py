"""The in-memory twin of :class:`~tradai.common.aws.secrets_manager.SecretsManagerCache`.

:class:`InMemorySecretsStore` satisfies the same
:class:`~tradai.common.aws.secrets_manager.SecretsStore` port with the same errors (invalid
name → ``ValidationError`` before any lookup, missing → ``NotFoundError``, non-UTF-8 binary
or non-object JSON → ``ValidationError``), so code and tests that take a store run
unchanged against it. It has no cache: a rotation is visible at once, and
:meth:`~InMemorySecretsStore.refresh` only checks that the secret exists. It counts reads
(:attr:`~InMemorySecretsStore.reads`) so tests can prove how often a secret was asked for.

Example:
    >>> store = InMemorySecretsStore()
    >>> store.put_secret("tradai/prod/binance", {"api_key": "k", "api_secret": "s"})
    >>> store.get_secret_json("tradai/prod/binance")["api_key"]
    'k'
    >>> store
    InMemorySecretsStore(secrets=1)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

from pydantic import SecretBytes, SecretStr

from tradai.common.aws._secret_values import (
    checked_secret_name,
    decode_secret_binary,
    decode_secret_json,
)
from tradai.common.exceptions import NotFoundError, ValidationError

__all__ = ["InMemorySecretsStore"]

SecretInput = str | bytes | Mapping[str, Any]


def _wrap(name: str, value: object) -> SecretStr | SecretBytes:
    if isinstance(value, str) and value:
        return SecretStr(value)
    if isinstance(value, bytes | bytearray) and value:
        return SecretBytes(bytes(value))
    if isinstance(value, Mapping):
        return SecretStr(json.dumps(dict(value)))
    raise ValidationError(
        f"secret {name!r} needs a non-empty str, bytes or mapping value", field="value"
    )


class InMemorySecretsStore:
    """A thread-safe dict of secrets with the :class:`SecretsStore` interface.

    Args:
        secrets: Initial secrets by name: text, bytes (served as UTF-8) or a mapping
            (stored as JSON).

    Raises:
        ValidationError: If a name or value is invalid.
    """

    def __init__(self, secrets: Mapping[str, SecretInput] | None = None) -> None:
        self._lock = threading.Lock()
        self._secrets: dict[str, SecretStr | SecretBytes] = {}
        self._reads = 0
        for name, value in (secrets or {}).items():
            self.put_secret(name, value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(secrets={len(self._secrets)})"

    @property
    def reads(self) -> int:
        """How many ``get_secret``/``get_secret_json`` calls reached the store."""
        return self._reads

    def put_secret(self, name: str, value: SecretInput) -> None:
        """Create or replace a secret (like ``create_secret``/``put_secret_value``).

        Args:
            name: The secret's name.
            value: Text, bytes (a ``SecretBinary``) or a mapping (stored as JSON).

        Raises:
            ValidationError: If the name or value is invalid.
        """
        checked = checked_secret_name(name)
        wrapped = _wrap(checked, value)
        with self._lock:
            self._secrets[checked] = wrapped

    def rotate(self, name: str, value: SecretInput) -> None:
        """Replace an existing secret's value.

        Args:
            name: The secret's name.
            value: The new value.

        Raises:
            NotFoundError: If there is no such secret.
            ValidationError: If the name or value is invalid.
        """
        checked = checked_secret_name(name)
        wrapped = _wrap(checked, value)
        with self._lock:
            self._require(checked)
            self._secrets[checked] = wrapped

    def delete(self, name: str) -> None:
        """Delete a secret.

        Args:
            name: The secret's name.

        Raises:
            NotFoundError: If there is no such secret.
        """
        checked = checked_secret_name(name)
        with self._lock:
            self._require(checked)
            del self._secrets[checked]

    def get_secret(self, name: str) -> str:
        """Return the secret's value.

        Args:
            name: The secret's name.

        Returns:
            The value (a binary secret decoded as UTF-8).

        Raises:
            ValidationError: If the name is invalid or a binary value is not UTF-8.
            NotFoundError: If there is no such secret.
        """
        checked = checked_secret_name(name)
        with self._lock:
            self._reads += 1
            stored = self._require(checked)
        if isinstance(stored, SecretBytes):
            stored = decode_secret_binary(checked, stored.get_secret_value())
        return stored.get_secret_value()

    def get_secret_json(self, name: str) -> dict[str, Any]:
        """Return the secret's value parsed as a JSON object.

        Args:
            name: The secret's name.

        Returns:
            A new dict each call.

        Raises:
            ValidationError: If the name is invalid or the value is not a JSON object.
            NotFoundError: If there is no such secret.
        """
        return decode_secret_json(name, self.get_secret(name))

    def refresh(self, name: str) -> None:
        """Check the secret exists (there is no cache to refresh).

        Args:
            name: The secret's name.

        Raises:
            ValidationError: If the name is invalid.
            NotFoundError: If there is no such secret.
        """
        checked = checked_secret_name(name)
        with self._lock:
            self._require(checked)

    def _require(self, name: str) -> SecretStr | SecretBytes:
        stored = self._secrets.get(name)
        if stored is None:
            raise NotFoundError(
                f"secretsmanager GetSecretValue failed: secret {name!r} not found",
                resource=name,
                context={
                    "service": "secretsmanager",
                    "operation": "GetSecretValue",
                    "error_code": "ResourceNotFoundException",
                },
            )
        return stored
