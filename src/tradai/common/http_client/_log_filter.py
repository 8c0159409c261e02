"""Keeping credentials in query strings out of the transport libraries' own log lines.

urllib3 logs every request line at DEBUG (``"GET /path?api_key=... HTTP/1.1" 200``) on
``urllib3.connectionpool``, and httpx logs every request URL at INFO on ``httpx``. Neither
can be told to redact. So the first HTTP client created adds :class:`QueryRedactingFilter`
to those two loggers (once per process; nothing happens at import time): values of query
parameters whose names look secret (``api_key``, ``token``, ``signature``, ``key``...)
become ``**********``, and ``Bearer``/``Basic`` credentials and URL passwords are masked.
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.parse

from tradai.common._redaction import REDACTED, is_secret_key, scrub_text

__all__ = [
    "TRANSPORT_LOGGERS",
    "QueryRedactingFilter",
    "install_transport_log_filters",
    "is_secret_param",
    "scrub_query",
]

#: The third-party loggers that print request URLs.
TRANSPORT_LOGGERS = ("urllib3.connectionpool", "httpx")

_SECRET_PARAMS = frozenset(
    {"key", "sig", "signature", "code", "auth", "x-amz-signature", "x-amz-credential"}
)
_QUERY_PAIR_RE = re.compile(r"([?&;])([^=&;\s\"'#?]+)=([^&;\s\"'#]*)")
_LOCK = threading.Lock()
_INSTALLED: list[bool] = []


def is_secret_param(name: str) -> bool:
    """Return whether a query parameter's value must be hidden.

    Args:
        name: The parameter name.

    Returns:
        ``True`` for ``key``, ``sig``, ``signature``, ``code``, ``auth``, AWS signature
        parameters and any secret-looking name (``api_key``, ``access_token``...).
    """
    return name.lower() in _SECRET_PARAMS or is_secret_key(name)


def scrub_query(text: str) -> str:
    """Mask the values of secret-looking query parameters inside ``text``.

    Args:
        text: Any text (a URL, a log line).

    Returns:
        The text with those values replaced by ``**********``.

    Example:
        >>> scrub_query('"GET /x?page=2&api_key=abc&sig=def HTTP/1.1"')
        '"GET /x?page=2&api_key=**********&sig=********** HTTP/1.1"'
    """

    def replace(match: re.Match[str]) -> str:
        name = urllib.parse.unquote_plus(match[2])
        return f"{match[1]}{match[2]}={REDACTED}" if is_secret_param(name) else match[0]

    return _QUERY_PAIR_RE.sub(replace, text)


def _scrub_arg(value: object) -> object:
    if value is None or isinstance(value, int | float):
        return value  # keeps %d and %f formats working
    return scrub_text(scrub_query(str(value)))


class QueryRedactingFilter(logging.Filter):
    """Masks secret query values and credentials in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record`` in place.

        Args:
            record: The log record.

        Returns:
            Always ``True`` (the record is kept).
        """
        if isinstance(record.msg, str):
            record.msg = scrub_text(scrub_query(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(_scrub_arg(arg) for arg in record.args)
        return True


def install_transport_log_filters() -> None:
    """Add :class:`QueryRedactingFilter` to :data:`TRANSPORT_LOGGERS` (idempotent)."""
    with _LOCK:
        if _INSTALLED:
            return
        log_filter = QueryRedactingFilter()
        for name in TRANSPORT_LOGGERS:
            logging.getLogger(name).addFilter(log_filter)
        _INSTALLED.append(True)
