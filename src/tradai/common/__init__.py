"""tradai-common: the shared foundation library of the TradAI platform.

Importing this package is cheap: it loads no third-party module (not even pydantic).
Every public name below is imported on first use.

Example:
    >>> import tradai.common
    >>> tradai.common.TradAIError.__name__
    'TradAIError'
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from typing import Any

    from tradai.common.base_service import BaseService
    from tradai.common.config.catalog import StrategyConfig
    from tradai.common.exceptions import (
        AuthenticationError,
        ConfigurationError,
        ConflictError,
        ExternalServiceError,
        MissingDependencyError,
        NotFoundError,
        TradAIError,
        TradingError,
        TransientError,
        ValidationError,
    )
    from tradai.common.logger_mixin import LoggerMixin
    from tradai.common.settings import Settings
    from tradai.common.settings_mixins import ArcticSettingsMixin, MLflowSettingsMixin

__all__ = [
    "ArcticSettingsMixin",
    "AuthenticationError",
    "BaseService",
    "ConfigurationError",
    "ConflictError",
    "ExternalServiceError",
    "LoggerMixin",
    "MLflowSettingsMixin",
    "MissingDependencyError",
    "NotFoundError",
    "Settings",
    "StrategyConfig",
    "TradAIError",
    "TradingError",
    "TransientError",
    "ValidationError",
    "__version__",
]

_EXPORTS = {
    "ArcticSettingsMixin": "tradai.common.settings_mixins",
    "AuthenticationError": "tradai.common.exceptions",
    "BaseService": "tradai.common.base_service",
    "ConfigurationError": "tradai.common.exceptions",
    "ConflictError": "tradai.common.exceptions",
    "ExternalServiceError": "tradai.common.exceptions",
    "LoggerMixin": "tradai.common.logger_mixin",
    "MLflowSettingsMixin": "tradai.common.settings_mixins",
    "MissingDependencyError": "tradai.common.exceptions",
    "NotFoundError": "tradai.common.exceptions",
    "Settings": "tradai.common.settings",
    "StrategyConfig": "tradai.common.config.catalog",
    "TradAIError": "tradai.common.exceptions",
    "TradingError": "tradai.common.exceptions",
    "TransientError": "tradai.common.exceptions",
    "ValidationError": "tradai.common.exceptions",
}

_getattr, __dir__ = lazy_exports(__name__, _EXPORTS)


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        value = version("tradai-common")
        globals()["__version__"] = value
        return value
    return _getattr(name)
