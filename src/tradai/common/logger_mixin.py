"""Logging for tradai: a logger mixin, JSON logs, correlation ids and secret redaction.

* :class:`LoggerMixin` gives any class a ``logger`` named ``<module>.<qualname>``.
* :class:`JsonFormatter` writes one JSON object per line.
* :func:`get_correlation_id`, :func:`set_correlation_id`, :func:`correlation_context` keep a
  correlation id in a context variable (so it follows threads' and tasks' own contexts).
* :class:`SecretRedactingFilter` and :func:`redact` keep secrets out of the logs.
* :func:`configure_logging` sets up the root logger for a *service*; the library itself
  never configures logging, it only adds a ``NullHandler`` to the ``"tradai"`` logger.

Decisions where the specification is silent:

* JSON keys: ``timestamp`` (ISO-8601, UTC, milliseconds), ``level``, ``logger``,
  ``message``, then, when they have a value, ``service``, ``correlation_id``, ``trace_id``
  and ``span_id`` (from OpenTelemetry, only if the application already imported it),
  ``exception`` (``type``, ``message``, ``traceback``) and ``stack_info``, then every
  ``extra`` field. No other ``LogRecord`` attribute is written (not ``taskName`` either).
  An ``extra`` key that collides with one of these is written as ``extra_<key>``.
* ``service`` is the formatter's ``service`` argument, else ``SERVICE_NAME`` read when the
  formatter is built.
* Redaction masks, as ``**********``: any value with a ``get_secret_value`` method
  (pydantic ``SecretStr``/``SecretBytes``); the value of any key whose name looks secret
  (password, passphrase, pwd, secret, token, api key, private/access/signing key,
  authorization, credential, cookie, session id, dsn, connection string), at any depth of
  ``extra`` fields and of mapping ``args``; passwords embedded in URLs
  (``scheme://user:pass@host``) and ``Bearer``/``Basic`` credentials in any string. A secret
  passed as a bare positional ``%s`` argument has no key and is only caught if it is a
  ``SecretStr``: log ``SecretStr`` values, never ``get_secret_value()``.
* Correlation ids must be 1-128 characters of letters, digits and ``. _ : -`` starting with a
  letter or digit (they often come from request headers), else ``ValidationError``.
* The ``logger`` property is cached in the instance's ``__dict__`` (not on the class); for
  pydantic models and ``__slots__`` classes it is looked up each time instead (cheap:
  ``logging.getLogger`` is itself cached), so model equality and dumps are unaffected.

This module imports only the standard library.

Example:
    >>> class Worker(LoggerMixin):
    ...     pass
    >>> Worker().logger.name.endswith("Worker")
    True
    >>> redact({"user": "ann", "password": "hunter2"})
    {'user': 'ann', 'password': '**********'}
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import logging
import os
import sys

from tradai.common._correlation import (
    correlation_context,
    get_correlation_id,
    new_correlation_id,
    reset_correlation_id,
    set_correlation_id,
)
from tradai.common._redaction import (
    REDACTED,
    SecretRedactingFilter,
    extra_items,
    is_secret_value,
    redact,
    redact_args,
    redact_value,
    scrub_text,
)
from tradai.common.exceptions import ConfigurationError
from tradai.common.tracing import current_trace_ids

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from typing import IO, Any

__all__ = [
    "REDACTED",
    "JsonFormatter",
    "LoggerMixin",
    "SecretRedactingFilter",
    "configure_logging",
    "correlation_context",
    "get_correlation_id",
    "new_correlation_id",
    "redact",
    "reset_correlation_id",
    "set_correlation_id",
]

_LOGGER_ATTR = "_tradai_logger"
_HANDLER_MARK = "_tradai_configured"

_LIBRARY_LOGGER = logging.getLogger("tradai")
if not any(isinstance(h, logging.NullHandler) for h in _LIBRARY_LOGGER.handlers):
    _LIBRARY_LOGGER.addHandler(logging.NullHandler())


# ---------------------------------------------------------------- formatting


def _json_default(value: Any) -> Any:
    if is_secret_value(value):
        return REDACTED
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return redact_value(dump(mode="json"), None, 1)
    return scrub_text(str(value))


def _render_message(record: logging.LogRecord) -> str:
    msg = REDACTED if is_secret_value(record.msg) else str(record.msg)
    args = redact_args(record.args)
    if args:
        try:
            msg = msg % args
        except (TypeError, ValueError, KeyError):
            msg = f"{msg} {args!r}"
    return scrub_text(msg)


class JsonFormatter(logging.Formatter):
    """Format each record as one JSON object on one line, secrets masked.

    Args:
        service: The service name; defaults to the ``SERVICE_NAME`` environment variable
            as it is when the formatter is built.

    Example:
        >>> formatter = JsonFormatter(service="backtest")
        >>> record = logging.LogRecord("tradai.x", logging.INFO, "", 0, "hi %s", ("ann",), None)
        >>> out = json.loads(formatter.format(record))
        >>> out["message"], out["service"], out["level"]
        ('hi ann', 'backtest', 'INFO')
    """

    def __init__(self, *, service: str | None = None) -> None:
        super().__init__()
        self._service = service if service is not None else os.environ.get("SERVICE_NAME")

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as a JSON line.

        Args:
            record: The log record.

        Returns:
            The JSON text (no trailing newline).
        """
        payload = self._core_fields(record)
        for key, value in extra_items(record):
            payload[f"extra_{key}" if key in payload else key] = redact_value(value, key, 0)
        try:
            return json.dumps(payload, default=_json_default, ensure_ascii=False)
        except Exception as exc:  # logging must never raise
            fallback = {k: payload[k] for k in ("timestamp", "level", "logger", "message")}
            fallback["format_error"] = type(exc).__name__
            return json.dumps(fallback, ensure_ascii=False)

    def _core_fields(self, record: logging.LogRecord) -> dict[str, Any]:
        created = _dt.datetime.fromtimestamp(record.created, _dt.UTC)
        payload: dict[str, Any] = {
            "timestamp": created.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _render_message(record),
        }
        if self._service:
            payload["service"] = self._service
        correlation_id = getattr(record, "correlation_id", None) or get_correlation_id()
        if correlation_id:
            payload["correlation_id"] = redact_value(str(correlation_id), None, 0)
        ids = current_trace_ids()
        if ids is not None:
            payload["trace_id"], payload["span_id"] = ids.trace_id, ids.span_id
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            payload["exception"] = {
                "type": type(exc).__qualname__,
                "message": scrub_text(str(exc)),
                "traceback": scrub_text(self.formatException(record.exc_info)),
            }
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        return payload


_TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"


class _TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(_TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging API
        values = dict(vars(record))
        values["correlation_id"] = (
            getattr(record, "correlation_id", None) or get_correlation_id() or "-"
        )
        return _TEXT_FORMAT % values


def _level_number(level: int | str) -> int:
    if isinstance(level, int) and not isinstance(level, bool):
        return level
    if isinstance(level, str):
        number = logging.getLevelNamesMapping().get(level.upper())
        if number is not None:
            return number
    raise ConfigurationError(f"unknown log level {level!r}", setting="level")


def configure_logging(
    level: int | str = "INFO",
    *,
    json: bool = True,
    service: str | None = None,
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Configure the root logger for a service (call once, at start-up).

    Installs one stream handler with secret redaction and either :class:`JsonFormatter`
    or a text format carrying the correlation id. Calling it again replaces the handler it
    installed before; handlers installed by others are left alone.

    Args:
        level: The root level, as a name (``"DEBUG"``) or number.
        json: Write JSON lines (``True``) or human-readable text (``False``).
        service: The service name written in each JSON line (default ``SERVICE_NAME``).
        stream: Where to write (default ``sys.stderr``).

    Returns:
        The installed handler.

    Raises:
        ConfigurationError: If ``level`` is not a known level.
    """
    number = _level_number(level)
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(SecretRedactingFilter())
    if json:
        handler.setFormatter(JsonFormatter(service=service))
    else:
        handler.setFormatter(_TextFormatter())
    root.addHandler(handler)
    root.setLevel(number)
    return handler


# ---------------------------------------------------------------- the mixin


class LoggerMixin:
    """Give a class a ``logger`` named after its module and qualified name.

    Example:
        >>> class Downloader(LoggerMixin):
        ...     def run(self) -> None:
        ...         self.logger.debug("starting")
        >>> Downloader().logger.name.endswith("logger_mixin.Downloader")
        True
    """

    __slots__ = ()

    @property
    def logger(self) -> logging.Logger:
        """The logger ``<module>.<qualname>`` of this object's class (cached per instance).

        Returns:
            The logger.
        """
        namespace = getattr(self, "__dict__", None)
        if namespace is not None:
            cached = namespace.get(_LOGGER_ATTR)
            if cached is not None:
                return cached  # type: ignore[no-any-return]  # set below, always a Logger
        cls = type(self)
        logger = logging.getLogger(f"{cls.__module__}.{cls.__qualname__}")
        pydantic = sys.modules.get("pydantic")
        if namespace is not None and not (
            pydantic is not None and isinstance(self, pydantic.BaseModel)
        ):
            namespace[_LOGGER_ATTR] = logger
        return logger
