"""THE table that translates MLflow errors into tradai exceptions.

Every MLflow backend (the Python SDK one here, a REST client later) maps the server's
``error_code`` with :data:`ERROR_CODE_MAP` and HTTP statuses with :func:`kind_for_status`,
so the same failure raises the same tradai exception whatever the transport.

Decisions:

* ``RESOURCE_ALREADY_EXISTS`` → :class:`ConflictError`; ``RESOURCE_DOES_NOT_EXIST`` /
  ``NOT_FOUND`` / ``ENDPOINT_NOT_FOUND`` → :class:`NotFoundError`; bad input codes →
  :class:`ValidationError`; 401/403 codes → :class:`AuthenticationError`;
  ``TEMPORARILY_UNAVAILABLE``, ``REQUEST_LIMIT_EXCEEDED``, ``RESOURCE_EXHAUSTED``,
  ``DEADLINE_EXCEEDED``, ``ABORTED`` → :class:`TransientError`; anything else →
  :class:`ExternalServiceError`.
* A request that never got an answer (connection refused, reset, timeout, retries
  exhausted) is a :class:`TransientError` with ``error_code="CONNECTION_ERROR"``.
* Messages keep MLflow's text (cut to 500 characters); credentials never reach them: the
  SDK sends them in a header, never in the URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from tradai.common.exceptions import (
    AuthenticationError,
    ConflictError,
    ExternalServiceError,
    NotFoundError,
    TradAIError,
    TransientError,
    ValidationError,
)

__all__ = [
    "CONNECTION_ERROR",
    "ERROR_CODE_MAP",
    "kind_for_status",
    "make_error",
    "translate_mlflow_error",
]

#: ``error_code`` given to failures where no response arrived.
CONNECTION_ERROR: Final = "CONNECTION_ERROR"

_MAX_MESSAGE = 500

ERROR_CODE_MAP: Final[Mapping[str, type[TradAIError]]] = {
    "RESOURCE_DOES_NOT_EXIST": NotFoundError,
    "NOT_FOUND": NotFoundError,
    "ENDPOINT_NOT_FOUND": NotFoundError,
    "RESOURCE_ALREADY_EXISTS": ConflictError,
    "ALREADY_EXISTS": ConflictError,
    "RESOURCE_CONFLICT": ConflictError,
    "INVALID_PARAMETER_VALUE": ValidationError,
    "BAD_REQUEST": ValidationError,
    "MALFORMED_REQUEST": ValidationError,
    "INVALID_STATE": ValidationError,
    "INVALID_STATE_TRANSITION": ValidationError,
    "UNAUTHENTICATED": AuthenticationError,
    "CUSTOMER_UNAUTHORIZED": AuthenticationError,
    "PERMISSION_DENIED": AuthenticationError,
    "TEMPORARILY_UNAVAILABLE": TransientError,
    "REQUEST_LIMIT_EXCEEDED": TransientError,
    "RESOURCE_EXHAUSTED": TransientError,
    "DEADLINE_EXCEEDED": TransientError,
    "ABORTED": TransientError,
    CONNECTION_ERROR: TransientError,
    "INTERNAL_ERROR": ExternalServiceError,
}

_STATUS_CODES: Final[Mapping[int, str]] = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "RESOURCE_DOES_NOT_EXIST",
    409: "RESOURCE_CONFLICT",
    429: "REQUEST_LIMIT_EXCEEDED",
    503: "TEMPORARILY_UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def kind_for_status(status: int) -> str:
    """The MLflow error code that stands for an HTTP status without an ``error_code`` body.

    Args:
        status: The HTTP status code.

    Returns:
        An ``ERROR_CODE_MAP`` key (5xx other than 503/504 → ``INTERNAL_ERROR``).

    Example:
        >>> kind_for_status(404), kind_for_status(502)
        ('RESOURCE_DOES_NOT_EXIST', 'INTERNAL_ERROR')
    """
    return _STATUS_CODES.get(status, "INTERNAL_ERROR" if status >= 500 else "BAD_REQUEST")


def make_error(
    error_code: str,
    message: str,
    *,
    operation: str,
    resource: str | None = None,
    status_code: int | None = None,
) -> TradAIError:
    """Build the tradai exception for an MLflow error code.

    Args:
        error_code: MLflow's ``error_code`` (``RESOURCE_DOES_NOT_EXIST``...).
        message: The server's message.
        operation: The operation that failed (``get_run``...).
        resource: The run id, model name... concerned.
        status_code: The HTTP status, when known.

    Returns:
        The exception to raise (``raise make_error(...) from exc``).

    Example:
        >>> err = make_error("RESOURCE_DOES_NOT_EXIST", "no run", operation="get_run",
        ...                  resource="abc")
        >>> type(err).__name__, err.context["operation"], err.context["error_code"]
        ('NotFoundError', 'get_run', 'RESOURCE_DOES_NOT_EXIST')
    """
    cls = ERROR_CODE_MAP.get(error_code, ExternalServiceError)
    text = f"mlflow {operation} failed: {message[:_MAX_MESSAGE]}"
    context: dict[str, object] = {"service": "mlflow", "operation": operation}
    context["error_code"] = error_code
    if resource is not None:
        context["resource"] = resource
    if status_code is not None:
        context["status_code"] = status_code
    if cls is NotFoundError:
        return NotFoundError(text, resource=resource, context=context)
    if cls is ValidationError:
        return ValidationError(text, context=context)
    if issubclass(cls, ExternalServiceError):
        return cls(
            text,
            service="mlflow",
            operation=operation,
            status_code=status_code,
            error_code=error_code,
            context=context,
        )
    return cls(text, context=context)


def _is_connection_failure(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        module = type(current).__module__.split(".")[0]
        if module in {"requests", "urllib3"} or isinstance(current, ConnectionError | TimeoutError):
            return True
        current = current.__cause__ or current.__context__
    return False


def translate_mlflow_error(
    exc: BaseException, *, operation: str, resource: str | None = None
) -> TradAIError:
    """Translate an exception raised by the MLflow SDK.

    Args:
        exc: An ``mlflow.exceptions.MlflowException`` (or a ``requests`` error).
        operation: The operation that failed.
        resource: The run id, model name... concerned.

    Returns:
        The tradai exception to raise ``from exc``.
    """
    if isinstance(exc, TradAIError):
        return exc
    code = getattr(exc, "error_code", None)
    status = getattr(exc, "get_http_status_code", None)
    message = getattr(exc, "message", None) or str(exc)
    if _is_connection_failure(exc) and code in {None, "INTERNAL_ERROR"}:
        code = CONNECTION_ERROR
    status_code = status() if callable(status) and code != CONNECTION_ERROR else None
    return make_error(
        str(code or "INTERNAL_ERROR"),
        str(message),
        operation=operation,
        resource=resource,
        status_code=status_code if isinstance(status_code, int) else None,
    )
