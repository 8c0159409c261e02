"""The exception tree of tradai-common.

There is one root, :class:`TradAIError`, and one layer below it grouped by what the
caller should do about the failure:

========================  =====================================================
``ValidationError``       the input is wrong: fix it, do not retry
``NotFoundError``         the thing asked for does not exist
``ConflictError``         a concurrent writer won, or the item already exists
``ConfigurationError``    the deployment/settings are wrong: an operator fixes it
``AuthenticationError``   credentials are missing, invalid or expired
``ExternalServiceError``  a dependency failed in a way retrying will not fix
``TransientError``        a dependency failed in a way retrying may fix
``TradingError``          a trading safety rule refused to go on
``MissingDependencyError`` an optional extra is not installed
========================  =====================================================

Every error carries its context as attributes (``context`` plus the named ones of each
class) and a message that never contains secret values. This module imports nothing
outside the standard library, so it is cheap to import from anywhere.

Note:
    :class:`ValidationError` is *not* pydantic's ``ValidationError``. Entities raise
    pydantic's error (from their validators); adapters and services raise this one when
    input is refused before any call is made. ``TradAIValidationError`` is an alias for
    code that imports both.

Example:
    >>> from tradai.common.exceptions import NotFoundError, TradAIError
    >>> err = NotFoundError("backtest job not found", resource="job", key="abc")
    >>> isinstance(err, TradAIError), err.resource, err.key
    (True, 'job', 'abc')
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = [
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "ExternalServiceError",
    "MissingDependencyError",
    "NotFoundError",
    "TradAIError",
    "TradAIValidationError",
    "TradingError",
    "TransientError",
    "ValidationError",
]


class TradAIError(Exception):
    """Root of every error raised by tradai-common.

    Args:
        message: Human-readable description. Must not contain secret values.
        context: Extra machine-readable details (operation, resource names, ids).

    Attributes:
        message: The message given.
        context: A read-only copy of the context given.
    """

    #: Whether retrying the same call may succeed.
    retryable: bool = False

    def __init__(self, message: str, *, context: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.context: dict[str, Any] = dict(context or {})

    def __str__(self) -> str:
        if not self.context:
            return self.message
        details = ", ".join(f"{k}={v!r}" for k, v in sorted(self.context.items()))
        return f"{self.message} ({details})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, context={self.context!r})"


class ValidationError(TradAIError, ValueError):
    """Input was refused before anything was written or any process started.

    Args:
        message: What was wrong.
        field: The name of the offending field or argument, if there is one.
        value: A *safe* rendering of the offending value (never a secret).
        context: Extra details.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        value: Any = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        merged = dict(context or {})
        if field is not None:
            merged.setdefault("field", field)
        super().__init__(message, context=merged)
        self.field = field
        self.value = value


TradAIValidationError = ValidationError


class NotFoundError(TradAIError, LookupError):
    """The requested resource does not exist.

    Args:
        message: What was not found.
        resource: The kind of resource (``"secret"``, ``"job"``, ``"bucket"``...).
        key: Its identifier.
        context: Extra details.
    """

    def __init__(
        self,
        message: str,
        *,
        resource: str | None = None,
        key: Any = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        merged = dict(context or {})
        if resource is not None:
            merged.setdefault("resource", resource)
        if key is not None:
            merged.setdefault("key", key)
        super().__init__(message, context=merged)
        self.resource = resource
        self.key = key


class ConflictError(TradAIError):
    """A write lost to a concurrent writer, or the item already exists.

    Args:
        message: What conflicted.
        current: The stored item as it is now, when the backend returned it.
        context: Extra details.
    """

    def __init__(
        self,
        message: str,
        *,
        current: Any = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, context=context)
        self.current = current


class ConfigurationError(TradAIError):
    """Settings or deployment configuration are missing or inconsistent.

    Args:
        message: What is misconfigured.
        setting: The name of the offending setting, if there is one.
        context: Extra details.
    """

    def __init__(
        self,
        message: str,
        *,
        setting: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        merged = dict(context or {})
        if setting is not None:
            merged.setdefault("setting", setting)
        super().__init__(message, context=merged)
        self.setting = setting


class AuthenticationError(TradAIError):
    """Credentials are missing, invalid, expired or lack a permission."""


class ExternalServiceError(TradAIError):
    """A dependency (AWS, MLflow, an exchange, Redis...) failed; retrying will not help.

    Args:
        message: What failed.
        service: The dependency's name (``"s3"``, ``"mlflow"``...).
        operation: The operation that failed (``"GetObject"``...).
        status_code: The HTTP status, when there was one.
        error_code: The service's own error code, when there was one.
        context: Extra details.
    """

    def __init__(
        self,
        message: str,
        *,
        service: str | None = None,
        operation: str | None = None,
        status_code: int | None = None,
        error_code: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        merged = dict(context or {})
        for key, value in (
            ("service", service),
            ("operation", operation),
            ("status_code", status_code),
            ("error_code", error_code),
        ):
            if value is not None:
                merged.setdefault(key, value)
        super().__init__(message, context=merged)
        self.service = service
        self.operation = operation
        self.status_code = status_code
        self.error_code = error_code


class TransientError(ExternalServiceError):
    """A dependency failed in a way that retrying may fix (throttling, 5xx, timeouts).

    Args:
        message: What failed.
        retry_after: Seconds the server asked us to wait, when it said so.
        **kwargs: As for :class:`ExternalServiceError`.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class TradingError(TradAIError):
    """A trading safety rule refused to go on (e.g. LIVE mode without a valid config)."""


class MissingDependencyError(TradAIError, ImportError):
    """An optional dependency is not installed.

    Args:
        package: The importable package that is missing (``"boto3"``).
        extra: The tradai-common extra that installs it (``"aws"``).

    Example:
        >>> str(MissingDependencyError(package="boto3", extra="aws"))
        "boto3 is required for this feature: pip install 'tradai-common[aws]'"
    """

    def __init__(self, *, package: str, extra: str) -> None:
        message = f"{package} is required for this feature: pip install 'tradai-common[{extra}]'"
        TradAIError.__init__(self, message)
        self.package = package
        self.extra = extra
        self.name = package

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Exceptions unpickle by calling ``cls(*args)``; this __init__ is keyword-only.
        return (_rebuild_missing_dependency, (self.package, self.extra))


def _rebuild_missing_dependency(package: str, extra: str) -> MissingDependencyError:
    return MissingDependencyError(package=package, extra=extra)
