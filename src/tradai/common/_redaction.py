"""Masking secrets in log records (re-exported by :mod:`tradai.common.logger_mixin`).

What is masked, as :data:`REDACTED`: any value with a ``get_secret_value`` method (pydantic
``SecretStr``/``SecretBytes``, detected by duck typing so pydantic need not be imported); the
value of any key whose name looks secret, at any depth; passwords embedded in URLs
(``scheme://user:pass@host``) and ``Bearer``/``Basic`` credentials inside strings.
"""

from __future__ import annotations

import logging
import re

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "REDACTED",
    "RESERVED_ATTRS",
    "SecretRedactingFilter",
    "extra_items",
    "is_secret_key",
    "is_secret_value",
    "redact",
    "redact_args",
    "redact_value",
    "scrub_text",
]

#: The mask written in place of a secret (the same as pydantic's ``SecretStr``).
REDACTED = "**********"

_MAX_DEPTH = 8
_SECRET_KEY_RE = re.compile(
    r"passw|passphrase|pwd|secret|token|api_?key|private_?key|access_?key|signing_?key"
    r"|authorization|credential|cookie|session_?id|dsn|connection_?string"
)
_URL_PASSWORD_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]+:)[^\s/@]+@")
_AUTH_HEADER_RE = re.compile(r"\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
#: LogRecord attributes that are not ``extra`` fields (``taskName`` exists from 3.12 on).
RESERVED_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
    "correlation_id",
}


def is_secret_key(key: str) -> bool:
    """Return whether a key's name looks like it holds a secret (``api-key``, ``DB_PASSWORD``)."""
    return _SECRET_KEY_RE.search(key.lower().replace("-", "_")) is not None


def is_secret_value(value: object) -> bool:
    """Return whether ``value`` is a secret wrapper (has a ``get_secret_value`` method)."""
    return callable(getattr(type(value), "get_secret_value", None))


def scrub_text(text: str) -> str:
    """Mask URL-embedded passwords and ``Bearer``/``Basic`` credentials inside ``text``."""
    text = _URL_PASSWORD_RE.sub(rf"\g<1>{REDACTED}@", text)
    return _AUTH_HEADER_RE.sub(rf"\g<1> {REDACTED}", text)


def redact_value(value: Any, key: str | None, depth: int) -> Any:
    """Redact ``value`` stored under ``key``, ``depth`` levels deep (see :func:`redact`)."""
    if value is not None and key is not None and is_secret_key(key):
        return REDACTED
    if is_secret_value(value):
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if depth >= _MAX_DEPTH and isinstance(value, dict | list | tuple | set | frozenset):
        return "<nested too deep>"
    if isinstance(value, dict):
        return {k: redact_value(v, str(k), depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v, None, depth + 1) for v in value]
    if isinstance(value, tuple):
        items = tuple(redact_value(v, None, depth + 1) for v in value)
        return type(value)(*items) if hasattr(value, "_fields") else items
    if isinstance(value, set | frozenset):
        return {redact_value(v, None, depth + 1) for v in value}
    return value


def redact(value: Any, *, key: str | None = None) -> Any:
    """Return a copy of ``value`` with secrets masked (see the module notes).

    Args:
        value: Any value; dicts, lists, tuples and sets are copied recursively.
        key: The name the value is stored under, if any.

    Returns:
        The value with secrets replaced by :data:`REDACTED`.

    Example:
        >>> redact("postgresql://app:s3cr3t@db:5432/x")
        'postgresql://app:**********@db:5432/x'
        >>> redact("abc", key="api_key")
        '**********'
    """
    return redact_value(value, key, 0)


def redact_args(args: Any) -> Any:
    """Redact a record's ``args`` (a tuple, or a dict for ``%(name)s`` formats)."""
    if isinstance(args, dict):
        return redact_value(args, None, 0)
    if isinstance(args, tuple):
        return tuple(redact_value(arg, None, 1) for arg in args)
    return args


def extra_items(record: logging.LogRecord) -> list[tuple[str, Any]]:
    """Return the ``extra`` fields of a record as ``(key, value)`` pairs."""
    return [(k, v) for k, v in vars(record).items() if k not in RESERVED_ATTRS]


class SecretRedactingFilter(logging.Filter):
    """A filter that masks secrets in a record's ``args``, message and ``extra`` fields.

    Attach it to handlers (a filter on a logger does not see records of its children).
    It never drops a record.

    Example:
        >>> record = logging.LogRecord("x", logging.INFO, "", 0, "login %s", ("pw",), None)
        >>> record.password = "hunter2"
        >>> SecretRedactingFilter().filter(record), record.password
        (True, '**********')
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask secrets in ``record`` in place.

        Args:
            record: The log record.

        Returns:
            Always ``True``.
        """
        record.args = redact_args(record.args)
        if is_secret_value(record.msg):
            record.msg = REDACTED
        elif isinstance(record.msg, str):
            record.msg = scrub_text(record.msg)
        for key, value in extra_items(record):
            setattr(record, key, redact_value(value, key, 0))
        return True
