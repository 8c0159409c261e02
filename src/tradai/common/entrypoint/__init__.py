"""Strategy execution entrypoints: settings, the handler registry and LIVE-mode safety.

Importing this package loads nothing else; each name is imported on first use.

Example:
    >>> from tradai.common.entrypoint import TradingMode
    >>> TradingMode.LIVE.value
    'live'
"""

from __future__ import annotations

from tradai.common._lazy import lazy_exports

TYPE_CHECKING = False  # the typing module costs ~8 ms to import; mypy reads this as True
if TYPE_CHECKING:
    from tradai.common.entrypoint.base import HandlerNotRegisteredError, StrategyEntrypoint
    from tradai.common.entrypoint.settings import EntrypointSettings, TradingMode
    from tradai.common.entrypoint.trading import TradingConfigLoader, validate_config_for_mode

__all__ = [
    "EntrypointSettings",
    "HandlerNotRegisteredError",
    "StrategyEntrypoint",
    "TradingConfigLoader",
    "TradingMode",
    "validate_config_for_mode",
]

_EXPORTS = {
    "EntrypointSettings": "tradai.common.entrypoint.settings",
    "HandlerNotRegisteredError": "tradai.common.entrypoint.base",
    "StrategyEntrypoint": "tradai.common.entrypoint.base",
    "TradingConfigLoader": "tradai.common.entrypoint.trading",
    "TradingMode": "tradai.common.entrypoint.settings",
    "validate_config_for_mode": "tradai.common.entrypoint.trading",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
